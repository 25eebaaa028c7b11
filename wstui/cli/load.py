"""`wstui load`: many clients against a WebSocket API, local or deployed; figures live and at the end.

aiohttp, the load core and rich load inside the command, so `wstui --help` stays fast.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wstui.cli.options import project_option

if TYPE_CHECKING:
    from wstui.core.load import LoadPlan

INTERRUPTED = 130
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}


class Duration(click.ParamType):
    """`500ms`, `2s`, `1.5m`, or a bare number in `unit`; the value is in `unit`."""

    name = "duration"

    def __init__(self, unit: str) -> None:
        self.unit = unit

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, int | float):
            return float(value)
        found = _DURATION.match(str(value))
        if not found:
            self.fail(f"{value!r} is not a duration (write it as 500ms, 2s or 1.5m).", param, ctx)
        seconds = float(found.group(1)) * _UNITS[found.group(2) or self.unit]
        return seconds / _UNITS[self.unit]


SECONDS, MILLISECONDS = Duration("s"), Duration("ms")


@click.command()
@click.argument("url", required=False)
@click.option("--local", is_flag=True, help="Load `wstui dev` on this machine (the default without a URL).")
@click.option("--deployed", is_flag=True, help="Load the deployed stage, from .wstui/outputs.json.")
@click.option("--region", default="", help="With --deployed: the region of the stack.")
@click.option("--stage", default="", metavar="NAME", help="With --deployed or --local: the stage (default: [stage] name).")
@click.option("--port", type=click.IntRange(1, 65535), help="The port of `wstui dev`, with --local (default 3001).")
@click.option("--header", "-H", "headers", multiple=True, metavar="'K: V'", help="A handshake header; repeatable.")
@click.option("--query", "-q", "query", multiple=True, metavar="K=V", help="A query-string parameter; repeatable.")
@click.option("--connections", "-c", type=click.IntRange(min=1), default=100, show_default=True, help="Clients to connect.")
@click.option("--rate", "-r", type=click.FloatRange(min=0, min_open=True), default=50, show_default=True,
              help="Handshakes per second at most.")
@click.option("--duration", "-d", type=SECONDS, default="20s", show_default=True,
              help="How long the run sends, from the first handshake.")
@click.option("--send", "payload", metavar="PAYLOAD", help="What senders send; {id}, {client} and {ts} are filled in. "
              'Default: {"message": "sendmessage", "data": "{id}"}.')
@click.option("--send-file", type=click.Path(path_type=Path, dir_okay=False), help="Send this file's text instead of --send.")
@click.option("--every", type=SECONDS, default="1s", show_default=True, help="How often each sender sends.")
@click.option("--senders", type=click.IntRange(min=0), default=1, show_default=True,
              help="How many clients send (the first ones); the rest only listen.")
@click.option("--expect", type=click.Choice(["all", "sender"]), default="all", show_default=True,
              help="Who must receive each message: every client connected (a broadcast) or its sender (an echo).")
@click.option("--scenario", type=click.Path(path_type=Path, dir_okay=False), help="A TOML file of steps each client runs.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes to spread the clients over, when one core is not enough.")
@click.option("--drain", type=SECONDS, default="5s", show_default=True,
              help="After sending, how long to wait for deliveries still on their way.")
@click.option("--max-p95", type=MILLISECONDS, help="Fail unless last-recipient latency p95 is at most this (500ms).")
@click.option("--max-p99", type=MILLISECONDS, help="Fail unless last-recipient latency p99 is at most this.")
@click.option("--max-handshake-p95", type=MILLISECONDS, help="Fail unless handshake latency p95 is at most this.")
@click.option("--min-completeness", type=click.FloatRange(0, 1), help="Fail unless this share of deliveries arrived (1.0: all).")
@click.option("--max-errors", type=click.IntRange(min=0), help="Fail if more refusals, closes and error frames than this.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document at the end, and nothing else.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before loading a URL that is not on this machine.")
@project_option
def load(url: str | None, local: bool, deployed: bool, region: str, stage: str, port: int | None, headers: tuple[str, ...],
         query: tuple[str, ...], connections: int, rate: float, duration: float, payload: str | None, send_file: Path | None,
         every: float, senders: int, expect: str, scenario: Path | None, workers: int, drain: float, max_p95: float | None,
         max_p99: float | None, max_handshake_p95: float | None, min_completeness: float | None, max_errors: int | None,
         as_json: bool, yes: bool) -> None:
    """Open --connections clients to URL at --rate handshakes per second; --senders of them send every
    --every seconds for --duration; every copy of every message is matched by its {id}.

    Prints handshake and delivery latencies, completeness, refusals and closes by kind, and exits 1
    when a threshold (--max-p95, --min-completeness, ...) did not hold or no connection opened, 130 when
    stopped with Ctrl-C.
    """
    from wstui.cli.console import target_and_project
    from wstui.cli.load_render import LoadRenderer
    from wstui.core.console.credentials import resolve_references
    from wstui.core.console.payloads import payload_argument
    from wstui.core.errors import UsageError
    from wstui.core.load import DEFAULT_PAYLOAD, Audience, LoadPlan, LoadRun, Thresholds, load_scenario
    from wstui.core.load.reach import on_this_machine

    if payload is not None and send_file is not None:
        raise UsageError("Give --send or --send-file, not both.")
    if scenario is not None and (payload is not None or send_file is not None):
        raise UsageError("A scenario says what each client sends: give --scenario without --send or --send-file.")
    target, project = target_and_project(url, local, deployed, port, region, stage, headers, query)
    if project is not None:
        target = resolve_references(target, project, os.environ)
    text = payload_argument(f"@{send_file}", Path.cwd()) if send_file is not None else payload or DEFAULT_PAYLOAD
    plan = LoadPlan(
        target, connections=connections, rate=rate, duration=duration, payload=text, every=every, senders=senders,
        audience=Audience(expect), scenario=load_scenario(scenario) if scenario is not None else None, workers=workers,
        drain=drain, thresholds=Thresholds(max_p95, max_p99, max_handshake_p95, min_completeness, max_errors),
    )
    if not yes and not on_this_machine(target.url):
        _confirm(plan)
    renderer = LoadRenderer(plan, as_json)
    run = LoadRun(plan, renderer.show)
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: run.stop())
    try:
        with renderer:
            report = run.run()
    finally:
        signal.signal(signal.SIGINT, previous)
    renderer.finish(report)
    if not report.handshakes_ok and not report.interrupted:
        click.echo("Error: No connection opened; the refusals above say why.", err=True)
    code = INTERRUPTED if report.interrupted else 0 if report.held and report.handshakes_ok else 1
    if code:
        click.get_current_context().exit(code)


def _confirm(plan: LoadPlan) -> None:
    """Say what the run will send to a machine that is not this one, and go on only if the user says so."""
    from wstui.cli.load_render import what_it_sends
    from wstui.cli.verbatim import verbatim
    from wstui.core.errors import UsageError

    click.echo(verbatim(what_it_sends(plan)).plain, err=True)
    try:
        go = click.confirm("Start?", default=False, err=True)
    except click.Abort:
        raise UsageError("Nobody answered: run again with --yes to start without asking.") from None
    if not go:
        click.echo("Not started.", err=True)
        click.get_current_context().exit(1)
