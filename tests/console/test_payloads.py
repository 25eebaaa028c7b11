"""Saved payloads from a project's payloads/ directory, the JSON check, and `@FILE` arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wstui.core.console import check_json, payload_argument, saved_payloads
from wstui.core.errors import UsageError


def test_the_scaffolded_payloads_are_listed_by_name_and_valid(chat: Path) -> None:
    payloads = saved_payloads(chat)
    assert [p.name for p in payloads] == ["missing-data", "sendmessage", "sendmessage-object", "unknown-route"]
    assert all(p.check.valid for p in payloads)
    sendmessage = payloads[1]
    assert json.loads(sendmessage.text) == {"message": "sendmessage", "data": "hello world !"}
    assert sendmessage.path == chat / "payloads" / "sendmessage.json"


def test_invalid_files_are_reported_not_raised(chat: Path) -> None:
    (chat / "payloads" / "broken.json").write_text('{\n  "message": "sendmessage",\n  "data": oops\n}\n', encoding="utf-8")
    (chat / "payloads" / "latin1.txt").write_bytes(b"caf\xe9")
    (chat / "payloads" / ".hidden").write_text("x", encoding="utf-8")
    by_name = {p.name: p for p in saved_payloads(chat)}
    assert ".hidden" not in by_name and len(by_name) == 6
    broken = by_name["broken"].check
    assert not broken.valid and (broken.line, broken.column) == (3, 11)
    assert str(broken) == "Expecting value at line 3, column 11"
    assert by_name["latin1"].check.error == "not UTF-8 text"


def test_a_project_without_payloads_has_none(tmp_path: Path) -> None:
    assert saved_payloads(tmp_path) == []


def test_check_json() -> None:
    assert check_json('{"message": "sendmessage"}').valid
    assert str(check_json("[1, 2]")) == "valid JSON"
    check = check_json('{"message": "sendmessage",}')
    assert (check.valid, check.line, check.column) == (False, 1, 27)
    assert "double quotes" in check.error


def test_payload_arguments(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text('{"a": 1}\n', encoding="utf-8")
    assert payload_argument("@p.json", tmp_path) == '{"a": 1}'
    assert payload_argument("plain text", tmp_path) == "plain text"
    with pytest.raises(UsageError, match="does not exist"):
        payload_argument("@missing.json", tmp_path)
    (tmp_path / "bad").write_bytes(b"\xff\xfe")
    with pytest.raises(UsageError, match="not UTF-8"):
        payload_argument("@bad", tmp_path)
