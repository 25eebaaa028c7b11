"""The `wstui` entry point. It imports only click: each command's module loads when it is used,
so `wstui --help` starts fast and never pulls in boto3, textual or troposphere."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import click

from wstui import __version__
from wstui.cli.options import project_dir, project_option
from wstui.core.errors import PluginFailure, PluginWarning, UnexpectedError, WstuiError

if TYPE_CHECKING:
    from wstui.cli.plugin_commands import PluginCommands

COMMANDS = {
    "console": "wstui.cli.console:console",
    "deploy": "wstui.cli.deploy:deploy",
    "dev": "wstui.cli.dev:dev",
    "load": "wstui.cli.load:load",
    "logs": "wstui.cli.logs:logs",
    "new": "wstui.cli.new:new",
    "plugins": "wstui.cli.plugins:plugins",
    "remove": "wstui.cli.deploy:remove",
    "routes": "wstui.cli.routes:routes",
    "status": "wstui.cli.deploy:status",
    "sync": "wstui.cli.sync:sync",
    "synth": "wstui.cli.synth:synth",
}
_DEBUG_KEY = "wstui.debug"
_PLUGIN_KEY = "wstui.plugin_command"
# click's own ways out (a usage error, --help, ctx.exit, an aborted prompt) are not failures of wstui.
CLICK_EXITS = (click.ClickException, click.exceptions.Exit, click.Abort)


class WstuiGroup(click.Group):
    """Loads built-in commands on demand, adds plugins' commands, and turns every error into one
    sentence: a WstuiError's own message, or an UnexpectedError's (the traceback only with --debug)."""

    _plugin_commands: PluginCommands | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.plugin_commands().commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, _, attribute = COMMANDS[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        found = self.plugin_commands()
        if name in found.owners:
            ctx.meta[_PLUGIN_KEY] = (found.owners[name], name)
        return found.commands.get(name)

    def plugin_commands(self) -> PluginCommands:
        if self._plugin_commands is None:
            from wstui.cli.plugin_commands import PluginCommands, collect
            from wstui.core.plugins.discovery import may_have_plugins

            if not may_have_plugins():
                self._plugin_commands = PluginCommands()
                return self._plugin_commands
            from wstui.core.plugins.manager import entry_point_plugins

            self._plugin_commands = collect(entry_point_plugins(), COMMANDS)
        return self._plugin_commands

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line with plugin warnings shown as `Warning:` lines on stderr, each once."""
        with warnings.catch_warnings():
            warnings.simplefilter("default", PluginWarning)
            warnings.showwarning = _plugin_warnings_as_lines(warnings.showwarning)
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CLICK_EXITS:
            raise
        except Exception as error:
            _fail(ctx, _name_the_plugin(ctx, error))


def _fail(ctx: click.Context, error: Exception) -> NoReturn:
    """One sentence, with what to do about it in the CLI's words (`said`); a traceback only with --debug."""
    from wstui.cli.remedies import said

    debug = bool(ctx.meta.get(_DEBUG_KEY))
    if isinstance(error, PluginFailure) and error.cause is not None:
        if debug:
            click.echo("".join(traceback.format_exception(error.cause)), err=True, nl=False)
        hint = "" if debug else " `wstui --debug ...` shows the traceback."
        click.echo(f"Error: {said(error)}{hint}", err=True)
        ctx.exit(error.exit_code)
    if isinstance(error, WstuiError):
        click.echo(f"Error: {said(error)}", err=True)
        ctx.exit(error.exit_code)
    if isinstance(error, BrokenPipeError):
        # The reader went away (`wstui synth | head -1`): nothing went wrong in wstui, so nothing to
        # say; stdout goes to /dev/null so that flushing it at exit raises nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        ctx.exit(1)
    if debug:
        raise error
    unexpected = UnexpectedError(error)
    click.echo(f"Error: {unexpected} `wstui --debug ...` shows the traceback.", err=True)
    ctx.exit(unexpected.exit_code)


def _name_the_plugin(ctx: click.Context, error: Exception) -> Exception:
    """An exception from a plugin's command, as a PluginFailure naming the plugin; any other as it is."""
    plugin = ctx.meta.get(_PLUGIN_KEY)
    if plugin is None or isinstance(error, BrokenPipeError):
        return error
    from wstui.core.plugins.guard import name_the_plugin

    origin, command = plugin
    return name_the_plugin(error, origin, f'its command "{command}"')


def _plugin_warnings_as_lines(show_other: Callable[..., None]) -> Callable[..., None]:
    """A `warnings.showwarning` that prints a PluginWarning as one line and leaves others to `show_other`."""

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, PluginWarning):
            click.echo(f"Warning: {message}", err=True)
        else:
            show_other(message, category, *args, **kwargs)

    return show


def _remember_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta[_DEBUG_KEY] = value


@click.group(cls=WstuiGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="wstui")
@click.option("--debug", is_flag=True, expose_value=False, callback=_remember_debug,
              help="Show the traceback of an unexpected error instead of one sentence.")
@project_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Build, run locally, deploy and talk to AWS API Gateway WebSocket services.

    With no command, opens the app on the project here (or on --project), or offers to create one.
    """
    if ctx.invoked_subcommand is None:
        from wstui.tui.launch import run_app

        run_app(project_dir())


def main() -> None:
    try:
        cli(prog_name="wstui")
    except WstuiError as error:  # raised while loading plugins, before any command runs
        from wstui.cli.remedies import said

        click.echo(f"Error: {said(error)}", err=True)
        raise SystemExit(error.exit_code) from None
