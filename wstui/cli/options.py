"""Options every command shares, so `--project DIR` works before or after the command name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from wstui.core.project.model import Project

F = TypeVar("F", bound=Callable[..., Any])
_PROJECT_KEY = "wstui.project"


def _remember_project(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta[_PROJECT_KEY] = value


def project_option(command: F) -> F:
    """Add `--project DIR`; the value is read back with `project_dir()`."""
    return click.option(
        "--project",
        type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
        expose_value=False,
        is_eager=True,
        callback=_remember_project,
        help="Project directory (default: the nearest wstui.toml from here upward).",
    )(command)


def project_dir() -> Path | None:
    return click.get_current_context().meta.get(_PROJECT_KEY)


def key_values(_ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    """`K=V` pairs into a dict; a pair without `=` or with an empty key is a usage error."""
    pairs: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f'"{value}" is not KEY=VALUE.', param=param)
        pairs[key.strip()] = rest
    return pairs


def stage_option(command: F) -> F:
    """Add `--stage NAME`: the stage a command builds, runs, deploys or reads (default: [stage] name)."""
    return click.option(
        "--stage", default="", metavar="NAME",
        help="The stage (default: [stage] name of wstui.toml). Each stage is a stack of its own; a [stages.NAME] "
             "section may change its settings.",
    )(command)


def load_stage(stage: str) -> Project:
    """The project of `--project` as `--stage` deploys it."""
    from wstui.core.project.load import load_project
    from wstui.core.project.stage_checks import select_stage

    return select_stage(load_project(project_dir()), stage)
