"""The Load area: `wstui load` against the local gateway, the deployed stage or any URL, its figures
as live charts and, at the end, the summary the CLI prints.

The run (`LoadRun.run`, which blocks) goes on a thread worker; it reports each event by posting a
message to this screen, so the screen draws only on its own loop. Leaving the area stops the run (it
drains, then closes); quitting the app closes every connection at once and waits for the run's
thread to end, so nothing is left running.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker

from wstui.cli.load_render import summary, what_it_sends
from wstui.cli.verbatim import verbatim
from wstui.core.errors import WstuiError
from wstui.core.load import (
    LoadEvent,
    LoadFinished,
    LoadPlan,
    LoadRun,
    LoadSnapshot,
    LoadStarted,
    LoadStopping,
)
from wstui.core.load.reach import on_this_machine
from wstui.tui.area_screen import AreaScreen
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.load.charts import LoadCharts
from wstui.tui.load.form import LOCAL, LoadForm
from wstui.tui.remedies import said

MODE = "load"
QUIT_WAIT = 20.0
"""Seconds quitting waits for a run closed at once to end (its connections close within the connect timeout)."""
HELP = """\
# Load

Many WebSocket clients against your service at once, as `wstui load` runs them: every copy of every
message is followed to every client, so a broadcast shows how long its first and its last recipient
waited, and whether everyone connected got it.

- **Target**: the Local area's gateway when it runs, else the project's URL under `wstui dev` (with
  the project's token where its `$connect` authorizer reads it); the deployed stage's `wss://` URL
  from `.wstui/outputs.json`; or any URL typed in the URL field.
- **Connections**, **Rate** (handshakes per second), **Duration** (seconds of sending), **Every**
  (seconds between a sender's messages), **Senders** (the first clients send, the rest listen) and
  the **Payload** (`{id}` is required; `{client}` and `{ts}` are filled in too).
- `ctrl+s` (or `enter` in a field, or the Start button) starts the run; against a URL that is not on this machine it
  first says how many connections, messages and connection-minutes the run costs, and asks.
- `ctrl+t` (or the button, now Stop) stops it: sending ends, deliveries on their way get a few seconds, then every connection
  closes; `ctrl+t` again closes them at once. The summary shows either way.
- Live: connections open, frames per second out and in, and delivery latency (the median of the
  last second), with the errors by kind (refusals such as `http-429`, closes such as `close-1006`).
- At the end: handshake, first-recipient and last-recipient percentiles, completeness, errors by
  kind and the latency histogram of every recipient.

The app runs one load process; for more connections than one core drives, use `wstui load --workers N`.
Leaving the area stops the run.
"""


class LoadScreen(AreaScreen):
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", id="load.start", tooltip="Start a run with the fields as they are."),
        Binding("ctrl+t", "stop", "Stop", id="load.stop",
                tooltip="Stop the run: drain, then close; pressed again, close every connection at once."),
    ]

    class Reported(Message):
        """A run's event, posted from its thread."""

        def __init__(self, event: LoadEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self) -> None:
        super().__init__()
        self.load_run: LoadRun | None = None
        self.active = False
        """A run goes on, as far as the screen knows (its worker has not ended)."""
        self.ended = threading.Event()
        """Set by the run's thread as it ends: what quitting waits for."""
        self.ended.set()

    def compose_body(self) -> ComposeResult:
        yield LoadForm(id="load-form")
        yield Label(Text("Not started.", style="dim"), id="load-status")
        yield LoadCharts(id="load-charts")
        with VerticalScroll(id="load-summary-pane"):
            yield Static(Text("The summary shows here when a run ends.", style="dim"), id="load-summary")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#load-summary-pane").border_title = "Summary"
        self.query_one("#load-url", Input).focus()

    @property
    def form(self) -> LoadForm:
        return self.query_one(LoadForm)

    def on_screen_resume(self) -> None:
        """The local gateway may have started or stopped in the Local area meanwhile."""
        if not self.active and self.query_one("#load-target", Select).value == LOCAL:
            self.form.fill_url()

    def on_screen_suspend(self) -> None:
        """Another area on screen (not a dialog over this one): the run stops, draining first."""
        if self.app.current_mode != MODE and self.load_run is not None and self.active:
            self.load_run.stop()

    async def on_unmount(self) -> None:
        """The app quits: every connection closes at once, and the run's thread ends before the app does."""
        if self.load_run is not None and not self.ended.is_set():
            self.load_run.stop()
            self.load_run.stop()
            await asyncio.to_thread(self.ended.wait, QUIT_WAIT)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start":
            return not self.active
        if action == "stop":
            return self.active
        return True

    # --- starting and stopping ----------------------------------------------------------------------

    def action_start(self) -> None:
        if self.active:
            return
        plan = self.form.plan()
        if plan is None:
            return
        if on_this_machine(plan.target.url):
            self.start(plan)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.start(plan)

        self.app.push_screen(ConfirmScreen(f"{what_it_sends(plan)} Start it?", "Start"), answered)

    def start(self, plan: LoadPlan) -> None:
        self.load_run = LoadRun(plan, lambda event: self.post_message(self.Reported(event)))
        self.active = True
        self.ended.clear()
        self.form.running(True)
        self.query_one(LoadCharts).clear()
        self.query_one("#load-summary", Static).update(Text("The summary shows here when the run ends.", style="dim"))
        self.status(f"Starting {plan.connections} connections to {plan.target.shown_url}.")
        self.query_one("#load-toggle", Button).focus()
        self.refresh_bindings()
        self.run_worker(partial(self.drive, self.load_run), name=MODE, thread=True, exit_on_error=False)

    def drive(self, run: LoadRun) -> None:
        """On the worker's thread: the run from start to report (a failure ends the worker, see below)."""
        try:
            run.run()
        finally:
            self.ended.set()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The run's worker ended: the fields are back; a failure is said on the status line, never a traceback."""
        if event.worker.name != MODE or not event.worker.is_finished:
            return
        error = event.worker.error
        if error is not None:
            self.status(said(error) if isinstance(error, WstuiError) else f"The run failed: {error}", "bold red")
        self.active = False
        self.form.running(False)
        self.refresh_bindings()

    def action_stop(self) -> None:
        if self.load_run is not None and self.active:
            self.load_run.stop()

    @on(Button.Pressed, "#load-toggle")
    def toggle_pressed(self) -> None:
        """One button: Start, and Stop while a run goes (it says which)."""
        if self.active:
            self.action_stop()
        else:
            self.action_start()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in a field starts the run, as the Start button does."""
        self.action_start()

    # --- what the run reports -----------------------------------------------------------------------

    def status(self, line: str, style: str = "") -> None:
        self.query_one("#load-status", Label).update(verbatim(line, style))

    def on_load_screen_reported(self, message: Reported) -> None:
        event = message.event
        plan = self.load_run.plan if self.load_run else None
        match event:
            case LoadStarted(url=url, connections=connections):
                self.status(f"Loading {url} with {connections} connections.")
            case LoadSnapshot():
                self.query_one(LoadCharts).show(event)
                duration = f" of {plan.duration:g} s" if plan else ""
                self.status(f"{event.elapsed_s:.1f} s{duration}: {event.connections_open} open of "
                            f"{event.connections_planned} ({event.handshakes_ok} handshakes), "
                            f"messages sent: {event.messages_sent}.")
            case LoadStopping(reason=reason, drain_s=drain):
                self.status(f"Stopping ({reason}): waiting up to {drain:g} s for deliveries on their way, then closing. "
                            "ctrl+t closes at once.")
            case LoadFinished(report=report):
                self.query_one("#load-summary", Static).update(summary(report))
                state = " (stopped early)" if report.interrupted else ""
                self.status(f"Finished after {report.elapsed_s:.1f} s{state}.")

    def commands(self) -> Iterable[SystemCommand]:
        if self.active:
            yield SystemCommand("Stop the load run", "Drain, then close (again: close at once)", self.action_stop)
        else:
            yield SystemCommand("Start a load run", "With the fields as they are", self.action_start)
