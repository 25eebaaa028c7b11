"""The Local area: start and stop the local gateway, watch its connections and invocations.

The screen only renders: `LocalGateway` runs the service, and a timer drains its events in batches
into the connections table and a capped log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Log

from wstui.cli.verbatim import verbatim
from wstui.core.errors import UnexpectedError, WstuiError
from wstui.core.local.activity import (
    ConfigApplied,
    ConfigNeedsRestart,
    ConfigRefused,
    ConnectionClosed,
    ConnectionOpened,
    GatewayEvent,
    HandlersReloaded,
    Invoked,
    Notice,
    Rejected,
    ServiceStarted,
)
from wstui.core.local.stats import ActivityStats
from wstui.core.project.latency import OFF
from wstui.core.project.model import Project
from wstui.tui.area_screen import AreaScreen
from wstui.tui.local.charts import ActivityCharts
from wstui.tui.local.gateway import LocalGateway
from wstui.tui.remedies import APP_WORDS
from wstui.tui.running_app import running_app
from wstui.tui.remedies import said

LOG_LINES = 5_000
DRAIN_SECONDS = 0.1
CHART_SECONDS = 1.0
HELP = """\
# Local

Runs the project on this machine, as `wstui dev` does: the gateway on `127.0.0.1`, the handlers,
and DynamoDB (moto), all built from the same template `wstui synth` prints.

- **Start/stop** (`ctrl+s`, or `enter` in the Port field): runs the service, or stops it.
- **Port**: where the gateway listens (0 picks a free port). The URL appears once it listens.
- **Charts**: open connections, frames in and out per second, and each route's handler latency
  (p50 and p95 over the last 10 seconds, and p95 second by second), over the last two minutes.
- **Connections**: every open WebSocket, where it came from, and when it last sent a frame.
- **Log**: each invocation (route, connection, status, duration) with the handler's output under it,
  closes, refused handshakes and frames, and handler reloads when you save a file. `ctrl+l` empties it.
- **wstui.toml edits** (in the Routes area or by hand) reach the running gateway as you save them, and
  open connections stay open: the log says what was applied (`routes: + chat; expression unchanged`).
  A new table, stage or region needs a stop and start, and the log says so; a file that does not load
  leaves the running configuration as it was, with the first problem and its line.

Stopping the gateway closes every connection (1001) and frees the port; quitting the app stops it too.
"""


class LocalScreen(AreaScreen):
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "toggle", "Start/stop", id="local.toggle",
                tooltip="Start the local gateway, or stop it (enter in the Port field starts it)."),
        Binding("ctrl+l", "clear_log", "Clear log", id="local.clear", tooltip="Empty the log (connections stay)."),
    ]

    busy = False
    last_good: Project | None = None
    stats: ActivityStats

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="local-bar"):
            yield Label("Port", classes="field-label")
            yield Input(str(running_app(self).config.local_port), type="integer", id="port",
                        tooltip="Port of the local gateway on 127.0.0.1 (0 picks a free one).")
            yield Button("Start", id="toggle", variant="success", tooltip="Start the local gateway (ctrl+s).")
            yield Label("stopped", id="status")
        yield ActivityCharts(id="local-charts")
        with Vertical(id="local-body"):
            yield DataTable(id="connections", cursor_type="row")
            yield Log(id="log", max_lines=LOG_LINES)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#connections", DataTable)
        table.border_title = "Connections"
        table.add_column("connection", key="id")
        table.add_column("source", key="source")
        table.add_column("connected at", key="connected")
        table.add_column("last active", key="active")
        log = self.query_one(Log)
        log.border_title = "Invocations"
        log.anchor()  # follows the end, through resizes too, until the user scrolls up (and again once back down)
        self.stats = ActivityStats()
        self.set_interval(DRAIN_SECONDS, self.render_events)
        self.set_interval(CHART_SECONDS, self.tick_charts)
        try:
            self.last_good = running_app(self).project().project
        except WstuiError:
            self.last_good = None
        self.query_one("#toggle", Button).focus()

    @property
    def gateway(self) -> LocalGateway:
        return running_app(self).gateway

    def on_input_changed(self, event: Input.Changed) -> None:
        """The port is the one setting a running gateway cannot take: say so as it is typed."""
        if event.input.id != "port" or not self.gateway.running or self.busy:
            return
        url = self.gateway.url
        if event.value.strip() == url.rsplit(":", 1)[-1].split("/")[0]:
            self.set_status(self.running_status())
        else:
            self.set_status(f"{url}  (port {event.value.strip()} applies at the next start: stop and start the gateway)")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "toggle":
            self.action_toggle()

    def action_toggle(self) -> None:
        if not self.busy:
            self.toggle_gateway()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in the Port field starts the gateway there; it never stops one."""
        if not self.gateway.running:
            self.action_toggle()

    def action_clear_log(self) -> None:
        self.query_one(Log).clear()

    @work(exclusive=True, group="gateway")
    async def toggle_gateway(self) -> None:
        """Start or stop; the button stays focusable (disabling it would hand the keys to the port field)."""
        button = self.query_one("#toggle", Button)
        self.busy = True
        try:
            if self.gateway.running:
                self.set_status("stopping...")
                await self.gateway.stop()
                self.render_events()
                self.query_one("#connections", DataTable).clear()
                self.set_status("stopped")
            else:
                await self.start_gateway()
        finally:
            self.busy = False
            button.label = "Stop" if self.gateway.running else "Start"
            button.variant = "error" if self.gateway.running else "success"

    async def start_gateway(self) -> None:
        port_text = self.query_one("#port", Input).value.strip()
        if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
            self.set_status(f"Port must be 0 to 65535, not {port_text!r}.", error=True)
            return
        self.set_status("starting...")
        try:
            project, problems = self.project_to_run()
            self.stats = ActivityStats()
            url = await self.gateway.start(project, int(port_text))
        except Exception as error:  # WstuiError, or a bug: the area says so and the app stays up
            message = said(error if isinstance(error, WstuiError) else UnexpectedError(error))
            self.set_status(message, error=True)
            self.notify(message, title="Local gateway", severity="error", markup=False)
            return
        if problems:
            stale = "wstui.toml has problems, so this runs the last configuration that loaded"
            self.set_status(f"{url}  ({stale}: fix them and save, and the gateway takes the fix)", error=True)
            self.notify(f"{stale}:\n{problems}", title="Local gateway", severity="warning", timeout=15, markup=False)
        else:
            self.set_status(self.running_status())

    def project_to_run(self) -> tuple[Project, str]:
        """wstui.toml as it is now; if it no longer loads (a hand edit in progress), the last project
        that did, with the problems, so that the user is told what is running. Raises WstuiError when
        there is no such project."""
        app = running_app(self)
        try:
            project = app.reopen_project().project
        except WstuiError as error:
            if self.last_good is None:
                raise
            return self.last_good, said(error)
        self.last_good = project
        return project, ""

    def running_status(self) -> str:
        """The running gateway's URL, and the latency profile it adds when one is on (see `wstui dev
        --latency`): timings that include it must not be mistaken for the handlers' own."""
        latency = self.gateway.latency
        return self.gateway.url if latency in ("", OFF) else f"{self.gateway.url}  latency: {latency}"

    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Label)
        status.update(verbatim(text))
        status.set_class(error, "error")

    def render_events(self) -> None:
        events = self.gateway.drain()
        if not events:
            return
        table = self.query_one("#connections", DataTable)
        lines: list[str] = []
        now = datetime.now().strftime("%H:%M:%S")
        for event in events:
            self.stats.record(event)
            lines.extend(self.render_event(event, table, now))
        self.query_one(Log).write_lines(lines)

    def tick_charts(self) -> None:
        """Close a second of the figures while the gateway runs; stopped, the charts keep the last minutes."""
        counts = self.gateway.frame_counts
        if counts is not None:
            self.stats.tick(*counts)
            self.query_one(ActivityCharts).show(self.stats)

    def render_event(self, event: GatewayEvent, table: DataTable, now: str) -> list[str]:
        match event:
            case ServiceStarted(url=url, management_url=management, latency=latency):
                return [f"{now} listening on {url} (@connections API: {management})", f"{now} latency: {latency}"]
            case ConnectionOpened(connection_id=cid, source_ip=ip):
                table.add_row(verbatim(cid), verbatim(ip), Text(now), Text(now), key=cid)
                return [f"{now} + {cid} connected from {ip}"]
            case ConnectionClosed(connection_id=cid, code=code, reason=reason):
                if cid in table.rows:
                    table.remove_row(cid)
                return [f"{now} - {cid} closed {code} {reason}".rstrip()]
            case Rejected(connection_id=cid, status=status, reason=reason):
                return [f"{now} x {cid or '(handshake)'} {status} {reason}"]
            case Invoked(route_key=route, connection_id=cid, result=result):
                if cid in table.rows:
                    table.update_cell(cid, "active", Text(now))
                cold = " (cold start)" if result.cold_start else ""
                lines = [f"{now}   {route:<14} {cid:<14} {result.status:<7} {result.duration_ms:8.1f} ms{cold}"]
                lines.extend(f"           | {line}" for line in result.output.splitlines())
                lines.extend(f"           ! {line}" for line in result.error.rstrip().splitlines())
                lines.extend(f"           ! {APP_WORDS[advice]}" for advice in result.remedies)
                return lines
            case HandlersReloaded(changed=changed):
                return [f"{now} ~ reloaded handlers ({', '.join(changed)})"]
            case ConfigApplied():
                if self.query_one("#status", Label).has_class("error"):
                    self.set_status(self.running_status())  # the problems it started with are fixed
                return [f"{now} ~ {event.summary}"]
            case ConfigNeedsRestart():
                return [f"{now} ! {event.summary} Stop and start the gateway to apply it."]
            case ConfigRefused():
                return [f"{now} ! {event.summary}"]
            case Notice(message=message):
                return [f"{now} ! {message}"]
        return []

    def commands(self) -> Iterable[SystemCommand]:
        title = "Stop the local gateway" if self.gateway.running else "Start the local gateway"
        yield SystemCommand(title, f"On 127.0.0.1, port {self.query_one('#port', Input).value}", self.action_toggle)
