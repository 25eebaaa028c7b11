"""How the Deploy area shows a run: the engine's events in the log, tables, bar and state line.

Kept apart from the screen's actions and worker (`screen.py`) so each half reads on its own; the log
lines are the CLI's own sentences (`event_line`), so the two never tell different stories.
"""

from __future__ import annotations

from rich.rule import Rule
from rich.text import Text
from textual.widgets import Input, Label, ProgressBar, RichLog

from wstui.cli.deploy_render import (
    archive_table,
    durations_table,
    event_line,
    failure_lines,
    missing_outputs,
    no_stack_line,
    not_saved_line,
    region_note,
    operation_verb,
    size_text,
    status_style,
)
from wstui.cli.verbatim import verbatim
from wstui.core.deploy.events import (
    Deployed,
    DeployEvent,
    FollowingStopped,
    NoChanges,
    OperationFailed,
    OperationStarted,
    Packaged,
    Plan,
    PlanDiscarded,
    PlanReady,
    Removed,
    StackEvent,
    StackGone,
    UploadProgress,
    UploadRetrying,
)
from wstui.core.deploy.aws import PROJECT, TargetInEffect
from wstui.core.deploy.status import StackStatus
from wstui.tui.area_screen import AreaScreen
from wstui.tui.deploy.tables import ChangeSetTable, OutputsTable, StackEventsTable
from wstui.tui.remedies import APP_WORDS
from wstui.tui.running_app import running_app


class DeployView(AreaScreen):
    """The rendering half of the Deploy area; `DeployScreen` adds the fields' actions and the worker."""

    plan: Plan | None = None
    outputs: dict[str, str] = {}

    def show_event(self, event: DeployEvent) -> None:
        """One event of the engine, in the log (the CLI's sentence) and in the tables, bar and state line."""
        line = event_line(event, APP_WORDS)
        log = self.query_one("#deploy-log", RichLog)
        if line:
            log.write(line)
        match event:
            case Packaged():
                log.write(archive_table(event))
            case PlanReady(plan=plan):
                self.plan = plan
                self.query_one(ChangeSetTable).show(plan)
                self.set_state(f"{len(plan.changes)} changes to {plan.stack_name}: Apply (ctrl+g) or Discard (ctrl+z)?")
            case UploadProgress(size=size, sent=sent):
                progress = self.query_one(ProgressBar)
                progress.update(total=size, progress=sent)
                progress.display = True
                self.set_state(f"Uploading the code: {size_text(sent)} of {size_text(size)}...")
            case UploadRetrying():
                self.set_state(line.plain, error=True)
            case NoChanges() | StackGone() | PlanDiscarded():
                self.set_state(line.plain)
                if isinstance(event, NoChanges):
                    self.show_outputs(event.outputs)
                    self.not_saved(event.stack_name, event.outputs, event.not_saved)
            case Deployed() | Removed():
                self.set_state(line.plain)
                progress = self.query_one(ProgressBar)
                progress.update(progress=progress.total or 0)
                self.show_outputs(event.outputs if isinstance(event, Deployed) else {})
                if isinstance(event, Deployed) and event.durations:
                    log.write(durations_table(event.durations))
                if isinstance(event, Deployed) and not event.outputs:
                    log.write(missing_outputs(event, APP_WORDS))
                if isinstance(event, Deployed):
                    self.not_saved(event.stack_name, event.outputs, event.not_saved)
            case OperationStarted(total=total):
                running_app(self).stack_operation = f"{operation_verb(event)} stack {event.stack_name}"
                progress = self.query_one(ProgressBar)
                progress.update(total=total, progress=0)
                progress.display = True
                self.query_one(StackEventsTable).clear()
            case StackEvent():
                self.query_one(StackEventsTable).add_event(event)
                if event.total:
                    self.query_one(ProgressBar).update(total=event.total, progress=event.done)
            case FollowingStopped():
                self.set_state(f"Stopped following {event.stack_name}: it goes on in CloudFormation; Status (ctrl+t) shows where it stands.", error=True)
            case OperationFailed():
                self.set_state(f"Stack {event.stack_name} ended in {event.status}: the reasons are in the log.", error=True)
                for failure in failure_lines(event, APP_WORDS):
                    log.write(failure)

    def show_status(self, status: StackStatus, region: str) -> None:
        if not status.status:
            self.set_state(no_stack_line(status.stack_name, region).plain)
            return
        self.set_state(f"Stack {status.stack_name}: {status.status}", error=status_style(status.status) == "red")
        self.show_outputs(status.outputs)
        self.query_one(StackEventsTable).show_recent(status.events)

    def clear_run(self) -> None:
        """A new step starts: the last one's tables and bar go, its log stays above a rule."""
        self.query_one(ChangeSetTable).reset()
        self.query_one(StackEventsTable).clear()
        self.query_one(ProgressBar).display = False
        log = self.query_one("#deploy-log", RichLog)
        if log.lines:
            log.write(Rule(style="dim"), expand=True)

    def not_saved(self, stack_name: str, outputs: dict[str, str], not_saved: str) -> None:
        """The stack is up but .wstui/outputs.json could not be written: the log and the state say both."""
        if not_saved:
            line = not_saved_line(stack_name, outputs, not_saved, APP_WORDS)
            self.query_one("#deploy-log", RichLog).write(line)
            self.set_state(line.plain, error=True)

    def show_outputs(self, outputs: dict[str, str]) -> None:
        self.outputs = outputs
        self.query_one(OutputsTable).show(outputs)

    def show_target(self, where: TargetInEffect | None) -> None:
        """The values in effect as the empty fields' placeholders, and a region that is not the
        project's because of the environment or a profile, under the fields."""
        region, profile, endpoint, bucket = (self.query_one(f"#{name}", Input) for name in ("region", "profile", "endpoint", "bucket"))
        note = self.query_one("#region-note", Label)
        note.display = bool(where and where.overrides_project)
        if where is None:
            return
        source = "wstui.toml" if where.region_from == PROJECT else where.region_from
        region.placeholder = f"{where.region} ({source})"
        profile.placeholder = where.profile or "default"
        endpoint.placeholder = where.endpoint_url or "AWS"
        bucket.placeholder = f"wstui-artifacts-ACCOUNT-{where.region}"
        note.update(Text.assemble("Region ", verbatim(where.region), region_note(where),
                                  ": type a region in the Region field to deploy elsewhere.", style="yellow"))

    def set_state(self, text: str, error: bool = False) -> None:
        state = self.query_one("#deploy-state", Label)
        state.update(verbatim(text))
        state.set_class(error, "error")
