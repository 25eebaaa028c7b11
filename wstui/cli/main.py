"""The `wstui` entry point. It imports only click: each command's module loads when it is used,
so `wstui --help` starts fast and never pulls in boto3, textual or troposphere."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from wstui import __version__
from wstui.cli.options import project_dir, project_option
from wstui.core.errors import UnexpectedError, WstuiError

COMMANDS = {
    "console": "wstui.cli.console:console",
    "deploy": "wstui.cli.deploy:deploy",
    "dev": "wstui.cli.dev:dev",
    "new": "wstui.cli.new:new",
    "remove": "wstui.cli.deploy:remove",
    "routes": "wstui.cli.routes:routes",
    "status": "wstui.cli.deploy:status",
    "synth": "wstui.cli.synth:synth",
}
_DEBUG_KEY = "wstui.debug"
# click's own ways out (a usage error, --help, ctx.exit, an aborted prompt) are not failures of wstui.
CLICK_EXITS = (click.ClickException, click.exceptions.Exit, click.Abort)


class WstuiGroup(click.Group):
    """Loads built-in commands on demand, adds plugins' commands, and turns every error into one
    sentence: a WstuiError's own message, or an UnexpectedError's (the traceback only with --debug)."""

    _plugin_commands: dict[str, click.Command] | None = None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.plugin_commands()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, _, attribute = COMMANDS[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return self.plugin_commands().get(name)

    def plugin_commands(self) -> dict[str, click.Command]:
        if self._plugin_commands is None:
            from wstui.core.plugins.discovery import may_have_plugins

            found: dict[str, click.Command] = {}
            self._plugin_commands = found
            if not may_have_plugins():
                return found
            from wstui.core.plugins.manager import entry_point_plugins

            for commands in entry_point_plugins().hook.wstui_cli_commands():
                for command in commands or []:
                    if isinstance(command, click.Command) and command.name and command.name not in COMMANDS:
                        found[command.name] = command
        return self._plugin_commands

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WstuiError as error:
            from wstui.cli.remedies import said

            click.echo(f"Error: {said(error)}", err=True)
            ctx.exit(error.exit_code)
        except CLICK_EXITS:
            raise
        except BrokenPipeError:
            # The reader went away (`wstui synth | head -1`): nothing went wrong in wstui, so nothing to
            # say; stdout goes to /dev/null so that flushing it at exit raises nothing more.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except Exception as error:
            if ctx.meta.get(_DEBUG_KEY):
                raise
            unexpected = UnexpectedError(error)
            click.echo(f"Error: {unexpected} `wstui --debug ...` shows the traceback.", err=True)
            ctx.exit(unexpected.exit_code)


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
