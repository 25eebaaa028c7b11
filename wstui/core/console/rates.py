"""A console session's figures, second by second: frames per second each way, and reply times.

The reply time is how long after a frame sent to a two-way route the next frame arrived. A console
cannot tell a reply from another frame (a broadcast from another client, say), so it counts the
first frame received after the send: on a busy connection it is a lower bound. Which frames go to a
two-way route is decided as API Gateway decides, by the project's route selection expression.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from wstui.core.console.events import Direction, Frame
from wstui.core.project.model import Project
from wstui.core.rates import RateSeries, nearest_rank
from wstui.core.routes.expression import parse_expression, select_route

WINDOW_SECONDS = 120
AWAITED_REPLIES = 100


def two_way_frames(project: Project) -> Callable[[str | bytes], bool]:
    """Whether a frame sent to the project's API goes to one of its two-way routes."""
    expression = parse_expression(project.api.route_selection_expression)
    keys = [route.key for route in project.routes]
    two_way = {route.key for route in project.routes if route.two_way}
    return lambda data: select_route(expression.select(data), keys) in two_way


def no_replies(data: str | bytes) -> bool:
    """For a session outside a project: no route is known to answer."""
    return False


@dataclass
class SessionRates:
    """Record each batch of frames, and `tick` once a second; the series are read as they are."""

    expects_reply: Callable[[str | bytes], bool] = no_replies
    window: int = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    received: RateSeries = field(init=False)
    sent: RateSeries = field(init=False)
    round_trip_ms: deque[float] = field(init=False)
    """Median reply time of each second, 0 for a second without one."""
    last_round_trip_ms: float | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.received = RateSeries(self.window, self.clock())
        self.sent = RateSeries(self.window, self.clock())
        self.round_trip_ms = deque(maxlen=self.window)
        self._totals = {Direction.RECEIVED: 0, Direction.SENT: 0}
        self._awaiting: deque[float] = deque(maxlen=AWAITED_REPLIES)
        self._second: list[float] = []

    def record(self, frames: Iterable[Frame]) -> None:
        for frame in frames:
            self._totals[frame.direction] += 1
            if frame.direction is Direction.SENT:
                if self.expects_reply(frame.data):
                    self._awaiting.append(frame.monotonic)
            elif self._awaiting:
                round_trip = (frame.monotonic - self._awaiting.popleft()) * 1000
                self._second.append(round_trip)
                self.last_round_trip_ms = round_trip

    def tick(self) -> None:
        now = self.clock()
        self.received.tick(now, self._totals[Direction.RECEIVED])
        self.sent.tick(now, self._totals[Direction.SENT])
        second, self._second = sorted(self._second), []
        self.round_trip_ms.append(nearest_rank(second, 0.5) if second else 0.0)
