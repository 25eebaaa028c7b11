"""Handlers named `module:function`, checked by reading the source, never by importing it.

Importing a user's module would run its top-level code (boto3 clients, network calls) just to
validate a file, and would be slow; parsing it with `ast` answers "does this function exist" safely.
"""

from __future__ import annotations

import ast
import keyword
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HandlerRef:
    """A handler string split into its parts: `handlers.chat:send` -> module `handlers.chat`, function `send`."""

    module: str
    function: str

    @property
    def lambda_handler(self) -> str:
        """The Lambda runtime's spelling of the same handler: `handlers.chat.send`."""
        return f"{self.module}.{self.function}"

    def candidates(self, directory: Path) -> list[Path]:
        base = directory.joinpath(*self.module.split("."))
        return [base.with_suffix(".py"), base / "__init__.py"]

    def source_file(self, directory: Path) -> Path | None:
        return next((path for path in self.candidates(directory) if path.is_file()), None)


def _is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def parse_handler(text: str) -> HandlerRef | None:
    """The parts of `module:function`, or None when the text is not of that form."""
    module, sep, function = text.partition(":")
    if not sep or not _is_identifier(function) or not all(_is_identifier(p) for p in module.split(".")):
        return None
    return HandlerRef(module, function)


def defined_names(source: str) -> set[str]:
    """Names a module defines at its top level: functions, classes and assignments."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def find_handler_problem(directory: Path, handler: str) -> str | None:
    """One sentence on what is wrong with `handler` in the project at `directory`, or None."""
    ref = parse_handler(handler)
    if ref is None:
        return f'Handler "{handler}" must look like module:function, e.g. "handlers.chat:send_message".'
    source_file = ref.source_file(directory)
    if source_file is None:
        expected = ref.candidates(directory)[0].relative_to(directory)
        return f'Handler "{handler}": module "{ref.module}" not found (expected {expected}).'
    try:
        names = defined_names(source_file.read_text(encoding="utf-8"))
    except SyntaxError as error:
        return f'Handler "{handler}": {source_file.name} does not parse (line {error.lineno}: {error.msg}).'
    except (OSError, UnicodeDecodeError) as error:
        return f'Handler "{handler}": cannot read {source_file.name} ({error}).'
    if ref.function not in names:
        return f'Handler "{handler}": {source_file.relative_to(directory)} defines no "{ref.function}".'
    return None
