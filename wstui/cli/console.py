"""`wstui console`, the scriptable form: connect, send, print what comes back, close.

websocket-client and the console core load inside the command, so `wstui --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from wstui.cli.options import project_dir, project_option

CONNECT_TIMEOUT = 10.0


@click.command()
@click.argument("url", required=False)
@click.option("--local", is_flag=True, help="Connect to `wstui dev` on this machine (the default without a URL).")
@click.option("--deployed", is_flag=True, help="Connect to the deployed stage, from .wstui/outputs.json.")
@click.option("--port", type=click.IntRange(1, 65535), help="The port of `wstui dev`, with --local (default 3001).")
@click.option("--header", "-H", "headers", multiple=True, metavar="'K: V'", help="A handshake header; repeatable.")
@click.option("--query", "-q", "query", multiple=True, metavar="K=V", help="A query-string parameter; repeatable.")
@click.option("--send", "payloads", multiple=True, metavar="PAYLOAD",
              help="A message to send, in order; @FILE sends the file's text. Repeatable.")
@click.option("--wait", type=click.FloatRange(min=0), default=2.0, show_default=True,
              help="Seconds to keep printing frames after the last send (or after connecting).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line for every event.")
@project_option
def console(url: str | None, local: bool, deployed: bool, port: int | None, headers: tuple[str, ...],
            query: tuple[str, ...], payloads: tuple[str, ...], wait: float, as_json: bool) -> None:
    """Connect to a WebSocket URL, send PAYLOADs, print every frame received until --wait ends."""
    from wstui.cli.console_run import ConsoleRun
    from wstui.core.console import ConnectionTarget, parse_header, parse_query, payload_argument

    target = ConnectionTarget(
        resolve_url(url, local, deployed, port),
        tuple(parse_header(h) for h in headers),
        tuple(parse_query(q) for q in query),
    )
    texts = [payload_argument(p, Path.cwd()) for p in payloads]
    code = ConsoleRun(target, as_json, CONNECT_TIMEOUT).run(texts, wait)
    if code:
        click.get_current_context().exit(code)


def resolve_url(url: str | None, local: bool, deployed: bool, port: int | None) -> str:
    """The URL given, or the one --local or --deployed names; --local is the default."""
    from wstui.core.console import LOCAL_PORT, deployed_url, local_url
    from wstui.core.errors import UsageError
    from wstui.core.project.load import load_project, project_file_in

    if (url is not None) + local + deployed > 1:
        raise UsageError("Give only one of URL, --local and --deployed.")
    if port is not None and (url is not None or deployed):
        raise UsageError("--port goes with --local only.")
    if url is not None:
        return url
    if deployed:
        return deployed_url(project_file_in(project_dir()).parent)
    return local_url(load_project(project_dir()), port or LOCAL_PORT)
