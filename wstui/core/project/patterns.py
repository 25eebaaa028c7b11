"""Path patterns in .gitignore's syntax, for `[package] include/exclude` and the project's .gitignore.

One syntax for both, read by one library (pathspec), so a pattern means in `wstui.toml` what it means
in `.gitignore`: `*.json` matches at any depth, `/config.json` only at the top, `data/` a directory
and everything under it, `**` any number of directories, `!` takes a match back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec


def compile_patterns(lines: Iterable[str]) -> GitIgnoreSpec:
    """The patterns as one spec; ValueError names a pattern that is not one. pathspec is imported here:
    loading a project without patterns (the app's first screen) need not pay for it."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with one `[package]` pattern, or None."""
    if not pattern.strip():
        return "A pattern must not be empty."
    if ".." in pattern.replace("\\", "/").split("/"):
        return f'Pattern "{pattern}" climbs out of the project with "..": patterns are relative to the project directory.'
    try:
        compile_patterns([pattern])
    except ValueError as error:
        return f'Pattern "{pattern}" is not a valid .gitignore-style pattern ({error}).'
    return None
