"""`wstui logs`: the deployed functions' CloudWatch Logs, and the API's access log, interleaved by time."""

from __future__ import annotations

import click

from wstui.cli.cloud_options import cloud_options
from wstui.cli.options import load_stage, project_option, stage_option
from wstui.core.errors import UsageError
from wstui.core.logs.since import DEFAULT_SINCE

STOPPED = "Stopped following."


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
@stage_option
@project_option
def logs(stack_name: str, region: str, profile: str, endpoint_url: str, function: str, route: str, api: bool,
         since: str, pattern: str, follow: bool, as_json: bool, stage: str) -> None:
    """Show the stage's deployed functions' logs, each line marked with its route or function."""
    import time
    from datetime import UTC, datetime

    from rich.console import Console

    from wstui.cli.deploy_render import identity_line, stage_line
    from wstui.cli.logs_render import LineStyle, LogsView
    from wstui.core.deploy.aws import AwsClients, AwsTarget
    from wstui.core.logs.reader import follow_logs, read_logs
    from wstui.core.logs.since import milliseconds, since_time
    from wstui.core.logs.sources import stack_logs

    if function and route:
        raise UsageError("--function and --route both choose the function: give one of them.")
    now = datetime.now(UTC)
    start = milliseconds(since_time(since, now))
    project = load_stage(stage)
    clients = AwsClients.connect(AwsTarget(region, profile, endpoint_url), project.project.region)
    name = stack_name or project.stack_name
    sources = stack_logs(clients, name, project, with_access_log=api).select(function, route, api)
    notes = Console(stderr=True, highlight=False, soft_wrap=True)
    notes.print(identity_line(clients.identity()))
    notes.print(stage_line(project.stage_name, name))
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
