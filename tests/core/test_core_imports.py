"""wstui.core is the library the CLI and the TUI share: it must not import either's UI toolkit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).parents[2] / "wstui" / "core"
UI_LIBRARIES = {"textual", "click", "rich"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_imports_no_ui_library(path: Path) -> None:
    assert not imported_roots(path) & UI_LIBRARIES


def test_the_check_sees_core_modules() -> None:
    assert len(list(CORE.rglob("*.py"))) >= 10
    assert "tomlkit" in imported_roots(CORE / "project" / "load.py")
