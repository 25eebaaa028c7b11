"""How `deploy`, `remove` and `status` show the deploy engine's events in a terminal (rich).

Names, reasons and outputs come from AWS and the user: each reaches rich as `verbatim` text, never
as markup (`wstui.cli.verbatim`).
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Column, Table
from rich.text import Text

from wstui.cli.remedies import CLI_WORDS
from wstui.cli.verbatim import verbatim
from wstui.core.deploy.aws import AwsIdentity, TargetInEffect
from wstui.core.deploy.change_set import MAX_INLINE_TEMPLATE
from wstui.core.deploy.events import (
    ArtifactDeleted,
    ArtifactStored,
    BucketCreated,
    ChangeSetCreating,
    Deployed,
    DeployEvent,
    Following,
    FollowingStopped,
    NoChanges,
    OperationFailed,
    OperationStarted,
    OutputsSaved,
    Packaged,
    Plan,
    PlanDiscarded,
    PlanReady,
    PluginProgress,
    Removed,
    ResourceChange,
    StackEvent,
    StackGone,
    UploadProgress,
    UploadRetrying,
)
from wstui.core.deploy.sizes import size_text
from wstui.core.deploy.stages import DeployedStage
from wstui.core.deploy.stack_events import OPERATION_GOES_ON
from wstui.core.deploy.status import StackStatus
from wstui.core.errors import Remedy, Words, told
from wstui.core.template.ids import URL_OUTPUT

VERBS = {"create": "Creating", "update": "Updating", "delete": "Deleting"}
NO_OUTPUTS = "The stack reports no outputs yet."
OUTPUTS_UNREAD = "The outputs are not saved."
ACTION_STYLES = {"Add": "green", "Modify": "yellow", "Remove": "red"}


def status_style(status: str) -> str:
    if status.endswith("_FAILED") or "ROLLBACK" in status:
        return "red"
    if status.endswith("_IN_PROGRESS"):
        return "yellow"
    return "green"


def styled_status(status: str) -> Text:
    return verbatim(status, status_style(status))


def duration_text(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


class DeployView:
    """Prints each event as it arrives; a progress bar follows a stack operation on a terminal."""

    def __init__(self, console: Console, following: bool = False, list_archive: bool = False) -> None:
        """`following`: the events are those of an operation already under way (`status --follow`).
        `list_archive`: show the code archive's files (`deploy --plan`)."""
        self.console = console
        self.following = following
        self.list_archive = list_archive
        self.progress: Progress | None = None
        self.task = 0

    def show(self, event: DeployEvent) -> None:
        line = event_line(event)
        if line:
            if isinstance(event, OperationFailed | Deployed | Removed | FollowingStopped):
                self.stop()
            self.console.print(line)
        match event:
            case Packaged() if self.list_archive:
                self.console.print(archive_table(event))
            case PlanReady():
                self.console.print(plan_table(event.plan))
            case NoChanges():
                self._not_saved(event.stack_name, event.outputs, event.not_saved)
                self._url(event.outputs)
            case UploadProgress():
                self._upload(event)
            case OperationStarted():
                self._start(event)
            case StackEvent():
                self._stack_event(event)
            case OperationFailed():
                self._failed(event)
            case Deployed():
                self._deployed(event)

    def _upload(self, event: UploadProgress) -> None:
        """A bar with bytes and speed while an upload runs, on a terminal; it goes when all is sent."""
        if not self.console.is_terminal:
            return
        if self.progress is None:
            self.progress = Progress(
                TextColumn("Uploading"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                console=self.console, transient=True,
            )
            self.task = self.progress.add_task("upload", total=event.size)
            self.progress.start()
        self.progress.update(self.task, completed=event.sent)
        if event.sent >= event.size:
            self.stop()

    def _start(self, event: OperationStarted) -> None:
        self.stop()
        if self.console.is_terminal:
            self.progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=self.console, transient=True,
            )
            self.task = self.progress.add_task(operation_verb(event), total=event.total)
            self.progress.start()

    def _stack_event(self, event: StackEvent) -> None:
        count = f"[{event.done}/{event.total}]  " if event.total else ""
        self.console.print(Text.assemble(
            f"{event.elapsed:6.1f}s  {count}", verbatim(event.logical_id), "  ", verbatim(event.resource_type, "dim"),
            "  ", styled_status(event.status), "  " if event.reason else "", verbatim(event.reason),
        ))
        if self.progress is not None:
            self.progress.update(self.task, completed=event.done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def _failed(self, event: OperationFailed) -> None:
        for line in failure_lines(event):
            self.console.print(line)

    def _deployed(self, event: Deployed) -> None:
        if event.durations:
            self.console.print(durations_table(event.durations))
        if not event.outputs:
            self.console.print(missing_outputs(event))
        else:
            self.console.print(outputs_table(event.outputs))
            if event.outputs_file:
                self.console.print(Text.assemble("Saved to ", verbatim(event.outputs_file)))
        self._not_saved(event.stack_name, event.outputs, event.not_saved)
        self._url(event.outputs)

    def _not_saved(self, stack_name: str, outputs: dict[str, str], not_saved: str) -> None:
        if not_saved:
            self.console.print(not_saved_line(stack_name, outputs, not_saved))

    def _url(self, outputs: dict[str, str]) -> None:
        """The seed's last line, and what a script piping `wstui deploy` wants: the URL to connect to."""
        if URL_OUTPUT in outputs:
            self.console.print(verbatim(outputs[URL_OUTPUT]))


def missing_outputs(event: Deployed, words: Words = CLI_WORDS) -> Text:
    """Why a success shows no outputs: the stack has none yet, or AWS did not give them."""
    if event.outputs_unread:
        return verbatim(told(f"{event.outputs_unread} {OUTPUTS_UNREAD}", (Remedy.OUTPUTS_UNSAVED,), words))
    return verbatim(told(NO_OUTPUTS, (Remedy.OUTPUTS_LATER,), words))


def operation_verb(event: OperationStarted) -> str:
    return VERBS.get(event.operation, event.operation.capitalize())


def event_line(event: DeployEvent, words: Words = CLI_WORDS) -> Text:
    """The line that says what happened, for the CLI and the app alike (each with its own `words` for
    what to do next); empty for the events that are tables or progress (a plan, a stack event) rather
    than a sentence."""
    match event:
        case Packaged():
            vendored = f", vendored {', '.join(event.vendored)}" if event.vendored else ""
            return verbatim(f"Packaged {event.files} files ({size_text(event.size)}{vendored}), sha256 {event.sha256[:12]}")
        case BucketCreated():
            return verbatim(f"{'Would create' if event.dry_run else 'Created'} bucket {event.bucket} in {event.region}")
        case ArtifactStored():
            verb = "Would upload" if event.dry_run else "Uploaded" if event.uploaded else "Unchanged, not uploaded:"
            why = f": CloudFormation reads a template over {MAX_INLINE_TEMPLATE:,} bytes from S3 only" if event.template else ""
            return verbatim(f"{verb} s3://{event.bucket}/{event.key} ({size_text(event.size)}){why}")
        case UploadRetrying():
            of = f" of {event.attempts}" if event.attempts else ""
            return verbatim(
                f"Sending s3://{event.bucket}/{event.key} again (attempt {event.attempt}{of}): {event.reason}", "yellow"
            )
        case ArtifactDeleted():
            return verbatim(f"Deleted s3://{event.bucket}/{event.key}: it was uploaded for this plan only.")
        case ChangeSetCreating():
            return verbatim(f"Creating a change set ({event.change_set_type}) for stack {event.stack_name}...")
        case NoChanges():
            return Text.assemble(("No changes", "green"), verbatim(f": stack {event.stack_name} is up to date."))
        case PlanDiscarded():
            return verbatim(f"Nothing applied: the change set for {event.stack_name} was deleted.")
        case OperationStarted():
            return verbatim(f"{operation_verb(event)} stack {event.stack_name} ({event.total} resources)")
        case Following():
            return verbatim(f"Following {event.status} of stack {event.stack_name} until it ends "
                            f"(at most {duration_text(event.deadline)})...")
        case OutputsSaved(not_saved=not_saved) if not_saved:
            return verbatim(f"The outputs of stack {event.stack_name} could not be saved: {not_saved}", "yellow")
        case OutputsSaved():
            return verbatim(f"Saved the outputs of stack {event.stack_name} to {event.path}")
        case FollowingStopped():
            status = f"it is {event.status}" if event.status else "its status is unknown"
            return Text.assemble(
                verbatim(f"Stopped following stack {event.stack_name} after {duration_text(event.deadline)}", "yellow"),
                verbatim(told(f": {status}. {OPERATION_GOES_ON}", (Remedy.FOLLOW_STACK,), words)),
            )
        case OperationFailed():
            return verbatim(f"Stack {event.stack_name} ended in {event.status}.", "red")
        case Deployed():
            return Text.assemble(verbatim(event.status, "green"), verbatim(f": stack {event.stack_name}"))
        case Removed():
            artifacts = f" and {event.artifacts_deleted} artifacts from s3://{event.bucket}" if event.bucket else ""
            return Text.assemble(("Removed", "green"), verbatim(f" stack {event.stack_name}{artifacts}."))
        case StackGone():
            return verbatim(f"There is no stack {event.stack_name}: nothing to do.")
        case PluginProgress():
            return Text.assemble(verbatim(f"Plugin {event.plugin}", "cyan"), verbatim(f": {event.message}"))
    return Text()


def identity_line(identity: AwsIdentity) -> Text:
    """Where the command acts, said once before anything else: "Account 123456789012, region eu-west-1"."""
    account = f"Account {identity.account}" if identity.account else "Account unknown"
    endpoint = f", endpoint {identity.endpoint_url}" if identity.endpoint_url else ""
    why = f": {identity.unknown_because}" if identity.unknown_because else ""
    return Text.assemble(verbatim(f"{account}, region {identity.region}"), region_note(identity),
                         verbatim(f"{endpoint}{why}"))


def region_note(where: AwsIdentity | TargetInEffect) -> Text:
    """Where the region came from, when the environment or a profile moved it away from the project's."""
    if not where.overrides_project:
        return Text()
    return verbatim(f" (from {where.region_from}, not wstui.toml's {where.project_region})", "yellow")


def stage_line(stage: str, stack_name: str) -> Text:
    return verbatim(f"Stage {stage}, stack {stack_name}")


def show_stages(console: Console, stages: list[DeployedStage], project_name: str, region: str) -> None:
    """`wstui status` without --stage: one row per deployed stage."""
    if not stages:
        console.print(verbatim(f"No stage of {project_name} is deployed in {region}: `wstui deploy --stage NAME` deploys one."))
        return
    table = Table("stage", "stack", "status", "last update", Column("URL", overflow="fold"),
                  title=f"Stages of {project_name}", title_justify="left")
    for s in stages:
        updated = s.updated.strftime("%Y-%m-%d %H:%M:%S") if s.updated else ""
        table.add_row(verbatim(s.stage), verbatim(s.stack_name), styled_status(s.status), updated, verbatim(s.url))
    console.print(table)


def no_stack_line(stack_name: str, region: str) -> Text:
    return verbatim(f"There is no stack {stack_name} in {region}.")


def not_saved_line(stack_name: str, outputs: dict[str, str], not_saved: str, words: Words = CLI_WORDS) -> Text:
    """The stack is up, but its record in .wstui/outputs.json could not be written: both, and what to do."""
    url = f"; its URL is {outputs[URL_OUTPUT]}" if outputs.get(URL_OUTPUT) else ""
    return Text.assemble(
        verbatim(f"Stack {stack_name} is up{url}. ", "green"),
        verbatim(told(f"Its record could not be written: {not_saved}", (Remedy.RECORD_UNWRITTEN,), words), "yellow"),
    )


def failure_lines(event: OperationFailed, words: Words = CLI_WORDS) -> list[Text]:
    """Each failed resource with CloudFormation's reason, the cancelled cascade left out."""
    if not event.failures:
        return [Text(told("CloudFormation gave no resource-level reason.", (Remedy.NO_FAILURE_REASON,), words))]
    return [
        Text.assemble("  ", verbatim(f.logical_id, "red"), verbatim(f" ({f.resource_type}) {f.status}: {f.reason}"))
        for f in event.failures
    ]


def plan_title(plan: Plan) -> Text:
    stage = f"stage {plan.stage}, " if plan.stage else ""
    return verbatim(f"Change set for {plan.stack_name} ({stage}{plan.change_set_type}, {len(plan.changes)} changes)")


def plan_row(change: ResourceChange) -> tuple[Text, Text, Text, Text]:
    """action, logical id, type and replacement, styled as the CLI and the app show them."""
    replacement = verbatim(change.replacement, "red" if change.replacement == "True" else "")
    return (verbatim(change.action, ACTION_STYLES.get(change.action, "")), verbatim(change.logical_id),
            verbatim(change.resource_type), replacement)


def archive_table(event: Packaged) -> Table:
    """The project's and the plugins' files in the code archive, with sizes before compression; the
    vendored requirements' files as one line, being many and not the user's."""
    table = Table(Column("file", overflow="fold"), Column("size", justify="right"),
                  title=f"Code archive: {event.files} files, {size_text(event.size)}", title_justify="left")
    for item in event.listing:
        table.add_row(Text(item.name), size_text(item.size))
    vendored = event.files - len(event.listing)
    if vendored:
        table.add_row(Text(f"{vendored} files of the vendored requirements ({', '.join(event.vendored)})"), "")
    return table


def plan_table(plan: Plan) -> Table:
    table = Table("action", Column("logical id", overflow="fold"), Column("type", overflow="fold"), "replacement",
                  title=plan_title(plan), title_justify="left")
    for change in plan.changes:
        table.add_row(*plan_row(change))
    return table


def durations_table(durations: tuple[tuple[str, float], ...]) -> Table:
    table = Table("resource", "seconds", title="Time per resource, longest first", title_justify="left")
    for logical_id, seconds in durations:
        table.add_row(verbatim(logical_id), f"{seconds:.1f}")
    return table


def outputs_table(outputs: dict[str, str]) -> Table:
    table = Table("output", "value", title="Outputs", title_justify="left")
    for key, value in sorted(outputs.items()):
        table.add_row(verbatim(key), verbatim(value))
    return table


def show_status(console: Console, status: StackStatus, region: str) -> None:
    if not status.status:
        console.print(no_stack_line(status.stack_name, region))
        return
    console.print(Text.assemble(verbatim(f"Stack {status.stack_name}: "), styled_status(status.status)))
    if status.outputs:
        console.print(outputs_table(status.outputs))
    table = Table("time", "resource", "type", "status", "reason", title="Recent events", title_justify="left")
    for event in status.events:
        table.add_row(event.timestamp.strftime("%m-%d %H:%M:%S"), verbatim(event.logical_id), verbatim(event.resource_type),
                      styled_status(event.status), verbatim(event.reason))
    console.print(table)
