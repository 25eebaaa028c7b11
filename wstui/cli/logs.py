"""`wstui logs`: the deployed functions' CloudWatch Logs, and the API's access log, interleaved by time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from wstui.cli.cloud_options import cloud_options
from wstui.cli.options import project_dir, project_option
from wstui.core.errors import UsageError
from wstui.core.logs.since import DEFAULT_SINCE

if TYPE_CHECKING:
    from wstui.core.project.model import Project

STOPPED = "Stopped following."


def logs_stack_name(project: Project, given: str) -> str:
    """The stack whose logs to read: --stack-name, else the project's, as `wstui status` finds it."""
    return given or project.stack_name


@click.command()
@cloud_options
@click.option("--function", default="", metavar="NAME",
              help="Only this function: its name, its logical id, or its handler (module:function).")
@click.option("--route", default="", metavar="KEY", help="Only the function serving this route key.")
@click.option("--api", is_flag=True, help="Show the API stage's access log too (when access logging is on).")
@click.option("--since", default=DEFAULT_SINCE, show_default=True, metavar="10m|2h|ISO",
              help="Start this long ago (s, m, h, d, w), or at this ISO 8601 time (UTC unless it says).")
@click.option("--filter", "pattern", default="", metavar="PATTERN",
              help="A CloudWatch Logs filter pattern: ERROR, \"exact phrase\", { $.level = \"error\" }.")
@click.option("--follow", "-f", is_flag=True, help="Keep showing new lines until Ctrl-C.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, with the whole request id.")
@project_option
def logs(stack_name: str, region: str, profile: str, endpoint_url: str, function: str, route: str, api: bool,
         since: str, pattern: str, follow: bool, as_json: bool) -> None:
    """Show the deployed functions' logs, each line marked with its route or function."""
    import time
    from datetime import UTC, datetime

    from rich.console import Console

    from wstui.cli.deploy_render import identity_line
    from wstui.cli.logs_render import LineStyle, LogsView
    from wstui.core.deploy.aws import AwsClients, AwsTarget
    from wstui.core.logs.reader import follow_logs, read_logs
    from wstui.core.logs.since import milliseconds, since_time
    from wstui.core.logs.sources import stack_logs
    from wstui.core.project.load import load_project

    if function and route:
        raise UsageError("--function and --route both choose the function: give one of them.")
    now = datetime.now(UTC)
    start = milliseconds(since_time(since, now))
    project = load_project(project_dir())
    clients = AwsClients.connect(AwsTarget(region, profile, endpoint_url), project.project.region)
    sources = stack_logs(clients, logs_stack_name(project, stack_name), project, with_access_log=api).select(function, route, api)
    notes = Console(stderr=True, highlight=False, soft_wrap=True)
    notes.print(identity_line(clients.identity()))
    view = LogsView(Console(highlight=False, soft_wrap=True), notes, LineStyle.of(sources), as_json)
    events = follow_logs(clients.logs, sources, pattern, start, time.sleep) if follow else read_logs(
        clients.logs, sources, pattern, start, milliseconds(now))
    try:
        for event in events:
            view.show(event)
    except KeyboardInterrupt:
        notes.print(STOPPED)
        raise SystemExit(0 if follow else 130) from None
    finally:
        events.close()
    if not view.lines:
        notes.print(f"No log lines since {since}{' matching the filter' if pattern else ''}.")
