"""`wstui plugins`: which plugins a build here would use, where each comes from, what it does.

In a project, that is its listed plugins, the installed ones it does not switch off, and the
built-ins; outside any project, the installed ones and the built-ins.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wstui.cli.options import project_dir, project_option
from wstui.core.errors import UsageError

if TYPE_CHECKING:
    from wstui.core.plugins.manager import Plugins
    from wstui.core.project.model import Project


@click.group(invoke_without_command=True)
@project_option
@click.pass_context
def plugins(ctx: click.Context) -> None:
    """List the plugins: source, hooks they implement, commands they add.

    The project's own plugins first, then the installed ones and the built-ins, each by name; then
    the installed plugins that are not loaded, and why.
    """
    if ctx.invoked_subcommand is not None:
        return
    from wstui.core.plugins.origin import BUILT_IN, INSTALLED, PROJECT

    loaded, _project = _load()
    commands = _commands(loaded)
    kinds = (PROJECT, INSTALLED, BUILT_IN)
    for name in sorted(loaded.origins, key=lambda n: (kinds.index(loaded.origins[n].kind), n)):
        _describe(loaded, name, commands)
    for name, (origin, reason) in sorted(loaded.skipped.items()):
        click.echo(f"{name}  {origin.where}")
        click.echo(f"  not loaded: it {reason}")


@plugins.command("show")
@click.argument("name")
@project_option
def show(name: str) -> None:
    """One plugin, with the settings it reads from [plugins.NAME] in wstui.toml."""
    loaded, project = _load()
    if name not in loaded.origins:
        if name in loaded.skipped:
            origin, reason = loaded.skipped[name]
            raise UsageError(f"The {origin} is not loaded: it {reason}.")
        known = ", ".join(loaded.origins) or "none"
        raise UsageError(f'No plugin "{name}" is loaded here (loaded: {known}).')
    _describe(loaded, name, _commands(loaded))
    _settings(loaded, name, project)


def _load() -> tuple[Plugins, Project | None]:
    """The plugins a build here would use, without reading their settings (`show` lists what they take)."""
    from wstui.core.plugins.manager import project_plugins
    from wstui.core.project.load import ProjectNotFound, load_project

    try:
        project = load_project(project_dir())
    except ProjectNotFound:
        return project_plugins([], Path.cwd()), None
    return project_plugins(project.project.plugins, project.directory, project.project.disabled_plugins), project


def _commands(loaded: Plugins) -> dict[str, list[str]]:
    """The commands of each installed plugin: the command line asks only those (no project is read yet)."""
    from wstui.cli.main import COMMANDS
    from wstui.cli.plugin_commands import collect
    from wstui.core.plugins.origin import INSTALLED

    found = collect(loaded, COMMANDS).by_plugin
    return {name: names for name, names in found.items() if loaded.origins[name].kind == INSTALLED}


def _describe(loaded: Plugins, name: str, commands: dict[str, list[str]]) -> None:
    click.echo(f"{name}  {loaded.origins[name].where}")
    click.echo(f"  hooks: {', '.join(loaded.hooks_of(name)) or 'none'}")
    if commands.get(name):
        click.echo(f"  commands: {', '.join(commands[name])}")


def _settings(loaded: Plugins, name: str, project: Project | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from wstui.cli.verbatim import verbatim
    from wstui.core.plugins.settings import settings_table

    declared = settings_table(loaded, name)
    if not declared:
        click.echo("  settings: none")
        return
    written = project.plugins.get(name, {}) if project is not None else {}
    table = Table(title=verbatim(f"Settings, in [plugins.{name}] of wstui.toml"), title_justify="left")
    for column in ("setting", "type", "default", "in wstui.toml", "help"):
        table.add_column(column, overflow="fold")
    for info in declared:
        value = _toml(written[info.name]) if info.name in written else ""
        table.add_row(*map(verbatim, (info.name, info.type, _toml(info.default), value, info.help)))
    Console(highlight=False).print(table)


def _toml(value: Any) -> str:
    """A value the way it is written in wstui.toml."""
    if value is dataclasses.MISSING:
        return "(required)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)
