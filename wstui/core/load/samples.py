"""Raw samples, as each driver records them and sends them on every tick; the tally merges them.

Times are `time.monotonic()` seconds, which on Linux, macOS and Windows is one clock for every process
of the machine: a message sent by one worker and received by a client of another is timed exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wstui.core.load.kinds import ErrorKind


@dataclass
class SampleBatch:
    """What one driver saw since its last batch. `done` marks its last one."""

    worker: int
    attempts: list[float] = field(default_factory=list)  # when each handshake started
    handshakes: list[float] = field(default_factory=list)  # seconds each successful handshake took
    opened: list[tuple[int, float]] = field(default_factory=list)  # client, when
    closed: list[tuple[int, float]] = field(default_factory=list)  # client, when (by the server or by us)
    sent: list[tuple[int, int, float]] = field(default_factory=list)  # message number, client, when
    received: list[tuple[int, int, float]] = field(default_factory=list)  # message number, client, when
    errors: list[ErrorKind] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)  # seconds a scenario's wait_for took
    frames_out: int = 0
    frames_in: int = 0
    finished: int = 0  # clients that ended: scenario done, refused, or closed by the server
    ready: bool = False  # the driver is set up and waits for the run's start
    quiet: bool = False  # the driver has stopped sending: nothing it sends later is in this run
    done: bool = False  # the driver's last batch: every connection it had is closed
    failure: str = ""  # why the driver itself failed (a bug), with `done`

