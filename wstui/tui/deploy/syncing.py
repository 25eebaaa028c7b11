"""The Deploy area's Sync: code-only updates of the chosen stage's stack, once (ctrl+y) or on every save
(the Watch switch), in the lines `wstui sync` prints (`wstui.cli.sync_render`).

A sync runs in the area's one engine worker, as a plan does, so the two never overlap: a save that
comes while a step runs or a plan waits is synced once the area is free again. The watching is a
thread worker of its own that waits for saves (the files `wstui dev` watches) and ends when its stop
event is set: the switch turned off, another stage chosen, or the area unmounted as the app quits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Button, Label, ProgressBar, RichLog, Select, Switch

from wstui.cli.sync_render import STOPPED_WATCHING, changed_line, protected_stage, sync_line, watching_line
from wstui.cli.deploy_render import event_line
from wstui.cli.verbatim import verbatim
from wstui.core.deploy.aws import AwsClients
from wstui.core.deploy.events import DeployEvent, Packaged
from wstui.core.deploy.sync import CodeUpToDate, Synced, Syncer, SyncEvent, TemplateChanged
from wstui.core.errors import UnexpectedError, WstuiError
from wstui.core.plugins.manager import plugins_for
from wstui.core.project.model import Project
from wstui.core.source_watch import saves
from wstui.core.template.builder import build_template
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.deploy import messages
from wstui.tui.deploy.connection import Connection
from wstui.tui.deploy.rendering import DeployView
from wstui.tui.remedies import APP_WORDS, said
from wstui.tui.running_app import running_app

if TYPE_CHECKING:
    from wstui.tui.deploy.screen import DeployScreen

HOW_TO_STOP = "turn Watch off"


def sync_controls() -> ComposeResult:
    """The Sync button and the Watch switch, at the end of the area's action buttons."""
    yield Button("Sync", id="sync", tooltip="Update the functions' code directly when only code changed (ctrl+y).")
    yield Label("Watch", id="watch-label")
    yield Switch(id="watch", tooltip="Sync now, then again on every save of the project's Python files or wstui.toml.")


class Watching(Message, namespace="deploy_screen"):
    """The watcher is in place: a save from now on is seen."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory


class Saved(Message, namespace="deploy_screen"):
    def __init__(self, changed: list[str]) -> None:
        super().__init__()
        self.changed = changed


class WatchEnded(Message, namespace="deploy_screen"):
    """The watcher's thread has ended, however it ended: asked to (`stop` is set), or on its own."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self.stop = stop


@dataclass
class SyncSession:
    """What stays between the syncs of one watch (or lives for one sync): the fields as they were when
    it began, the clients once connected, and the archives already read back from S3."""

    connection: Connection
    clients: AwsClients | None = None
    archives: dict[str, dict[str, str]] = field(default_factory=dict)


class SyncSteps(DeployView):
    """The syncing half of the Deploy area; `DeployScreen` (screen.py) adds the deploy steps and the worker."""

    session: SyncSession | None = None
    """The watch under way; None when not watching."""
    watch_stop: threading.Event | None = None
    waiting_save = False
    """A save came while the area was busy: sync once it is free."""
    changed_template: TemplateChanged | None = None
    sync_running = False

    def action_sync(self: DeployScreen) -> None:
        if self.check_action("sync", ()) is not True:
            return
        project = self.saved_project()
        connection = self.connection() if project is not None else None
        if project is None or connection is None:
            return

        def sync() -> None:
            self.clear_run()
            self.run_sync(project, SyncSession(connection))

        self.if_confirmed(project, sync)

    @on(Switch.Changed, "#watch")
    def toggle_watch(self: DeployScreen, event: Switch.Changed) -> None:
        if not event.value:
            self.stop_watching()
            return
        project = self.saved_project()
        connection = self.connection() if project is not None else None
        if project is None or connection is None:
            self.watch_off()
            return

        def watch() -> None:
            self.stop_watching()
            self.session = SyncSession(connection)
            self.watch_stop = threading.Event()
            self.watch_saves(project.directory, self.watch_stop)
            self.sync_when_free()

        self.if_confirmed(project, watch, declined=self.watch_off)

    @on(Select.Changed, "#stage")
    def stage_changed(self) -> None:
        """A watch syncs the stage it began with: choosing another ends it."""
        self.watch_off()

    def watch_off(self) -> None:
        """The switch off, which stops the watching (`toggle_watch`)."""
        self.query_one("#watch", Switch).value = False

    def stop_watching(self) -> None:
        if self.watch_stop is not None:
            self.watch_stop.set()
        self.session = None
        self.waiting_save = False

    def on_unmount(self) -> None:
        self.stop_watching()

    def saved_project(self: DeployScreen) -> Project | None:
        """wstui.toml as it is now (a step reads it again: it may have been edited by hand), at the chosen
        stage; None, once notified, when it does not load."""
        try:
            return running_app(self).reopen_project().project.at_stage(running_app(self).stage)
        except WstuiError as error:
            self.notify(said(error), title="Cannot read wstui.toml", severity="error", timeout=15, markup=False)
            return None

    def if_confirmed(self, project: Project, go: Callable[[], None], declined: Callable[[], None] = lambda: None) -> None:
        """A protected stage is synced only once the user says so (the CLI's --force)."""
        if not project.active_stage.protected:
            go()
            return
        question = (f"{protected_stage(project.stage_name)}: a deploy (Plan, then Apply) keeps what runs what "
                    "CloudFormation records. Sync it all the same?")
        self.app.push_screen(ConfirmScreen(question, "Sync"), lambda yes: go() if yes else declined())

    def sync_when_free(self: DeployScreen, changed: list[str] | None = None) -> None:
        """The watch's sync (after the saves that asked for it), now if the area is free, else once it is."""
        if self.session is None:
            return
        free = self.check_action("sync", ()) is True
        if free:
            self.clear_run()
        if changed:
            self.query_one("#deploy-log", RichLog).write(changed_line(changed))
        if not free:
            self.waiting_save = True
            return
        self.waiting_save = False
        project = self.saved_project()
        if project is not None:
            self.run_sync(project, self.session)

    def run_sync(self: DeployScreen, project: Project, session: SyncSession) -> None:
        self.deployer = None  # a sync has no change set to abandon if the app quits
        self.sync_running = True
        self.start("Syncing...", self.syncing(project, session))

    def syncing(self: DeployScreen, project: Project, session: SyncSession) -> Iterator[SyncEvent]:
        """In the worker: the clients (the account said once per watch), the template, then the sync."""
        if session.clients is None:
            session.clients = self.connect(project, session.connection)
        plugins = plugins_for(project)
        template = build_template(project, plugins).to_dict()
        stack_name = session.connection.settings.stack_name
        yield from Syncer(project, template, plugins, session.clients, stack_name, self.nap, old_archives=session.archives).sync()

    @work(thread=True, exclusive=True, group="sync-watch")
    def watch_saves(self, directory: Path, stop: threading.Event) -> None:
        try:
            for changed in saves(directory, lambda: self.post_message(Watching(directory)), stop):
                self.post_message(Saved(changed))
        except Exception as error:  # the watcher could not start (a folder gone, too many watches): the app stays up
            self.post_message(messages.Failed(UnexpectedError(error)))
        finally:
            self.post_message(WatchEnded(stop))

    def on_deploy_screen_failed(self, message: messages.Failed) -> None:
        """A sync that failed is a line in the log too, as in `wstui sync`: in a watch, the next save syncs again."""
        if self.sync_running:
            self.query_one("#deploy-log", RichLog).write(verbatim(said(message.error), "red"))

    def on_deploy_screen_watching(self, message: Watching) -> None:
        self.query_one("#deploy-log", RichLog).write(watching_line(message.directory, HOW_TO_STOP))

    def on_deploy_screen_saved(self: DeployScreen, message: Saved) -> None:
        self.sync_when_free(message.changed)

    def on_deploy_screen_watch_ended(self, message: WatchEnded) -> None:
        self.query_one("#deploy-log", RichLog).write(verbatim(STOPPED_WATCHING))
        if message.stop is self.watch_stop:
            self.watch_off()

    def on_deploy_screen_idle(self: DeployScreen, _message: messages.Idle) -> None:
        """After `DeployScreen`'s own handler (the area is free again): a save that waited is synced,
        and a changed template is offered the Plan."""
        self.sync_running = False
        if self.waiting_save:
            self.sync_when_free()
        changed, self.changed_template = self.changed_template, None
        if changed is not None and self.app.screen is self:
            question = f"The template of {changed.stack_name} changed since its last deploy (the log says what). Plan a deploy now?"
            self.app.push_screen(ConfirmScreen(question, "Plan"), lambda yes: self.action_plan() if yes else None)

    def show_event(self, event: DeployEvent | SyncEvent) -> None:
        """A sync's own events in the CLI's sentences; the deploy events it shares as a deploy shows them,
        but for the archive's files, which `wstui sync` does not list either."""
        line = sync_line(event, APP_WORDS)
        log = self.query_one("#deploy-log", RichLog)
        if isinstance(event, Packaged) and self.sync_running:
            log.write(event_line(event, APP_WORDS))
            return
        if line is None:
            super().show_event(event)  # type: ignore[arg-type]
            return
        log.write(line)
        if isinstance(event, TemplateChanged):
            self.changed_template = event
            self.set_state(f"The template of {event.stack_name} changed: Plan (ctrl+n) to deploy it; sync takes code only.")
        else:
            self.set_state(line.plain)
        if isinstance(event, Synced | CodeUpToDate):
            self.query_one(ProgressBar).display = False  # the upload's bar: done, and the sentence needs the room
