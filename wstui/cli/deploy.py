"""`wstui deploy`, `wstui status`, `wstui remove`: the deploy engine's events, rendered with rich."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from wstui.cli.cloud_options import checked_name, cloud_options, follow_timeout_option
from wstui.cli.options import key_values, load_stage, project_option, stage_option
from wstui.cli.remedies import remedy
from wstui.core.deploy.stack_events import OPERATION_GOES_ON
from wstui.core.errors import Remedy, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from wstui.cli.deploy_render import DeployView
    from wstui.core.deploy.aws import AwsClients
    from wstui.core.deploy.deployer import Deployer, DeploySettings
    from wstui.core.deploy.events import DeployEvent
    from wstui.core.project.model import Project

INTERRUPTED = f"\nStopped watching. {OPERATION_GOES_ON} {remedy(Remedy.FOLLOW_STACK)}"
PLAN_HELP = (
    "Show the code archive's files and the change set, then stop: upload and create nothing. The one exception: "
    "a template over 51,200 bytes, which CloudFormation reads from S3 only, is uploaded to the existing bucket "
    "for the plan and deleted after it."
)
STOPPED_BEFORE = "\nStopped. Nothing was applied to the stack."


def _connect(region: str, profile: str, endpoint_url: str, stage: str) -> tuple[Project, AwsClients]:
    from wstui.core.deploy.aws import AwsClients, AwsTarget

    project = load_stage(stage)
    return project, AwsClients.connect(AwsTarget(region, profile, endpoint_url), project.project.region)


def _announce(clients: AwsClients, project: Project | None = None, stack_name: str = "") -> None:
    """Every cloud command says once which account and region it acts in, before it acts, and, when it
    acts on one stage, which stage and stack."""
    from wstui.cli.deploy_render import identity_line, stage_line

    console = _console()
    console.print(identity_line(clients.identity()))
    if project is not None:
        console.print(stage_line(project.stage_name, stack_name or project.stack_name))


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _render(view: DeployView, events: Iterable[DeployEvent], deployer: Deployer | None = None) -> list[DeployEvent]:
    """Show every event; Ctrl-C stops watching, never a stack operation under way. Before the change set
    runs, Ctrl-C deletes what `deployer` made for its plan, so a stopped deploy leaves nothing behind."""
    from wstui.core.deploy.events import OperationStarted

    shown: list[DeployEvent] = []
    try:
        for event in events:
            view.show(event)
            shown.append(event)
    except KeyboardInterrupt:
        view.stop()
        started = any(isinstance(event, OperationStarted) for event in shown) or (deployer is not None and deployer.execution_requested)
        if started or view.following:
            view.console.print(INTERRUPTED)
        else:
            if deployer is not None:
                _abandon(view, deployer)
            view.console.print(STOPPED_BEFORE)
        raise SystemExit(130) from None
    finally:
        view.stop()
    return shown


def _abandon(view: DeployView, deployer: Deployer) -> None:
    from wstui.cli.remedies import said
    from wstui.cli.verbatim import verbatim
    from wstui.core.errors import WstuiError

    unapplied = deployer.unapplied
    if unapplied is None:
        return
    try:
        for event in deployer.abandon():
            view.show(event)
    except WstuiError as error:
        view.console.print(verbatim(
            f"{said(error)} The change set {unapplied.change_set_name} may be left: `aws cloudformation delete-change-set "
            f"--stack-name {unapplied.stack_name} --change-set-name {unapplied.change_set_name}` deletes it."
        ))


def _failed(events: list[DeployEvent]) -> bool:
    """The operation failed, or outlasted the time given to follow it: either way, not a success."""
    from wstui.core.deploy.events import FollowingStopped, OperationFailed

    return any(isinstance(event, OperationFailed | FollowingStopped) for event in events)


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(f"{question} Nobody can answer here: run again with --yes to go ahead without asking.")
    return click.confirm(question, default=False)


@click.command()
@cloud_options
@click.option("--s3-bucket", default="", callback=checked_name, help="Bucket for the code archive (default: [deploy] s3_bucket, or wstui-artifacts-ACCOUNT-REGION).")
@click.option("--create-bucket", is_flag=True, help="Create the bucket if it does not exist.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", callback=key_values,
              help="A template parameter (repeatable).")
@click.option("--tag", "tags", multiple=True, metavar="KEY=VALUE", callback=key_values,
              help="A stack tag, added to [deploy.tags] (repeatable).")
@click.option("--plan", "plan_only", is_flag=True, help=PLAN_HELP)
@click.option("--yes", "-y", is_flag=True, help="Apply without asking.")
@follow_timeout_option
@stage_option
@project_option
def deploy(stack_name: str, region: str, profile: str, endpoint_url: str, s3_bucket: str, create_bucket: bool,
           params: dict[str, str], tags: dict[str, str], plan_only: bool, yes: bool, follow_timeout: int, stage: str) -> None:
    """Package the code, preview the change set, apply it and follow the stack events of the stage's stack."""
    from wstui.core.deploy.deployer import DeploySettings

    project, clients = _connect(region, profile, endpoint_url, stage)
    _announce(clients, project, stack_name)
    settings = DeploySettings(stack_name or project.stack_name, s3_bucket, create_bucket, params, tags,
                              follow_deadline=float(follow_timeout))
    deploy_project(project, clients, settings, plan_only, yes)


def deploy_project(project: Project, clients: AwsClients, settings: DeploySettings, plan_only: bool, yes: bool) -> None:
    """The deploy path, from a failed creation's question to the stack events; `wstui sync` takes it too
    when more than code changed. Exits 1 when the deploy was declined or failed."""
    from wstui.cli.deploy_render import DeployView
    from wstui.core.deploy.deployer import Deployer, recreation_question
    from wstui.core.deploy.events import PlanReady

    deployer = Deployer.for_project(project, clients, settings, environ=os.environ)
    view = DeployView(_console(), list_archive=plan_only)
    failed = None if plan_only else deployer.failed_creation()
    if failed is not None:
        if not _confirm(recreation_question(failed), yes):
            raise SystemExit(1)
        if _failed(_render(view, deployer.recreate(failed))):
            raise SystemExit(1)
    events = _render(view, deployer.plan(dry_run=plan_only), deployer)
    ready = next((event for event in events if isinstance(event, PlanReady)), None)
    if ready is None:
        return
    plan = ready.plan
    if plan_only:
        _render(view, deployer.apply(plan, dry_run=True), deployer)
        return
    try:
        go = _confirm(f"Apply these {len(plan.changes)} changes to {plan.stack_name}?", yes)
    except (UsageError, click.Abort):
        _render(view, deployer.discard(plan))
        raise
    if not go:
        _render(view, deployer.discard(plan))
        raise SystemExit(1)
    if _failed(_render(view, deployer.apply(plan), deployer)):
        raise SystemExit(1)


@click.command()
@cloud_options
@click.option("--follow", is_flag=True, help="If an operation is under way, show its events until it ends; exit 1 if it "
              "failed, save the outputs in .wstui/outputs.json if it succeeded (or the stack stands complete).")
@click.option("--json", "as_json", is_flag=True, help="Print status, outputs and recent events as JSON.")
@follow_timeout_option
@stage_option
@project_option
def status(stack_name: str, region: str, profile: str, endpoint_url: str, follow: bool, as_json: bool, follow_timeout: int,
           stage: str) -> None:
    """Show the stage's stack: status, outputs and recent events. Without --stage (or --stack-name, or
    --follow), list every deployed stage of the project with its URL and last update."""
    import time

    from wstui.cli.deploy_render import DeployView, show_status
    from wstui.core.deploy.stack_events import POLL_INTERVAL
    from wstui.core.deploy.status import follow_stack, stack_status

    project, clients = _connect(region, profile, endpoint_url, stage)
    if not (stage or stack_name or follow):
        _list_stages(project, clients, as_json)
        return
    if not as_json:
        _announce(clients, project, stack_name)
    name = stack_name or project.stack_name
    if follow:
        current, events = follow_stack(clients, name, project.directory, time.sleep, POLL_INTERVAL, float(follow_timeout))
    else:
        current, events = stack_status(clients, name), iter(())
    drift = _code_drift(clients, current.stack_name, current.status)
    if as_json:
        identity = clients.identity()
        document = {"account": identity.account or None, "region": identity.region, **_status_document(current), "code_drift": drift}
        click.echo(json.dumps(document, indent=2))
    else:
        show_status(_console(), current, clients.region)
        for function in drift:
            _console().print(f"{function} runs code synced after the last deploy (`wstui sync`); `wstui deploy` sets it back.", style="yellow")
    if not current.status:
        raise SystemExit(1)
    if _failed(_render(DeployView(_console(), following=True), events)):
        raise SystemExit(1)


def _list_stages(project: Project, clients: AwsClients, as_json: bool) -> None:
    """Every deployed stage of the project in the region; exit code 1 when there is none."""
    from wstui.cli.deploy_render import show_stages
    from wstui.core.deploy.stages import deployed_stages

    if not as_json:
        _announce(clients)
    stages = deployed_stages(clients, project)
    if as_json:
        identity = clients.identity()
        rows = [{**asdict(s), "updated": s.updated.isoformat() if s.updated else None} for s in stages]
        click.echo(json.dumps({"account": identity.account or None, "region": identity.region, "stages": rows}, indent=2))
    else:
        show_stages(_console(), stages, project.project.name, clients.region)
    if not stages:
        raise SystemExit(1)


def _code_drift(clients: AwsClients, stack_name: str, status: str) -> list[str]:
    """The functions `wstui sync` changed since the last deploy, for a stack at rest; a stack that
    cannot be read this way (no Lambda permission, say) has none to report rather than a failed status."""
    from wstui.core.deploy.sync import code_drift
    from wstui.core.errors import WstuiError

    if not status.endswith("_COMPLETE") or status.startswith(("DELETE", "REVIEW")):
        return []
    try:
        return code_drift(clients, stack_name)
    except WstuiError:
        return []


def _status_document(current: object) -> dict[str, object]:
    document = asdict(current)  # type: ignore[call-overload]
    for event in document["events"]:
        event["timestamp"] = event["timestamp"].isoformat()
    return document


@click.command()
@cloud_options
@click.option("--yes", "-y", is_flag=True, help="Remove without asking.")
@follow_timeout_option
@stage_option
@project_option
def remove(stack_name: str, region: str, profile: str, endpoint_url: str, yes: bool, follow_timeout: int, stage: str) -> None:
    """Delete the stage's stack and the code archives its deploys uploaded; other stages stay as they are."""
    import time

    from wstui.cli.deploy_render import DeployView
    from wstui.core.deploy.removal import remove as remove_stack
    from wstui.core.deploy.stack_events import POLL_INTERVAL
    from wstui.core.plugins.manager import plugins_for

    project, clients = _connect(region, profile, endpoint_url, stage)
    _announce(clients, project, stack_name)
    name = stack_name or project.stack_name
    if not _confirm(f"Delete stack {name} of stage {project.stage_name} and its uploaded artifacts?", yes):
        raise SystemExit(1)
    plugins = plugins_for(project)
    removal = remove_stack(
        clients, name, project.directory, time.sleep, POLL_INTERVAL, float(follow_timeout), project=project, plugins=plugins
    )
    if _failed(_render(DeployView(_console()), removal)):
        raise SystemExit(1)
