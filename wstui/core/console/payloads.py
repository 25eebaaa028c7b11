"""Saved payloads (the files of a project's `payloads/` directory) and the JSON check of a typed one.

A payload is whatever text the user wants to send; JSON is the usual case, so a file or a draft that
is not JSON is reported with where it goes wrong, never refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from wstui.core.errors import UsageError

PAYLOADS_DIR = "payloads"


@dataclass(frozen=True)
class JsonCheck:
    """`error` is empty for valid JSON; otherwise it says what is wrong, at `line` and `column` (1-based)."""

    error: str = ""
    line: int | None = None
    column: int | None = None

    @property
    def valid(self) -> bool:
        return not self.error

    def __str__(self) -> str:
        return "valid JSON" if self.valid else f"{self.error} at line {self.line}, column {self.column}"


@dataclass(frozen=True)
class SavedPayload:
    name: str
    path: Path
    text: str
    check: JsonCheck


def check_json(text: str) -> JsonCheck:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return JsonCheck(error.msg, error.lineno, error.colno)
    return JsonCheck()


def saved_payloads(project_dir: Path) -> list[SavedPayload]:
    """The files of `payloads/`, by name; none when the directory does not exist."""
    directory = project_dir / PAYLOADS_DIR
    if not directory.is_dir():
        return []
    found: list[SavedPayload] = []
    files = [p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")]
    for path in sorted(files, key=lambda p: (p.stem, p.name)):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            found.append(SavedPayload(path.stem, path, "", JsonCheck("not UTF-8 text", 1, 1)))
            continue
        found.append(SavedPayload(path.stem, path, text, check_json(text)))
    return found


def payload_argument(argument: str, base: Path) -> str:
    """A payload as given on a command line: `@FILE` is the text of FILE (relative to `base`), anything
    else is the payload itself. A trailing newline of the file is not part of the message."""
    if not argument.startswith("@"):
        return argument
    path = base / argument[1:]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"Payload file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise UsageError(f"Cannot read payload file {path}: {reason}.") from None
    return text.removesuffix("\n")
