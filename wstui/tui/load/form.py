"""The Load area's fields: where the run connects (the local gateway, the deployed stage, any URL) and
what it does (connections, rate, duration, payload, every, senders), read into a `LoadPlan`.

The local URL is the Local area's gateway while it runs, else the project's under `wstui dev`, with
the project's token where its `$connect` authorizer reads it, as `wstui load --local` does.
"""

from __future__ import annotations

import os

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from wstui.cli.verbatim import verbatim
from wstui.core.console import ConnectionTarget, deployed_url
from wstui.core.console.credentials import connect_token, resolve_references, with_token
from wstui.core.errors import UsageError, WstuiError
from wstui.core.load import DEFAULT_PAYLOAD, LoadPlan
from wstui.core.local.isolation import real_environment
from wstui.tui.remedies import said
from wstui.tui.running_app import running_app

LOCAL, DEPLOYED, CUSTOM = "local", "deployed", "custom"
TARGETS = [("Local", LOCAL), ("Deployed", DEPLOYED), ("Custom", CUSTOM)]
START_TIP = "Start the run (ctrl+s)."
STOP_TIP = "Stop sending, wait for deliveries on their way, then close; again: close at once (ctrl+t)."
NUMBERS = (
    # id, label, default, tooltip, integer
    ("connections", "Connections", "20", "Clients to connect.", True),
    ("rate", "Rate", "50", "Handshakes per second at most.", False),
    ("duration", "Duration", "10", "Seconds the run sends, from the first handshake.", False),
    ("every", "Every", "1", "Seconds between two sends of a sender.", False),
    ("senders", "Senders", "1", "How many clients send (the first ones); the rest only listen.", True),
)


class LoadForm(Vertical):
    filled = ""
    """The URL the target choice put in the field: any other value there is a custom URL."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="load-row"):
            yield Label("Target", classes="field-label")
            yield Select(TARGETS, value=LOCAL, allow_blank=False, id="load-target",
                         tooltip="Where the run connects: the local gateway, the deployed stage's URL, or the URL you type.")
            yield Label("URL", classes="field-label")
            yield Input(id="load-url", placeholder="ws://... or wss://...", tooltip="The URL the run connects to.")
            yield Label("Payload", classes="field-label")
            yield Input(DEFAULT_PAYLOAD, id="load-payload",
                        tooltip="What senders send; {id} (required), {client} and {ts} are filled in.")
        with Horizontal(classes="load-row"):
            for name, label, default, tooltip, integer in NUMBERS:
                yield Label(label, classes="field-label")
                yield Input(default, id=f"load-{name}", type="integer" if integer else "number", tooltip=tooltip,
                            classes="load-number")
            yield Button("Start", id="load-toggle", variant="primary", tooltip=START_TIP)
        yield Label("", id="load-error")

    def on_mount(self) -> None:
        self.fill_url()

    @on(Select.Changed, "#load-target")
    def fill_url(self) -> None:
        """The URL of the target chosen; a custom URL is the one in the field, to edit."""
        choice = self.query_one("#load-target", Select).value
        field = self.query_one("#load-url", Input)
        self.show_error("")
        if choice == CUSTOM:
            self.filled = field.value
            field.focus()
            return
        if choice == LOCAL:
            self.filled = running_app(self).local_url()
        else:
            try:
                with real_environment():  # the region the developer chose, even while the Local area runs
                    self.filled = deployed_url(running_app(self).staged_project())
            except WstuiError as error:
                self.filled = ""
                self.show_error(said(error))
        field.value = self.filled

    @on(Input.Changed, "#load-url")
    def typed_url(self, event: Input.Changed) -> None:
        """A URL typed over the one a choice filled in is a custom URL (and gets no project token)."""
        if event.value != self.filled:
            self.query_one("#load-target", Select).value = CUSTOM

    def show_error(self, message: str) -> None:
        label = self.query_one("#load-error", Label)
        label.update(verbatim(message, "bold red"))
        label.display = bool(message)

    def number(self, name: str) -> float:
        field = self.query_one(f"#load-{name}", Input)
        try:
            return float(field.value)
        except ValueError:
            label = next(label for id_, label, *_ in NUMBERS if id_ == name)
            raise UsageError(f"{label} must be a number.") from None

    def plan(self) -> LoadPlan | None:
        """The fields as a plan, with the project's secrets filled in; None with the reason shown under them."""
        app = running_app(self)
        try:
            target = ConnectionTarget(self.query_one("#load-url", Input).value.strip())
            token = connect_token(app.project().project)
            if token is not None and self.query_one("#load-target", Select).value == LOCAL:
                target = with_token(target, token)
            with real_environment():
                target = resolve_references(target, app.project().project, os.environ)
            plan = LoadPlan(
                target, connections=int(self.number("connections")), rate=self.number("rate"),
                duration=self.number("duration"), payload=self.query_one("#load-payload", Input).value,
                every=self.number("every"), senders=int(self.number("senders")),
            )
        except WstuiError as error:
            self.show_error(said(error))
            return None
        self.show_error("")
        return plan

    def running(self, running: bool) -> None:
        """While a run goes, its fields stay as they were when it started."""
        for widget in self.query(Input):
            widget.disabled = running
        self.query_one("#load-target", Select).disabled = running
        button = self.query_one("#load-toggle", Button)
        button.label, button.variant, button.tooltip = ("Stop", "error", STOP_TIP) if running else ("Start", "primary", START_TIP)
