"""The commands installed plugins add, each with the plugin it came from.

Asked plugin by plugin, so that one plugin whose `wstui_cli_commands` raises loses its own commands
(with a warning) and `wstui --help` still works. A name two plugins both add runs neither: it is a
command that says which two, so the user can uninstall one.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import click

from wstui.core.errors import PluginFailure, PluginWarning, UsageError

if TYPE_CHECKING:
    from wstui.core.plugins.manager import Plugins
    from wstui.core.plugins.origin import PluginOrigin

COMMANDS_HOOK = "wstui_cli_commands"


@dataclass
class PluginCommands:
    """Plugin commands by name, who added each, and the names more than one plugin added."""

    commands: dict[str, click.Command] = field(default_factory=dict)
    owners: dict[str, PluginOrigin] = field(default_factory=dict)
    by_plugin: dict[str, list[str]] = field(default_factory=dict)


def collect(plugins: Plugins, builtin: Collection[str]) -> PluginCommands:
    found = PluginCommands()
    claims: dict[str, list[PluginOrigin]] = {}
    for origin, commands in plugins.call_each(COMMANDS_HOOK, on_failure=_warn_lost_commands):
        for command in commands or []:
            if not (isinstance(command, click.Command) and command.name):
                continue
            found.by_plugin.setdefault(origin.name, []).append(command.name)
            if command.name in builtin:
                warnings.warn(
                    f'The {origin} adds a command "{command.name}", which wstui has already: its own is not used.',
                    PluginWarning,
                    stacklevel=2,
                )
                continue
            claims.setdefault(command.name, []).append(origin)
            found.commands[command.name] = command
            found.owners[command.name] = origin
    for name, origins in claims.items():
        if len(origins) > 1:
            found.commands[name] = _clash(name, origins)
            del found.owners[name]
    return found


def _warn_lost_commands(failure: PluginFailure) -> None:
    warnings.warn(f"{failure} Its commands are not available.", PluginWarning, stacklevel=2)


def _clash(name: str, origins: list[PluginOrigin]) -> click.Command:
    """A stand-in for a command name several plugins add: running it says which, and nothing else runs."""
    owners = " and the ".join(str(origin) for origin in origins)
    message = f'The command "{name}" is added by {len(origins)} plugins, the {owners}: uninstall all but one.'

    def refuse(**_kwargs: Any) -> NoReturn:
        raise UsageError(message)

    return click.Command(
        name,
        callback=refuse,
        help=f"(Not available: added by {len(origins)} plugins.)",
        add_help_option=False,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
