"""The Deploy area: plan a deploy, apply or discard it, follow the stack events; status and remove.

The deploy engine runs in a thread worker (boto3 blocks) and posts each event it yields as a message;
`DeployView` (rendering.py) shows them. Sync and its watch are `SyncSteps` (syncing.py).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, RichLog, Select
from textual.worker import get_current_worker

from wstui.cli.deploy_render import identity_line
from wstui.core.deploy import artifacts
from wstui.core.deploy.aws import (
    AwsClients,
    AwsTarget,
    target_in_effect,
)
from wstui.core.deploy.change_set import StackState
from wstui.core.deploy.deployer import Deployer, DeploySettings, recreation_question
from wstui.core.deploy.events import DeployEvent, OperationFailed
from wstui.core.deploy.removal import remove
from wstui.core.deploy.stack_events import POLL_INTERVAL
from wstui.core.deploy.status import stack_status
from wstui.core.deploy.sync import SyncEvent
from wstui.core.errors import UnexpectedError, WstuiError
from wstui.core.local.isolation import real_environment
from wstui.core.plugins.manager import plugins_for
from wstui.core.project.model import Project
from wstui.core.template.ids import URL_OUTPUT
from wstui.tui.area_screen import palette_text
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.deploy import messages
from wstui.tui.deploy.connection import Connection
from wstui.tui.deploy.help import HELP
from wstui.tui.deploy.logs_screen import LogsScreen
from wstui.tui.deploy.syncing import SyncSteps, sync_controls
from wstui.tui.deploy.tables import ChangeSetTable, OutputsTable, StackEventsTable
from wstui.tui.remedies import said
from wstui.tui.running_app import running_app

CONSOLE_MODE = "console"
FIELDS = ("stack", "region", "profile", "endpoint", "bucket")

class StoppedWatching(Exception):
    """The area is gone (the app quits): the worker stops polling; the stack operation goes on in AWS."""


class DeployScreen(SyncSteps):
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "plan", "Plan", id="deploy.plan",
                tooltip="Package the code and create a change set: see what would change (enter in a field too)."),
        Binding("ctrl+g", "apply", "Apply", id="deploy.apply", tooltip="Execute the planned change set and follow the stack events."),
        Binding("ctrl+z", "discard", "Discard", id="deploy.discard", tooltip="Delete the planned change set: nothing changes."),
        Binding("ctrl+y", "sync", "Sync", id="deploy.sync",
                tooltip="Update the functions' code directly when only code changed; when more changed, offer the Plan."),
        Binding("ctrl+t", "status", "Status", id="deploy.status", tooltip="The stack's status, outputs and recent events."),
        Binding("ctrl+r", "remove", "Remove", id="deploy.remove", tooltip="Delete the stack and its uploaded artifacts (asks first)."),
        Binding("ctrl+f", "open_console", "Console", id="deploy.console", show=False,  # its button says so; f4 Console is beside it
                tooltip="Open the Console area on the deployed URL."),
        Binding("ctrl+l", "logs", "Logs", id="deploy.logs", tooltip="Follow the deployed functions' logs (CloudWatch Logs)."),
    ]

    Engine = messages.Engine
    Connected = messages.Connected
    RecreationNeeded = messages.RecreationNeeded
    StatusRead = messages.StatusRead
    Identified = messages.Identified
    InEffect = messages.InEffect
    Failed = messages.Failed
    Idle = messages.Idle

    busy = False
    stopped: threading.Event
    deployer: Deployer | None = None

    def compose_body(self) -> ComposeResult:
        project = running_app(self).staged_project()
        with Horizontal(classes="deploy-row"):
            stages = Select([(name, name) for name in project.stage_names()], value=project.stage_name, allow_blank=False,
                            id="stage", tooltip="The stage to deploy: each is a stack of its own ([stages.NAME] in wstui.toml).")
            yield from field("Stage", stages)
            yield from field("Stack", Input(project.stack_name, id="stack", tooltip="The CloudFormation stack."))
            yield from field("Region", Input(id="region", placeholder=f"boto3's chain, else {project.project.region}",
                                             tooltip="AWS region (empty: AWS_REGION, your profile, then the project's)."))
            yield from field("Profile", Input(id="profile", placeholder="AWS_PROFILE or default",
                                              tooltip="AWS profile from ~/.aws/config."))
        with Horizontal(classes="deploy-row"):
            yield from field("Endpoint", Input(id="endpoint", placeholder="AWS (or a moto server's URL)",
                                               tooltip="Send AWS calls here instead: a local moto server, say."))
            yield from field("Bucket", Input(id="bucket", placeholder="wstui-artifacts-ACCOUNT-REGION",
                                             tooltip="Bucket for the code archive."))
            yield Checkbox("Create bucket", id="create-bucket", tooltip="Create the bucket if it does not exist.")
        yield Label("", id="region-note")
        with Horizontal(id="deploy-actions"):
            yield Button("Plan", id="plan", variant="primary", tooltip="See what a deploy would change (ctrl+n).")
            yield Button("Apply", id="apply", variant="success", tooltip="Execute the change set (ctrl+g).")
            yield Button("Discard", id="discard", tooltip="Delete the change set (ctrl+z).")
            yield Button("Status", id="status", tooltip="Stack status, outputs and recent events (ctrl+t).")
            yield Button("Remove", id="remove", variant="error", tooltip="Delete the stack (ctrl+r).")
            yield Button("Console", id="open_console", tooltip="Open the Console area on the deployed URL (ctrl+f).")
            yield from sync_controls()
        with Horizontal(id="deploy-progress"):
            yield Label("", id="deploy-state")
            yield ProgressBar(id="progress", show_eta=False)
        with Horizontal(id="deploy-body"):
            with Vertical(id="deploy-main"):
                yield ChangeSetTable(id="changes")
                yield StackEventsTable(id="events")
            yield RichLog(id="deploy-log", wrap=True, min_width=20, max_lines=2_000, auto_scroll=False)
        yield OutputsTable(id="outputs")

    def on_mount(self) -> None:
        super().on_mount()
        self.stopped = threading.Event()
        log = self.query_one("#deploy-log", RichLog)
        log.border_title = "Log"
        log.anchor()  # follows the end, through resizes too, until the user scrolls up (and again once back down)
        self.query_one(ProgressBar).display = False
        self.set_state("Plan (ctrl+n) shows what a deploy would change.")
        self.refresh_controls()
        self.query_one("#plan", Button).focus()
        self.restore_fields()
        self.read_target()

    def restore_fields(self) -> None:
        """The fields as they were at the project's last step (`.wstui/app.json`)."""
        remembered = running_app(self).state.deploy
        for name in FIELDS:
            value = remembered.get(name)
            if isinstance(value, str) and value:
                self.query_one(f"#{name}", Input).value = value
        self.query_one(Checkbox).value = remembered.get("create_bucket") is True

    def remember_fields(self) -> None:
        app = running_app(self)
        fields: dict[str, str | bool] = {name: self.query_one(f"#{name}", Input).value.strip() for name in FIELDS}
        app.state.deploy = {**fields, "create_bucket": self.query_one(Checkbox).value}
        app.remember()

    @on(Input.Changed, "#region, #profile, #endpoint")
    def target_changed(self) -> None:
        self.read_target()

    @work(thread=True, exclusive=True, group="target")
    def read_target(self) -> None:
        """What the empty fields stand for, read from the environment and ~/.aws/config (no network)."""
        project = running_app(self).project().project
        target = AwsTarget(*(self.query_one(f"#{name}", Input).value.strip() for name in ("region", "profile", "endpoint")))
        try:
            with real_environment():
                self.post_message(self.InEffect(target_in_effect(target, project.project.region)))
        except WstuiError:
            self.post_message(self.InEffect(None))  # a profile that is not configured: a step says so, in full

    @on(Select.Changed, "#stage")
    def choose_stage(self, event: Select.Changed) -> None:
        running_app(self).stage = str(event.value)
        self.query_one("#stack", Input).value = running_app(self).staged_project().stack_name

    def connection(self) -> Connection | None:
        """What the fields say; None, once the area has said why, when a name there is one AWS would refuse."""
        project = running_app(self).staged_project()
        text = {name: self.query_one(f"#{name}", Input).value.strip() for name in FIELDS}
        try:
            settings = DeploySettings(text["stack"] or project.stack_name, text["bucket"], self.query_one(Checkbox).value)
        except WstuiError as error:
            self.show_failure(error)
            return None
        self.remember_fields()
        return Connection(AwsTarget(text["region"], text["profile"], text["endpoint"]), settings)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Apply and Discard only while a plan waits; Plan, Sync, Status and Remove only when nothing runs
        or waits. A key that cannot act now is left out of the footer."""
        if action in {"apply", "discard"}:
            return self.plan is not None and not self.busy
        if action in {"plan", "sync", "status", "remove"}:
            return not self.busy and self.plan is None
        return True

    def refresh_controls(self) -> None:
        """The buttons as the keys: Apply and Discard shown while a plan waits, any that cannot act now disabled."""
        for button in self.query("#deploy-actions Button").results(Button):
            button.display = button.id not in {"apply", "discard"} or self.plan is not None
            button.disabled = not self.check_action(str(button.id), ())
        self.refresh_bindings()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in a field plans, with the fields as they are now (when a plan can start)."""
        self.action_plan()

    @on(Button.Pressed)
    async def press(self, event: Button.Pressed) -> None:
        await self.run_action(str(event.button.id))

    # Actions: each starts the engine in the worker with the fields as they are now.

    def action_plan(self) -> None:
        if self.check_action("plan", ()) is not True:
            return
        project = self.saved_project()
        connection = self.connection() if project is not None else None
        if project is not None and connection is not None:
            self.clear_run()
            self.start("Planning...", self.planning(project, connection))

    def planning(self, project: Project, connection: Connection) -> Iterator[DeployEvent]:
        clients = self.connect(project, connection)
        deployer = Deployer.for_project(project, clients, connection.settings, self.nap, environ=os.environ)
        self.post_message(self.Connected(deployer))
        failed = deployer.failed_creation()
        if failed is not None:
            self.post_message(self.RecreationNeeded(failed))
            return
        yield from deployer.plan()

    def recreating(self, deployer: Deployer, state: StackState) -> Iterator[DeployEvent]:
        for event in deployer.recreate(state):
            yield event
            if isinstance(event, OperationFailed):
                return
        yield from deployer.plan()

    def action_apply(self) -> None:
        if self.plan is not None and self.deployer is not None and not self.busy:
            plan, self.plan = self.plan, None
            self.start("Applying...", self.deployer.apply(plan))

    def action_discard(self) -> None:
        if self.plan is not None and self.deployer is not None and not self.busy:
            plan, self.plan = self.plan, None
            self.start("Discarding...", self.deployer.discard(plan))

    def action_status(self) -> None:
        if self.check_action("status", ()) is not True:
            return
        connection = self.connection()
        if connection is not None:
            self.clear_run()
            self.start("Reading the stack...", self.reading_status(running_app(self).project().project, connection))

    def reading_status(self, project: Project, connection: Connection) -> Iterator[DeployEvent]:
        clients = self.connect(project, connection)
        self.post_message(self.StatusRead(stack_status(clients, connection.settings.stack_name), clients.region))
        yield from ()

    def action_remove(self) -> None:
        if self.check_action("remove", ()) is not True:
            return
        project = running_app(self).project().project
        connection = self.connection()
        if connection is None:
            return
        name = connection.settings.stack_name

        def answered(yes: bool | None) -> None:
            if yes:
                self.clear_run()
                self.start("Removing...", self.removing(project, connection))

        self.app.push_screen(ConfirmScreen(f"Delete stack {name} and its uploaded artifacts?", "Remove"), answered)

    def removing(self, project: Project, connection: Connection) -> Iterator[DeployEvent]:
        clients = self.connect(project, connection)
        plugins = plugins_for(project)
        yield from remove(
            clients, connection.settings.stack_name, project.directory, self.nap, POLL_INTERVAL, project=project, plugins=plugins
        )

    def action_open_console(self) -> None:
        """The Console area, with the deployed URL in its URL field, ready to connect."""
        url = self.outputs.get(URL_OUTPUT, "")
        if not url:
            self.notify("No deployed URL yet: deploy, or read the Status (ctrl+t).", title="Console", severity="warning")
            return
        self.app.switch_mode(CONSOLE_MODE)
        console = self.app.screen
        if isinstance(console, ConsoleScreen):
            console.use_url(url)

    def action_logs(self) -> None:
        """The Logs view on the stack the fields name (logs_screen.py)."""
        connection = self.connection()
        if connection is not None:
            self.app.push_screen(LogsScreen(running_app(self).project().project, connection.target, connection.settings.stack_name))

    def connect(self, project: Project, connection: Connection) -> AwsClients:
        """The clients for a step (in the worker), and the account and region it acts in, said in the log."""
        clients = AwsClients.connect(connection.target, project.project.region)
        identity = clients.identity()
        bucket = artifacts.bucket_name(clients, connection.settings.bucket, project.deploy.s3_bucket) if identity.account else ""
        self.post_message(self.Identified(identity, bucket))
        return clients

    # The worker and what it posts.

    def start(self, state: str, steps: Iterable[DeployEvent | SyncEvent]) -> None:
        self.busy = True
        self.set_state(state)
        self.refresh_controls()
        self.query_one(StackEventsTable).focus()
        self.run_engine(steps)

    @work(thread=True, exclusive=True, group="deploy")
    def run_engine(self, steps: Iterable[DeployEvent | SyncEvent]) -> None:
        """Quitting the app stops the watching (`nap` raises), never the stack operation itself; without
        that, Python would wait at exit for this thread to see the operation end."""
        worker = get_current_worker()
        try:
            with real_environment():
                for event in steps:
                    if worker.is_cancelled:
                        self.abandon()
                        return
                    self.post_message(self.Engine(event))
        except WstuiError as error:
            self.post_message(self.Failed(error))
        except StoppedWatching:
            self.abandon()
        except Exception as error:  # a bug, or an answer from AWS that botocore cannot read: the app stays up
            self.post_message(self.Failed(UnexpectedError(error)))
        finally:
            self.post_message(self.Idle())

    def abandon(self) -> None:
        """The app quits while a plan is made, or its code uploaded: delete what the run made for it, as
        Ctrl-C does in the CLI (waiting with `time.sleep`, as `nap` ends at once now). Once the change
        set runs, that operation is CloudFormation's."""
        deployer = self.deployer
        if deployer is None or deployer.execution_requested:
            return
        with real_environment(), contextlib.suppress(WstuiError):
            for _ in deployer.abandon(time.sleep):
                pass

    def nap(self, seconds: float) -> None:
        """The engine's sleep between two polls of AWS, cut short when the area goes away."""
        if self.stopped.wait(seconds):
            raise StoppedWatching

    def on_unmount(self) -> None:
        self.stopped.set()

    def on_deploy_screen_connected(self, message: messages.Connected) -> None:
        self.deployer = message.deployer

    def on_deploy_screen_recreation_needed(self, message: messages.RecreationNeeded) -> None:
        def answered(yes: bool | None) -> None:
            if yes and self.deployer is not None:
                self.start("Deleting the failed stack...", self.recreating(self.deployer, message.state))
            else:
                self.set_state(f"Stack {message.state.name} is {message.state.status}: nothing done.", error=True)

        self.app.push_screen(ConfirmScreen(recreation_question(message.state), "Delete and re-create"), answered)

    def on_deploy_screen_failed(self, message: messages.Failed) -> None:
        self.show_failure(message.error)

    def show_failure(self, error: WstuiError) -> None:
        self.set_state(said(error), error=True)
        self.notify(said(error), title="Deploy", severity="error", timeout=15, markup=False)

    def on_deploy_screen_idle(self, message: messages.Idle) -> None:
        self.busy = False
        running_app(self).stack_operation = ""
        self.refresh_controls()
        self.query_one("#apply" if self.plan is not None else "#plan", Button).focus()

    def on_deploy_screen_identified(self, message: messages.Identified) -> None:
        self.query_one("#deploy-log", RichLog).write(identity_line(message.identity))
        if message.bucket:
            self.query_one("#bucket", Input).placeholder = message.bucket

    def on_deploy_screen_in_effect(self, message: messages.InEffect) -> None:
        self.show_target(message.where)

    def on_deploy_screen_status_read(self, message: messages.StatusRead) -> None:
        self.show_status(message.status, message.region)

    def on_deploy_screen_engine(self, message: messages.Engine) -> None:
        self.show_event(message.event)

    def commands(self) -> Iterable[SystemCommand]:
        if self.plan is not None:
            yield SystemCommand("Apply the change set", palette_text(f"{len(self.plan.changes)} changes to {self.plan.stack_name}"),
                                self.action_apply)
            yield SystemCommand("Discard the change set", "Nothing changes", self.action_discard)
        elif not self.busy:
            yield SystemCommand("Plan a deploy", "Package the code and create a change set", self.action_plan)
            yield SystemCommand("Sync the code", "Update the functions' code when only code changed", self.action_sync)
            yield SystemCommand("Stack status", "Status, outputs and recent events", self.action_status)
            yield SystemCommand("Remove the stack", "Delete it and its uploaded artifacts", self.action_remove)
        if URL_OUTPUT in self.outputs:
            yield SystemCommand("Open the Console on the deployed URL", palette_text(self.outputs[URL_OUTPUT]), self.action_open_console)


def field(label: str, widget: Input | Select[str]) -> Iterator[Label | Input | Select[str]]:
    yield Label(label, classes="field-label")
    yield widget

