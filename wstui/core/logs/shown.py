"""Which log events were shown already, so that overlapping readings show each event once.

Every reading overlaps the one before: a FilterLogEvents pass starts a little before the newest event
seen (CloudWatch ingests some events late), and a live tail session begins with a pass over what came
while it opened. Live tail's events carry no `eventId`, so an event is known by its group, stream,
timestamp and message, and counted: a reading shows an event when it has met more of its kind than
were shown. Seen again, it is not shown again; two identical lines in one millisecond stay two.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from wstui.core.logs.sources import LogSource

EventKey = tuple[str, str, int, str]
# How far back each reading looks again, for events CloudWatch ingested after newer ones (milliseconds).
LATE_MS = 10_000


def event_key(source: LogSource, raw: dict[str, Any]) -> EventKey:
    return (source.group, str(raw.get("logStreamName", "")), int(raw.get("timestamp", 0)), str(raw.get("message", "")))


class Shown:
    """The events shown with timestamps from `floor` (ms) on; older ones are forgotten, and no reading
    looks at them again."""

    def __init__(self, floor: int) -> None:
        self.floor = floor
        self.counts: Counter[EventKey] = Counter()

    def fresh(self, reading: Counter[EventKey], key: EventKey) -> bool:
        """Whether to show `key`, met once more in `reading` (one pass, or one live tail session)."""
        if key[2] < self.floor:
            return False
        reading[key] += 1
        if reading[key] <= self.counts[key]:
            return False
        self.counts[key] += 1
        return True

    def caught_up(self, newest: int) -> None:
        """The readings have seen up to `newest` ms: the next looks back `LATE_MS` from there."""
        floor = newest - LATE_MS
        if floor > self.floor:
            self.floor = floor
            self.counts = Counter({key: count for key, count in self.counts.items() if key[2] >= floor})
