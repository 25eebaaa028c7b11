"""Live figures of a running local service, second by second: what the Local area's charts draw.

Events are recorded as they are drained (cheap: a set, a counter, a list append each), and `tick`
closes one second: its open connections, frames in and out per second (from the gateway's own
counters, since a broadcast to a thousand clients is a thousand frames and no event each), and each
route's handler latency. Only the last `window` seconds are kept, so memory stays flat however long
the service runs; percentiles are taken over the last `recent` seconds, from at most `SAMPLES_KEPT`
calls per route and second.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from wstui.core.local.activity import ConnectionClosed, ConnectionOpened, GatewayEvent, Invoked
from wstui.core.rates import RateSeries, nearest_rank

WINDOW_SECONDS = 120
RECENT_SECONDS = 10
SAMPLES_KEPT = 2_000


@dataclass
class RouteLatency:
    """One route's handler latency: p95 of each second of the window (0 for a second without calls),
    and the durations of the recent seconds' calls."""

    p95_per_second: deque[float]
    recent: deque[list[float]]
    calls: int = 0

    def percentile(self, fraction: float) -> float | None:
        """Of the recent calls (nearest rank); None when there was none."""
        samples = sorted(duration for second in self.recent for duration in second)
        return nearest_rank(samples, fraction) if samples else None


@dataclass
class ActivityStats:
    """Record each drained event, and `tick` once a second; the series are read as they are.
    A new start of the service starts new stats (its counters start again from 0)."""

    window: int = WINDOW_SECONDS
    recent: int = RECENT_SECONDS
    clock: Callable[[], float] = time.monotonic
    connections: deque[int] = field(init=False)
    received: RateSeries = field(init=False)
    sent: RateSeries = field(init=False)
    routes: dict[str, RouteLatency] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.connections = deque(maxlen=self.window)
        self.received = RateSeries(self.window, self.clock())
        self.sent = RateSeries(self.window, self.clock())
        self._open: set[str] = set()
        self._second: dict[str, list[float]] = {}

    def record(self, event: GatewayEvent) -> None:
        match event:
            case ConnectionOpened(connection_id=cid):
                self._open.add(cid)
            case ConnectionClosed(connection_id=cid):
                self._open.discard(cid)
            case Invoked(route_key=route, result=result):
                durations = self._second.setdefault(route, [])
                if len(durations) < SAMPLES_KEPT:
                    durations.append(result.duration_ms)

    def tick(self, frames_received: int, frames_sent: int) -> None:
        """Close the second that ends now; the counters are the gateway's totals since it started."""
        now = self.clock()
        self.received.tick(now, frames_received)
        self.sent.tick(now, frames_sent)
        self.connections.append(len(self._open))
        second, self._second = self._second, {}
        for route in second.keys() - self.routes.keys():
            self.routes[route] = RouteLatency(deque([0.0] * (len(self.connections) - 1), maxlen=self.window),
                                              deque(maxlen=self.recent))
        for route, latency in self.routes.items():
            durations = sorted(second.get(route, []))
            latency.calls += len(durations)
            latency.p95_per_second.append(nearest_rank(durations, 0.95) if durations else 0.0)
            latency.recent.append(durations)
