"""Which of the project's files go into the code archive: what the functions need, and never a secret.

The archive goes to S3 and into every function, so its files are chosen rather than swept up:

- the top-level package or module of every handler (the routes' and the authorizer's), whole:
  `handlers.chat:send` brings all of `handlers/`, so modules and data files next to the handlers come along;
- the project's own top-level modules and packages that those import (read with `ast`, never run, and
  followed until nothing new appears), since a function cannot run without them;
- what `[package] include` names.

Never, whatever `include` says: dot-files and dot-folders (`.env.local`, `.aws/`, `.git/`, `.wstui/`),
virtual environments, tests (`tests/`, `test_*.py`, `conftest.py`), caches, what the project's
`.gitignore` files ignore, what `[package] exclude` names, and what plugins exclude
(`wstui_archive_exclude`: their own settings and data files). `wstui dev` imports from the whole project
directory; the archive is narrower on purpose.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pathspec import GitIgnoreSpec

from wstui.core.errors import WstuiError
from wstui.core.project.handlers import HandlerRef, parse_handler
from wstui.core.project.model import Project
from wstui.core.project.patterns import compile_patterns

NEVER_DIRECTORIES = frozenset({"__pycache__", "node_modules", "tests", "test"})
NEVER_FILES = frozenset({"wstui.toml", "conftest.py", "pytest.ini"})
TEST_MODULE = re.compile(r"test_.*\.py|.*_test\.py")
GITIGNORE = ".gitignore"
NEVER_IN = "dot-files, tests, virtual environments, what .gitignore ignores, [package] exclude and plugins exclude never go in"


class PackagingError(WstuiError):
    """The archive could not be built: a file unreadable, a requirement pip could not install."""


def project_files(project: Project, excluded: Iterable[str] = ()) -> list[tuple[str, Path]]:
    """(name in the archive, file) for the project's files the functions need, sorted by name; files
    matching `excluded` (patterns plugins give) stay out, as `[package] exclude` keeps them out."""
    root = project.directory.resolve()
    exclude = compile_patterns([*project.package.exclude, *excluded])
    candidates = {name: path for name, path in _walk(root, GitIgnores(root)) if not exclude.match_file(name)}
    by_top: dict[str, list[tuple[str, Path]]] = {}
    for name, path in candidates.items():
        top = top_level(name)
        if top:
            by_top.setdefault(top, []).append((name, path))
    refs = handler_refs(project)
    needed = _needed({ref.module.split(".")[0] for ref in refs.values()}, by_top)
    include = compile_patterns(project.package.include)
    _check_includes(project.package.include, candidates)
    chosen = sorted((name, path) for name, path in candidates.items() if top_level(name) in needed or include.match_file(name))
    _check_handlers(refs, root, {name for name, _ in chosen})
    return chosen


def handler_refs(project: Project) -> dict[str, HandlerRef]:
    """Every handler the functions run (the routes' and the authorizer's), by its `module:function` text."""
    handlers = [route.handler for route in project.routes]
    handlers += [route.authorizer.handler for route in project.routes if route.authorizer]
    refs = {handler: parse_handler(handler) for handler in handlers}
    return {handler: ref for handler, ref in refs.items() if ref is not None}


def top_level(name: str) -> str:
    """The importable top-level name a file belongs to: `handlers/x.py` -> `handlers`, `app.py` -> `app`."""
    first, slash, _ = name.partition("/")
    if slash:
        return first
    return first.removesuffix(".py") if first.endswith(".py") else ""


def _needed(handlers: set[str], by_top: dict[str, list[tuple[str, Path]]]) -> set[str]:
    """The handlers' top-level names and, transitively, the project's own ones their code imports."""
    needed: set[str] = set()
    waiting = sorted(handlers)
    while waiting:
        top = waiting.pop()
        if top in needed:
            continue
        needed.add(top)
        for name, path in by_top.get(top, []):
            if name.endswith(".py"):
                waiting.extend(imported for imported in imported_top_levels(path) if imported in by_top)
    return needed


def imported_top_levels(path: Path) -> set[str]:
    """The top-level names a module imports, anywhere in it (a lazy import in a function counts too).
    A file that does not parse imports nothing here: validation reports the handlers' own syntax errors."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _check_handlers(refs: dict[str, HandlerRef], root: Path, chosen: set[str]) -> None:
    """A handler whose own file is kept out (it is gitignored, in a tests/ folder, excluded) would fail
    only in AWS, as a function that cannot find its module: say so before anything is uploaded."""
    for handler, ref in sorted(refs.items()):
        source = ref.source_file(root)
        if source is not None and source.relative_to(root).as_posix() not in chosen:
            raise PackagingError(
                f'Handler "{handler}": {source.relative_to(root).as_posix()} may not go into the code archive '
                f"({NEVER_IN}): move it, or change .gitignore or [package] exclude."
            )


def _check_includes(patterns: list[str], candidates: dict[str, Path]) -> None:
    """A pattern that matches nothing is most likely a typo, and would show only as an ImportError in AWS."""
    for pattern in patterns:
        if pattern.startswith("!"):
            continue
        spec = compile_patterns([pattern])
        if not any(spec.match_file(name) for name in candidates):
            raise PackagingError(
                f'[package] include "{pattern}" matches no file that may go into the code archive ({NEVER_IN}).'
            )


def _walk(root: Path, ignores: GitIgnores) -> Iterator[tuple[str, Path]]:
    for current, directories, files in os.walk(root):
        here = Path(current)
        ignores.enter(here)
        directories[:] = sorted(name for name in directories if not _refused_directory(here / name, ignores))
        for name in sorted(files):
            path = here / name
            if not _refused_file(path, ignores) and not _leaves_or_hides(path, root, ignores):
                yield path.relative_to(root).as_posix(), path


def _refused_directory(path: Path, ignores: GitIgnores) -> bool:
    return (
        path.name.startswith(".") or path.name in NEVER_DIRECTORIES or (path / "pyvenv.cfg").is_file()
        or (path / "conda-meta").is_dir() or ignores.ignored(path, directory=True)
    )


def _refused_file(path: Path, ignores: GitIgnores) -> bool:
    name = path.name
    return (
        name.startswith(".") or name in NEVER_FILES or name.endswith((".pyc", ".pyo"))
        or TEST_MODULE.fullmatch(name) is not None or ignores.ignored(path, directory=False)
    )


def _leaves_or_hides(path: Path, root: Path, ignores: GitIgnores) -> bool:
    """A symlink that points outside the project, or at a file that may not go in (`config -> ../.env`)."""
    if not path.is_symlink():
        return False
    target = path.resolve()
    if not target.is_relative_to(root):
        return True
    parts = target.relative_to(root).parts
    hidden = any(part.startswith(".") or part in NEVER_DIRECTORIES for part in parts)
    return hidden or _refused_file(target, ignores)


class GitIgnores:
    """The .gitignore files that apply to the project, each read against its own folder, the deepest
    deciding, as git reads them: those of the folders above the project up to the repository's root
    (a project inside a larger repository), the project's own, and those below it as the walk enters them."""

    def __init__(self, root: Path) -> None:
        self.specs: list[tuple[Path, GitIgnoreSpec]] = []
        for directory in _repository_folders_above(root):
            self.enter(directory)

    def enter(self, directory: Path) -> None:
        path = directory / GITIGNORE
        if not path.is_file():
            return
        try:
            self.specs.append((directory, compile_patterns(path.read_text(encoding="utf-8").splitlines())))
        except (OSError, UnicodeDecodeError) as error:
            raise PackagingError(f"Cannot read {path}, so what it keeps out of the code archive is unknown: {error}.") from None
        except ValueError as error:
            raise PackagingError(f"{path}: {error}. Fix that line: wstui reads .gitignore to keep files out of the code archive.") from None

    def ignored(self, path: Path, directory: bool) -> bool:
        decision = False
        for base, spec in self.specs:
            if path.is_relative_to(base):
                relative = path.relative_to(base).as_posix() + ("/" if directory else "")
                verdict = spec.check_file(relative).include
                if verdict is not None:
                    decision = verdict
        return decision


def _repository_folders_above(root: Path) -> list[Path]:
    """The folders from the repository's root down to the project's parent, outermost first; none when
    the project is not inside a repository (a .gitignore in a home folder is not the project's)."""
    for depth, directory in enumerate((root, *root.parents)):
        if (directory / ".git").exists():
            return list(reversed(root.parents[:depth]))
    return []
