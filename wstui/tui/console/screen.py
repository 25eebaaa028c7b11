"""The Console area: client sessions side by side, a payload editor, and the selected frame in full.

Each session reads on a thread of its own (`ConsoleSession`); its events land in a `ConsoleFeed`
that a timer drains, so a flood of frames becomes a few batched redraws a second.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from wstui.cli.verbatim import verbatim
from wstui.core.console import (
    ConnectionTarget,
    ConsoleError,
    ConsoleSession,
    SessionState,
    deployed_url,
    parse_header,
    parse_query,
)
from wstui.core.console.credentials import connect_token, has_references, resolve_references
from wstui.core.errors import WstuiError
from wstui.core.local.isolation import real_environment
from wstui.tui.area_screen import AreaScreen
from wstui.tui.console.feed import ConsoleFeed
from wstui.tui.console.frame_log import FrameLog, frame_detail
from wstui.tui.console.payload_editor import PayloadEditor
from wstui.tui.running_app import running_app
from wstui.tui.console.session_panel import SessionPanel
from wstui.tui.remedies import said

DRAIN_SECONDS = 0.1
HELP = """\
# Console

WebSocket clients of your service, several at once, side by side: send from one and watch the
broadcast reach the others. It is `wstui console` with a screen.

- **URL**: where `ctrl+n` (or `enter` in the URL, Query or Header field) connects a new session. It starts on the Local area's gateway when it
  runs, else on the project's local URL; `ctrl+l` puts the local URL back, `ctrl+r` the deployed
  `wss://` URL from `.wstui/outputs.json` (the record of the project's stack in AWS_REGION, your
  profile's region, else the project's).
- **Query** and **Header**: for an authorizer's token, e.g. `token=abc` (several joined with `&`)
  and `Authorization: Bearer abc` (several headers joined with `;`). `${secret:NAME}` in either
  stands for the project's secret NAME, filled in as a session connects; for a project whose
  `$connect` authorizer checks a token against a secret (`wstui new`'s token option), the field the
  authorizer reads starts with that reference, so a session connects as it is. `ctrl+b` copies the `wscat` command for the same connection.
- **Sessions**: each shows its state by colour (yellow connecting, green open, grey closed normally,
  red for a failure or any other close code) and its frames: direction (`→` sent, `←` received),
  time, size. The last 1,000 frames are kept. Select one (up/down, end follows new frames) to see
  it whole, JSON indented, on the right. `ctrl+g` moves to the next session; `ctrl+t` closes the
  selected one (1000), and removes it once closed.
- **Payload**: checked as JSON as you type; `ctrl+s` sends it to the selected session, and refuses
  text that is not JSON, unless **Raw text** (`f8`) is ticked: then the text goes as typed, to
  see what the service makes of a frame that is not JSON. A refusal shows beside the editor. `ctrl+up`/`ctrl+down` go through what you sent before; the list above the
  editor loads the files of the project's `payloads/`.
"""


class ConsoleScreen(AreaScreen):
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "connect", "Connect", id="console.connect",
                tooltip="Open a new session to the URL, with the query and header fields."),
        Binding("ctrl+s", "send", "Send", id="console.send", tooltip="Send the payload on the selected session."),
        Binding("ctrl+t", "close_session", "Close", id="console.close",
                tooltip="Close the selected session with 1000; once closed, remove it."),
        Binding("ctrl+g", "next_session", "Next session", id="console.next",
                tooltip="Select the next session: sends go there, its frame shows on the right."),
        Binding("ctrl+up", "history(-1)", "Older payload", show=False, id="console.history_back",
                tooltip="Put the payload sent before this one in the editor."),
        Binding("ctrl+down", "history(1)", "Newer payload", show=False, id="console.history_forward",
                tooltip="Put the next payload sent in the editor (past the newest: your draft)."),
        Binding("ctrl+l", "local_url", "Local URL", show=False, id="console.local",
                tooltip="Put the local gateway's URL in the URL field."),
        Binding("ctrl+r", "deployed_url", "Deployed URL", show=False, id="console.deployed",
                tooltip="Put the deployed stage's wss:// URL (from .wstui/outputs.json) in the URL field."),
        Binding("ctrl+b", "wscat", "Copy as wscat", show=False, id="console.wscat",
                tooltip="Copy the wscat command for this connection to the clipboard."),
        Binding("f8", "toggle_raw", "Raw text", show=False, id="console.raw",
                tooltip="Send the payload as typed, JSON or not (a raw text frame)."),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.feed = ConsoleFeed()
        self.current: SessionPanel | None = None
        self.default_url = ""
        self.requested_url = ""
        self._numbers = itertools.count(1)

    def compose_body(self) -> ComposeResult:
        project_file = running_app(self).project_file
        with Horizontal(id="console-target"):
            yield Label("URL", classes="field-label")
            yield Input(id="url", placeholder="ws://... or wss://...", tooltip="Where ctrl+n connects.")
            yield Label("Query", classes="field-label")
            yield Input(id="query", placeholder="token=...", tooltip="Query-string parameters, k=v joined by &.")
            yield Label("Header", classes="field-label")
            yield Input(id="header", placeholder="Authorization: ...", tooltip="Handshake headers, Name: value, several joined by ;.")
            yield Button("Connect", id="connect", variant="primary", tooltip="Open a new session (ctrl+n).")
        yield Label("", id="target-error")
        with Horizontal(id="console-body"):
            yield Horizontal(id="sessions")
            with VerticalScroll(id="frame-detail"):
                yield Static(Text("No frame selected.", style="dim"), id="detail")
        yield PayloadEditor(project_file.directory if project_file else None, id="editor")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#frame-detail").border_title = "Selected frame"
        self.query_one("#sessions").border_title = "Sessions"
        self.set_interval(DRAIN_SECONDS, self.render_events)
        start = running_app(self).console_start
        if start is not None:
            self.fill_target(start)
            self.action_connect()
        else:
            self.restore_fields()
            self.refresh_default_url()
            self.offer_token()
        self.query_one("#payload").focus()

    def on_screen_resume(self) -> None:
        self.refresh_default_url()

    def use_url(self, url: str) -> None:
        """Put `url` in the URL field as the area opens (the Deploy area's Console action)."""
        self.requested_url = url

    def on_unmount(self) -> None:
        for panel in self.query(SessionPanel):
            panel.session.close()

    # --- the connection fields --------------------------------------------------------------------

    def local_url(self) -> str:
        return running_app(self).local_url()

    def refresh_default_url(self) -> None:
        """Follow the local gateway while the user has not typed a URL of their own."""
        field = self.query_one("#url", Input)
        if self.requested_url:
            field.value, self.requested_url = self.requested_url, ""
            self.show_error("")
        elif field.value in ("", self.default_url):
            self.default_url = self.local_url()
            field.value = self.default_url

    def restore_fields(self) -> None:
        """The URL, query and header as they were at the project's last connection (`.wstui/app.json`)."""
        remembered = running_app(self).state.console
        for name in ("url", "query", "header"):
            self.query_one(f"#{name}", Input).value = remembered.get(name, "")

    def remember_fields(self) -> None:
        """The fields as typed; a URL that only follows the local gateway is not kept (its port may change)."""
        app = running_app(self)
        if app.project_file is not None:
            fields = {name: self.query_one(f"#{name}", Input).value.strip() for name in ("url", "query", "header")}
            if fields["url"] == self.local_url():
                fields["url"] = ""
            app.state.console = fields
            app.remember()

    def offer_token(self) -> None:
        """The reference to the project's token where its `$connect` authorizer reads it, in an empty field."""
        app = running_app(self)
        token = connect_token(app.project().project) if app.project_file else None
        if token is None:
            return
        field = self.query_one("#query" if token.in_query else "#header", Input)
        if not field.value:
            field.value = f"{token.name}={token.reference}" if token.in_query else f"{token.name}: {token.reference}"

    def fill_target(self, target: ConnectionTarget) -> None:
        self.query_one("#url", Input).value = target.url
        self.query_one("#query", Input).value = "&".join(f"{k}={v}" for k, v in target.query)
        self.query_one("#header", Input).value = "; ".join(f"{k}: {v}" for k, v in target.headers)

    def target(self) -> ConnectionTarget | None:
        """The fields as a target, or None with the reason shown under them."""
        query = self.query_one("#query", Input).value.strip()
        header = self.query_one("#header", Input).value.strip()
        try:
            target = ConnectionTarget(
                self.query_one("#url", Input).value.strip(),
                tuple(parse_header(part) for part in header.split(";") if part.strip()),
                tuple(parse_query(part) for part in query.split("&") if part),
            )
        except WstuiError as error:
            self.show_error(said(error))
            return None
        self.show_error("")
        return target

    @on(Input.Changed, "#url, #query, #header")
    def recheck_target(self) -> None:
        """An error shown under the fields goes as soon as they are fixed (and follows the typing till then)."""
        if self.query_one("#target-error", Label).display:
            self.target()

    def connection_target(self) -> ConnectionTarget | None:
        """`target()` with the project's secrets for their `${secret:NAME}` references (the value is in
        the session only, which shows it as ***)."""
        target = self.target()
        app = running_app(self)
        if target is not None:
            self.remember_fields()
        if target is None or app.project_file is None or not has_references(target):
            return target
        try:
            with real_environment():
                return resolve_references(target, app.project().project, os.environ)
        except WstuiError as error:
            self.show_error(said(error))
            return None

    def show_error(self, message: str) -> None:
        label = self.query_one("#target-error", Label)
        label.update(verbatim(message, "bold red"))
        label.display = bool(message)

    # --- sessions -----------------------------------------------------------------------------------

    def action_connect(self) -> None:
        target = self.connection_target()
        if target is None:
            return
        session = ConsoleSession(target, self.feed.put, name=f"c{next(self._numbers)}")
        panel = SessionPanel(session)
        self.query_one("#sessions").mount(panel)
        self.select_panel(panel)
        session.start()
        self.query_one("#payload").focus()  # what comes after connecting is a message to send

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "connect":
            self.action_connect()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in the URL, Query or Header field connects, as the Connect button does."""
        self.action_connect()

    def select_panel(self, panel: SessionPanel | None) -> None:
        for other in self.query(SessionPanel):
            other.set_class(other is panel, "current")
        self.current = panel
        self.show_selected(panel.frame_log if panel and panel.is_mounted else None)

    def action_next_session(self) -> None:
        panels = list(self.query(SessionPanel))
        if panels:
            index = panels.index(self.current) + 1 if self.current in panels else 0
            self.select_panel(panels[index % len(panels)])

    def action_close_session(self) -> None:
        panel = self.current
        if panel is None:
            return
        if panel.session.state in (SessionState.CLOSED, SessionState.FAILED, SessionState.IDLE):
            panels = list(self.query(SessionPanel))
            rest = [p for p in panels if p is not panel]
            panel.remove()
            self.select_panel(rest[-1] if rest else None)
        else:
            panel.session.close()

    def on_descendant_focus(self, event: Widget.DescendantFocus) -> None:
        for node in event.widget.ancestors_with_self:
            if isinstance(node, SessionPanel):
                if node is not self.current:
                    self.select_panel(node)
                return

    def render_events(self) -> None:
        events = self.feed.drain()
        by_session: dict[str, list] = {}
        for event in events:
            by_session.setdefault(event.session, []).append(event)
        for panel in self.query(SessionPanel):
            batch = by_session.get(panel.session.name, [])
            dropped = self.feed.dropped[panel.session.name]
            if batch or panel.pending or dropped != panel.dropped:
                panel.render_events(batch, dropped)

    # --- frames -------------------------------------------------------------------------------------

    def on_frame_log_selected(self, event: FrameLog.Selected) -> None:
        if self.current is not None and event.log is self.current.frame_log:
            self.show_selected(event.log)

    def show_selected(self, log: FrameLog | None) -> None:
        index = log.selected_index() if log else None
        detail = self.query_one("#detail", Static)
        if log is None or index is None:
            detail.update(Text("No frame selected.", style="dim"))
        else:
            frame = log.frames[index]
            detail.update(verbatim(frame_detail(frame)))
            self.query_one("#frame-detail").border_subtitle = f"{frame.direction} {frame.size} B"

    # --- the payload --------------------------------------------------------------------------------

    @property
    def editor(self) -> PayloadEditor:
        return self.query_one(PayloadEditor)

    def action_send(self) -> None:
        editor = self.editor
        if not editor.sendable():
            editor.show_check(refused=True)
            return
        if self.current is None:
            editor.refuse("no session to send on: ctrl+n connects one.")
            return
        text = editor.text
        try:
            self.current.session.send(text)
        except ConsoleError as error:
            editor.refuse(said(error))
            return
        editor.show_check()
        editor.remember(text)

    def action_toggle_raw(self) -> None:
        self.editor.toggle_raw()

    def action_history(self, offset: int) -> None:
        self.editor.step(offset)

    def action_local_url(self) -> None:
        self.query_one("#url", Input).value = self.default_url = self.local_url()

    def action_deployed_url(self) -> None:
        app = running_app(self)
        if app.project_file is None:
            self.show_error("No project open: type the URL.")
            return
        try:
            with real_environment():  # the region the developer chose, even while the Local area runs
                self.query_one("#url", Input).value = deployed_url(app.staged_project())
        except WstuiError as error:
            self.show_error(said(error))

    def action_wscat(self) -> None:
        target = self.current.session.target if self.current else self.connection_target()
        if target is None:
            return
        self.app.copy_to_clipboard(target.wscat_command())
        self.notify(target.wscat_command(redacted=True), title="Copied as wscat", timeout=10, markup=False)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Connect a console session", "A new session to the URL field", self.action_connect)
        yield SystemCommand("Copy as wscat", "The wscat command for the selected session", self.action_wscat)
        yield SystemCommand("Use the deployed URL", "From .wstui/outputs.json", self.action_deployed_url)
        if self.current is not None:
            yield SystemCommand(f"Close session {self.current.session.name}", "With 1000", self.action_close_session)
