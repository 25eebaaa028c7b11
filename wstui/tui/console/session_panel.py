"""One console client on screen: its connection state by colour, with close codes, its frames per
second and reply time, above its frame log.

The panel owns its `ConsoleSession` and renders the session's events the Console area hands it in
batches; it never touches the network itself (the session's reader thread does).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wstui.cli.verbatim import verbatim
from wstui.core.console import Closed, Connected, Connecting, ConsoleEvent, ConsoleSession, Failed, Frame, SessionState
from wstui.core.console.rates import SessionRates, no_replies, two_way_frames
from wstui.core.errors import WstuiError, told
from wstui.tui.console.frame_log import FrameLog
from wstui.tui.console.rates_bar import RatesBar
from wstui.tui.remedies import APP_WORDS
from wstui.tui.running_app import running_app

STATE_CLASSES = ("state-connecting", "state-open", "state-closed", "state-error")


def describe(event: ConsoleEvent) -> tuple[str, str, str]:
    """(a word or two for the title, one line for the status, the CSS class that colours the panel)."""
    match event:
        case Connecting(url=url):
            return "connecting", f"connecting to {url}", "state-connecting"
        case Connected(url=url, status=status):
            return "open", f"open ({status}) {url}", "state-open"
        case Closed(code=code, reason=reason, by=by) as closed:
            state = "state-closed" if closed.normal else "state-error"
            return f"closed {code}", f"closed {code} by {by}{': ' + reason if reason else ''}", state
        case Failed(message=message) as failed:
            return "failed", f"failed: {told(message, failed.remedies, APP_WORDS)}", "state-error"
    return "", "", "state-connecting"


class SessionPanel(Vertical):
    def __init__(self, session: ConsoleSession) -> None:
        super().__init__(id=f"panel-{session.name}", classes="session-panel state-connecting")
        self.session = session
        self.status = f"ready to connect to {session.target.shown_url}"
        self.dropped = 0
        self.border_title = session.name
        self.pending: list[ConsoleEvent] = []
        """Events that arrived before the panel's own widgets were mounted (a fast failure does)."""
        self.rates = SessionRates()

    def compose(self) -> ComposeResult:
        yield Static(verbatim(self.status), classes="session-status")
        yield RatesBar(self.rates)
        yield FrameLog(id=f"frames-{self.session.name}")

    def on_mount(self) -> None:
        """Reply times need to know which routes answer: the open project's two-way routes."""
        project_file = running_app(self).project_file
        try:
            self.rates.expects_reply = two_way_frames(project_file.project) if project_file else no_replies
        except WstuiError:  # a wstui.toml that does not load: rates without reply times
            self.rates.expects_reply = no_replies

    @property
    def frame_log(self) -> FrameLog:
        return self.query_one(FrameLog)

    @property
    def is_open(self) -> bool:
        return self.session.state is SessionState.OPEN

    def render_events(self, events: list[ConsoleEvent], dropped: int) -> None:
        if not self.query(FrameLog):
            self.pending.extend(events)
            return
        events, self.pending = [*self.pending, *events], []
        self.rates.record(event for event in events if isinstance(event, Frame))
        frames: list[Frame] = []
        for event in events:
            if isinstance(event, Frame):
                frames.append(event)
                continue
            self.frame_log.add(frames)
            frames = []
            self.show_state(event)
        self.frame_log.add(frames)
        if dropped != self.dropped:
            self.dropped = dropped
            self.query_one(".session-status", Static).update(self.status_text())

    def show_state(self, event: ConsoleEvent) -> None:
        title, self.status, state = describe(event)
        self.remove_class(*STATE_CLASSES)
        self.add_class(state)
        self.border_title = f"{self.session.name} {title}"
        self.query_one(".session-status", Static).update(self.status_text())

    def status_text(self) -> Text:
        text = verbatim(self.status)
        if self.dropped:
            text.append(f"  ({self.dropped:,} frames dropped: the screen fell behind)", style="bold")
        return text
