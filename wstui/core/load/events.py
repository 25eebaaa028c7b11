"""What a run reports while it runs, for a renderer: the CLI prints them, the app shows them as charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from wstui.core.load.kinds import ErrorKind
from wstui.core.load.report import LoadReport, StopReason


@dataclass(frozen=True)
class LoadStarted:
    url: str  # credentials shown as ***
    connections: int
    workers: int
    open_files_limit: int | None  # the soft limit each driver raised itself to; None where there is none


@dataclass(frozen=True)
class LoadSnapshot:
    """The run every half second. Rates are per second over the last interval; `recent_latencies_ms`
    are the delivery latencies of frames received in it (each recipient's own), oldest first."""

    elapsed_s: float
    connections_open: int
    connections_planned: int
    handshakes_ok: int
    messages_sent: int
    frames_out_per_s: float
    frames_in_per_s: float
    errors: dict[ErrorKind, int]
    recent_latencies_ms: tuple[float, ...] = field(default=())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass(frozen=True)
class LoadStopping:
    """Sending has ended; deliveries still on their way get up to `drain_s`, then every connection closes."""

    reason: StopReason
    drain_s: float


@dataclass(frozen=True)
class LoadFinished:
    report: LoadReport


LoadEvent = LoadStarted | LoadSnapshot | LoadStopping | LoadFinished
