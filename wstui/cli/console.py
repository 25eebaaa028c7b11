"""`wstui console`: the app's Console area in a terminal, or the scriptable form (connect, send, print
what comes back, close) when given --send, --wait or --json, or when not run in a terminal.

websocket-client, the console core and the app load inside the command, so `wstui --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wstui.cli.options import project_dir, project_option

if TYPE_CHECKING:
    from wstui.core.console import ConnectionTarget
    from wstui.core.project.model import Project

CONNECT_TIMEOUT = 10.0
DEFAULT_WAIT = 2.0


@click.command()
@click.argument("url", required=False)
@click.option("--local", is_flag=True, help="Connect to `wstui dev` on this machine (the default without a URL).")
@click.option("--deployed", is_flag=True, help="Connect to the deployed stage, from .wstui/outputs.json.")
@click.option("--region", default="", help="With --deployed: the region of the stack (default: AWS_REGION, your profile's, then [project] region).")
@click.option("--stage", default="", metavar="NAME",
              help="With --deployed or --local: the stage to connect to (default: [stage] name of wstui.toml).")
@click.option("--port", type=click.IntRange(1, 65535), help="The port of `wstui dev`, with --local (default 3001).")
@click.option("--header", "-H", "headers", multiple=True, metavar="'K: V'", help="A handshake header; repeatable.")
@click.option("--query", "-q", "query", multiple=True, metavar="K=V", help="A query-string parameter; repeatable.")
@click.option("--send", "payloads", multiple=True, metavar="PAYLOAD",
              help="A message to send, in order; @FILE sends the file's text. Repeatable.")
@click.option("--wait", type=click.FloatRange(min=0),
              help=f"Seconds to keep printing frames after the last send (or after connecting); default {DEFAULT_WAIT:g}.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line for every event.")
@project_option
def console(url: str | None, local: bool, deployed: bool, region: str, stage: str, port: int | None, headers: tuple[str, ...],
            query: tuple[str, ...], payloads: tuple[str, ...], wait: float | None, as_json: bool) -> None:
    """Connect to a WebSocket URL, send PAYLOADs, print every frame received until --wait ends.

    Without --send, --wait and --json, in a terminal, it opens the app's Console area connected to the URL.
    """
    from wstui.cli.console_run import ConsoleRun
    from wstui.core.console import payload_argument
    from wstui.core.console.credentials import resolve_references

    target, project = target_and_project(url, local, deployed, port, region, stage, headers, query)
    if not (payloads or wait is not None or as_json) and sys.stdin.isatty() and sys.stdout.isatty():
        from wstui.tui.launch import run_app

        run_app(project_dir(), console_start=target)  # with the reference: the app fills the value in as it connects
        return
    if project is not None:
        target = resolve_references(target, project, os.environ)
    texts = [payload_argument(p, Path.cwd()) for p in payloads]
    code = ConsoleRun(target, as_json, CONNECT_TIMEOUT).run(texts, DEFAULT_WAIT if wait is None else wait)
    if code:
        click.get_current_context().exit(code)


def target_and_project(url: str | None, local: bool, deployed: bool, port: int | None, region: str, stage: str,
                       headers: tuple[str, ...], query: tuple[str, ...]) -> tuple[ConnectionTarget, Project | None]:
    """Where to connect, from the options `console` and `load` share: with a reference to the project's own
    token where its authorizer looks, for a local connection; and the project, when its secrets may be needed."""
    from wstui.core.console import ConnectionTarget, parse_header, parse_query
    from wstui.core.console.credentials import connect_token, has_references, with_token

    target = ConnectionTarget(
        resolve_url(url, local, deployed, port, region, stage),
        tuple(parse_header(h) for h in headers),
        tuple(parse_query(q) for q in query),
    )
    connecting_locally = url is None and not deployed
    project = open_project() if connecting_locally or has_references(target) else None
    token = connect_token(project) if project is not None and connecting_locally else None
    if token is not None:
        target = with_token(target, token)
    return target, project


def open_project() -> Project | None:
    """The project here, if any: its token for a local connection, its secrets for `${secret:NAME}`."""
    from wstui.core.project.load import ProjectNotFound, load_project

    try:
        return load_project(project_dir())
    except ProjectNotFound:
        return None


def resolve_url(url: str | None, local: bool, deployed: bool, port: int | None, region: str = "", stage: str = "") -> str:
    """The URL given, or the one --local or --deployed names for the stage; --local is the default."""
    from wstui.cli.options import load_stage
    from wstui.core.console import LOCAL_PORT, deployed_url, local_url
    from wstui.core.errors import UsageError
    from wstui.core.project.load import ProjectNotFound

    if (url is not None) + local + deployed > 1:
        raise UsageError("Give only one of URL, --local and --deployed.")
    if port is not None and (url is not None or deployed):
        raise UsageError("--port goes with --local only.")
    if region and not deployed:
        raise UsageError("--region goes with --deployed only.")
    if stage and url is not None:
        raise UsageError("--stage goes with --local or --deployed, not with a URL.")
    if url is not None:
        return url
    if deployed:
        try:
            return deployed_url(load_stage(stage), region)
        except ProjectNotFound as missing:
            raise UsageError(f"{missing} --deployed reads the URL a deploy saved in the project; "
                             "give the URL instead: `wstui console wss://...`.") from None
    try:
        project = load_stage(stage)
    except ProjectNotFound:
        project = None  # no project here: `wstui dev`'s default stage, or the one named
    return local_url(project, port or LOCAL_PORT, stage=stage)
