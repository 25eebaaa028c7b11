"""Console events on their way from the sessions' reader threads to the screen, in a bounded queue.

A session's callback runs on its reader thread and must be quick, so it only appends here; the
Console area drains the queue on a timer and renders each batch at once. When the screen falls far
behind, received frames beyond the queue's bound are counted and dropped, never the events that
change a session's state, so memory stays bounded and a close is never lost.
"""

from __future__ import annotations

from collections import Counter, deque

from wstui.core.console import ConsoleEvent, Frame

QUEUED_EVENTS = 50_000


class ConsoleFeed:
    def __init__(self, bound: int = QUEUED_EVENTS) -> None:
        self.bound = bound
        self.events: deque[ConsoleEvent] = deque()
        self.dropped: Counter[str] = Counter()
        """Received frames dropped so far, per session (each session's reader thread is its only writer)."""

    def put(self, event: ConsoleEvent) -> None:
        if isinstance(event, Frame) and len(self.events) >= self.bound:
            self.dropped[event.session] += 1
            return
        self.events.append(event)

    def drain(self) -> list[ConsoleEvent]:
        """The events since the last drain, oldest first."""
        drained: list[ConsoleEvent] = []
        while self.events:
            drained.append(self.events.popleft())
        return drained
