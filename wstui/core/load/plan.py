"""What a load run does, as one value: where it connects, how fast, what it sends, what must hold.

A plan is checked when it is made, so a run never starts with a ramp it cannot finish or a payload
whose deliveries it cannot follow. It is plain data, picklable, so worker processes get it as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from wstui.core.console.target import ConnectionTarget
from wstui.core.errors import UsageError
from wstui.core.load.payload import ID, PayloadTemplate
from wstui.core.load.scenario import Scenario

DEFAULT_PAYLOAD = '{"message": "sendmessage", "data": "{id}"}'


class Audience(StrEnum):
    """Who is expected to receive a message: every client connected when it was sent (a broadcast), or
    the sender alone (a request answered to its sender, as an echo route does)."""

    ALL = "all"
    SENDER = "sender"


@dataclass(frozen=True)
class Thresholds:
    """Figures a run must hold; None: not checked. Latencies in milliseconds."""

    max_p95_ms: float | None = None
    max_p99_ms: float | None = None
    max_handshake_p95_ms: float | None = None
    min_completeness: float | None = None
    max_errors: int | None = None


@dataclass(frozen=True)
class LoadPlan:
    """`connections` clients open at `rate` handshakes per second at most; the first `senders` of them
    send `payload` every `every` seconds until `duration` seconds after the first handshake (or, with a
    `scenario`, each client runs its steps instead). `drain` is how long the run waits after sending for
    deliveries still on their way before it closes every connection."""

    target: ConnectionTarget
    connections: int = 100
    rate: float = 50.0
    duration: float = 20.0
    payload: str = DEFAULT_PAYLOAD
    every: float = 1.0
    senders: int = 1
    audience: Audience = Audience.ALL
    scenario: Scenario | None = None
    workers: int = 1
    drain: float = 5.0
    connect_timeout: float = 10.0
    thresholds: Thresholds = field(default_factory=Thresholds)

    def __post_init__(self) -> None:
        if self.connections < 1 or self.rate <= 0 or self.duration <= 0 or self.every <= 0 or self.workers < 1:
            raise UsageError("Connections, rate, duration, every and workers must be above zero.")
        if self.scenario is not None:
            object.__setattr__(self, "audience", Audience(self.scenario.audience))
        else:
            if not 0 <= self.senders <= self.connections:
                raise UsageError(f"Senders ({self.senders}) must be between 0 and the connections ({self.connections}).")
            if self.senders and ID not in PayloadTemplate(self.payload).placeholders:
                raise UsageError(f"The payload has no {ID}: the run could not tell which message a frame delivers. "
                                 f"Put {ID} where the service echoes or broadcasts it, e.g. {DEFAULT_PAYLOAD}.")
        ramp = (self.connections - 1) / self.rate
        if ramp > self.duration:
            raise UsageError(f"Opening {self.connections} connections at {self.rate:g} per second takes {ramp:.1f} s, "
                             f"more than the duration ({self.duration:g} s): raise the rate or the duration.")

    @property
    def messages(self) -> int:
        """How many messages broadcast mode sends at most (a scenario's are counted as it runs): a sender's
        first is due `every` after its handshake and none is due at or after the end of the duration, so the
        first sender sends one fewer than fit in it; senders that connect later may send fewer."""
        if self.scenario is not None:
            return self.connections * self.scenario.sends
        return self.senders * (math.ceil(self.duration / self.every) - 1)

    @property
    def connection_minutes(self) -> float:
        return self.connections * self.duration / 60

    @property
    def deliveries(self) -> int:
        """Frames the service sends if every message reaches its audience."""
        return self.messages * (self.connections if self.audience is Audience.ALL else 1)

    def clients_of(self, worker: int) -> range:
        """The client indices worker `worker` drives: every `workers`-th, so senders spread over them."""
        return range(worker, self.connections, self.workers)
