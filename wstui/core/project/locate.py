"""Find the line of a key path in a TOML text, so every problem can say `wstui.toml:LINE`.

tomlkit keeps no line numbers on items, so this scans the text once: table headers (`[api]`,
`[[routes]]`, `[routes.authorizer]`) set the current table, `key =` lines are recorded under it.
Inline tables and dotted keys resolve to the line of their outer key, which is where a user looks.
"""

from __future__ import annotations

import re
from pathlib import Path

from wstui.core.errors import Problem
from wstui.core.project.schema import KeyPath, SchemaProblem

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*[=.]""")


def _split_dotted(name: str) -> list[str]:
    return [part.strip().strip("\"'") for part in name.split(".")]


class LineIndex:
    """Maps key paths to 1-based line numbers for one TOML text."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        counts: dict[tuple[str, ...], int] = {}
        table: KeyPath = ()
        multiline = None
        for number, line in enumerate(text.splitlines(), start=1):
            if multiline:
                if line.count(multiline) % 2 == 1:
                    multiline = None
                continue
            header = _HEADER.match(line)
            if header:
                table = self._enter_table(header.group(1) == "[[", _split_dotted(header.group(2)), counts)
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._lines.setdefault((*table, key.group(1).strip("\"'")), number)
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        multiline = quote

    def _enter_table(self, is_array: bool, names: list[str], counts: dict[tuple[str, ...], int]) -> KeyPath:
        path: list[str | int] = []
        for i, name in enumerate(names):
            path.append(name)
            prefix = tuple(names[: i + 1])
            last = i == len(names) - 1
            if is_array and last:
                counts[prefix] = counts.get(prefix, -1) + 1
                for deeper in [k for k in counts if len(k) > len(prefix) and k[: len(prefix)] == prefix]:
                    del counts[deeper]
                path.append(counts[prefix])
            elif prefix in counts:
                path.append(counts[prefix])
        return tuple(path)

    def line(self, path: KeyPath) -> int | None:
        """The line of the longest prefix of `path` that appears in the text."""
        for end in range(len(path), -1, -1):
            found = self._lines.get(tuple(path[:end]))
            if found:
                return found
        return None


def located(problems: list[SchemaProblem], text: str, path: Path) -> list[Problem]:
    """`problems` found in `text`, the content of the file at `path`, each with its line."""
    lines = LineIndex(text)
    return [Problem(p.message, path, lines.line(p.path), p.remedies) for p in problems]
