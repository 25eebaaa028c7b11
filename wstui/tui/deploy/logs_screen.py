"""The Deploy area's Logs view: the stack's functions' logs, followed live, in the lines `wstui logs` prints.

A thread worker finds the functions, another follows their logs (live tail, or polling where AWS does
not offer it) and posts each event; a new filter or function restarts the following from ten minutes
back, as `wstui logs --follow` would start.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, RichLog, Select
from textual.worker import get_current_worker

from wstui.cli.logs_render import LineStyle, line_text, notice_text
from wstui.cli.verbatim import verbatim
from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.core.errors import UnexpectedError, WstuiError
from wstui.core.local.isolation import real_environment
from wstui.core.logs.events import Following, LogEvent, LogLine
from wstui.core.logs.reader import follow_logs
from wstui.core.logs.since import DEFAULT_SINCE, milliseconds, since_time
from wstui.core.logs.sources import LogSource, stack_logs
from wstui.core.project.model import Project
from wstui.tui.running_app import apply_cursor_setting


class StoppedFollowing(Exception):
    """A new filter or function, or the view closing, ends the worker's following."""


class LogsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="logs.close", tooltip="Close the logs and go back to the Deploy area."),
    ]
    DEFAULT_CSS = """
    LogsScreen #logs-controls { height: 3; padding: 0 1; }
    LogsScreen #logs-filter { width: 1fr; }
    LogsScreen #logs-function { width: 40; }
    LogsScreen #logs-state { height: auto; padding: 0 1; }
    LogsScreen #logs-lines { height: 1fr; }
    """

    class Found(Message):
        def __init__(self, clients: AwsClients, sources: tuple[LogSource, ...]) -> None:
            super().__init__()
            self.clients = clients
            self.sources = sources

    class Arrived(Message):
        def __init__(self, event: LogEvent) -> None:
            super().__init__()
            self.event = event

    class Failed(Message):
        def __init__(self, error: WstuiError) -> None:
            super().__init__()
            self.error = error

    clients: AwsClients | None = None
    sources: tuple[LogSource, ...] = ()
    style = LineStyle({}, 0)

    def __init__(self, project: Project, target: AwsTarget, stack_name: str) -> None:
        super().__init__()
        self.project = project
        self.target = target
        self.stack_name = stack_name
        self.stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="logs-controls"):
            yield Input(id="logs-filter", placeholder="Filter pattern, as CloudWatch reads it: ERROR, \"a phrase\"  (Enter)",
                        tooltip="Only the lines this CloudWatch Logs filter pattern matches.")
            yield Select[int]([], id="logs-function", prompt="Every function", tooltip="Only this function's lines.")
        yield Label(verbatim(f"Finding the functions of stack {self.stack_name}..."), id="logs-state")
        yield RichLog(id="logs-lines", wrap=True, max_lines=5_000)
        yield Footer()

    def on_mount(self) -> None:
        apply_cursor_setting(self)
        self.title = f"Logs of {self.stack_name}"
        self.find()

    @work(thread=True, exclusive=True, group="logs-find")
    def find(self) -> None:
        try:
            with real_environment():
                clients = AwsClients.connect(self.target, self.project.project.region)
                self.post_message(self.Found(clients, stack_logs(clients, self.stack_name, self.project).functions))
        except WstuiError as error:
            self.post_message(self.Failed(error))
        except Exception as error:  # a bug, or an answer botocore cannot read: the app stays up
            self.post_message(self.Failed(UnexpectedError(error)))

    def on_logs_screen_found(self, message: Found) -> None:
        self.clients, self.sources = message.clients, message.sources
        self.query_one(Select).set_options((verbatim(source.label), index) for index, source in enumerate(self.sources))
        self.restart()

    @on(Input.Submitted, "#logs-filter")
    @on(Select.Changed, "#logs-function")
    def restart(self) -> None:
        """Follow again, from ten minutes back, the chosen function (or every one) with the filter as it is now."""
        if self.clients is None:
            return
        self.stop.set()
        self.stop = threading.Event()
        chosen = self.query_one(Select).value
        sources = (self.sources[chosen],) if isinstance(chosen, int) else self.sources
        self.style = LineStyle.of(self.sources)
        self.query_one(RichLog).clear()
        self.set_state("Reading the logs...")
        self.follow(self.clients, sources, self.query_one("#logs-filter", Input).value.strip(), self.stop)

    @work(thread=True, exclusive=True, group="logs-follow")
    def follow(self, clients: AwsClients, sources: tuple[LogSource, ...], pattern: str, stop: threading.Event) -> None:
        worker = get_current_worker()
        start = milliseconds(since_time(DEFAULT_SINCE, datetime.now(UTC)))
        try:
            with real_environment(), closing(follow_logs(clients.logs, sources, pattern, start, _nap(stop))) as events:
                for event in events:
                    if worker.is_cancelled or stop.is_set():
                        return
                    self.post_message(self.Arrived(event))
        except StoppedFollowing:
            return
        except WstuiError as error:
            self.post_message(self.Failed(error))
        except Exception as error:  # as in find
            self.post_message(self.Failed(UnexpectedError(error)))

    def on_logs_screen_arrived(self, message: Arrived) -> None:
        event = message.event
        if isinstance(event, LogLine):
            self.query_one(RichLog).write(line_text(event, self.style))
            return
        notice = notice_text(event)
        if isinstance(event, Following) and notice is not None:
            self.set_state(notice.plain.replace("Ctrl-C stops", "Escape closes"))
        elif notice is not None:
            self.query_one(RichLog).write(notice)

    def on_logs_screen_failed(self, message: Failed) -> None:
        self.set_state(str(message.error), error=True)
        self.notify(str(message.error), title="Logs", severity="error", timeout=15, markup=False)

    def set_state(self, text: str, error: bool = False) -> None:
        label = self.query_one("#logs-state", Label)
        label.update(verbatim(text))
        label.set_class(error, "error")

    def action_close(self) -> None:
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self.stop.set()


def _nap(stop: threading.Event) -> Callable[[float], None]:
    """The follower's sleep between polls, cut short when the following is stopped."""

    def nap(seconds: float) -> None:
        if stop.wait(seconds):
            raise StoppedFollowing

    return nap
