"""Stub handlers written for a new route: the route then validates, and nothing existing is overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from wstui.core.errors import UsageError
from wstui.core.project.handlers import find_handler_problem
from wstui.core.project.stubs import handler_is_missing, write_stub_handler


def test_a_stub_in_a_new_package_makes_the_handler_exist(tmp_path: Path) -> None:
    assert handler_is_missing(tmp_path, "handlers.rooms:join")
    written = write_stub_handler(tmp_path, "handlers.rooms:join")
    assert written == tmp_path / "handlers" / "rooms.py"
    assert (tmp_path / "handlers" / "__init__.py").is_file()
    assert find_handler_problem(tmp_path, "handlers.rooms:join") is None
    assert not handler_is_missing(tmp_path, "handlers.rooms:join")


def test_a_stub_is_appended_to_an_existing_module(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import json\n\n\ndef send(event, context):\n    return json.dumps({})\n")
    write_stub_handler(tmp_path, "app:leave")
    text = (tmp_path / "app.py").read_text()
    assert text.startswith("import json\n\n\ndef send(event, context):")
    assert find_handler_problem(tmp_path, "app:leave") is None
    assert find_handler_problem(tmp_path, "app:send") is None
    compile(text, "app.py", "exec")


def test_an_existing_handler_or_a_bad_name_gets_no_stub(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def send(event, context):\n    return None\n")
    assert not handler_is_missing(tmp_path, "app:send")
    assert not handler_is_missing(tmp_path, "not a handler")
    with pytest.raises(UsageError, match="already exists"):
        write_stub_handler(tmp_path, "app:send")
    with pytest.raises(UsageError, match="module:function"):
        write_stub_handler(tmp_path, "app.send")
    assert (tmp_path / "app.py").read_text() == "def send(event, context):\n    return None\n"
