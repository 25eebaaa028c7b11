"""Reading the log groups: once (`read_logs`), or following them until the caller stops (`follow_logs`).

Following uses CloudWatch Logs live tail where the account offers it (new lines within a second, one
connection), and FilterLogEvents polling where it does not: no permission for `logs:StartLiveTail`,
an endpoint without it, more than 10 log groups, or a function whose log group does not exist yet
(live tail cannot wait for one; polling picks it up at the first invocation). Each reading starts with
a FilterLogEvents pass over what came since the last, so switching sessions leaves no gap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from wstui.core.deploy.aws import error_code, explained
from wstui.core.logs.events import Following, LogEvent, NoLogGroup, RequestIds, Sampled
from wstui.core.logs.live_tail import LiveTail, open_live_tail
from wstui.core.logs.shown import Shown, event_key
from wstui.core.logs.sources import LogSource

FILTER_ACTION = "logs:FilterLogEvents"
# FilterLogEvents allows a few calls a second per account and region, and a poll makes one per group.
POLL_INTERVAL = 2.0
POLLS_PER_SECOND = 2.5


def poll_interval(sources: tuple[LogSource, ...]) -> float:
    """Every `POLL_INTERVAL` seconds, or slower with many groups, to stay within FilterLogEvents' quota."""
    return max(POLL_INTERVAL, len(sources) / POLLS_PER_SECOND)


class _GroupMissing(Exception):
    pass


@dataclass
class LogReader:
    """Reads `sources` from `start_ms` on, remembering what it showed and which groups it found missing."""

    logs: Any
    sources: tuple[LogSource, ...]
    pattern: str
    start_ms: int
    shown: Shown = field(init=False)
    ids: RequestIds = field(init=False, default_factory=RequestIds)
    missing: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.shown = Shown(self.start_ms)

    def poll(self, end_ms: int | None = None) -> Generator[LogEvent, None, None]:
        """One pass over every group, each page of each: the events not shown yet, in time order across
        groups. A group missing for the first time is said once."""
        found: list[tuple[int, int, LogSource, dict[str, Any]]] = []
        for index, source in enumerate(self.sources):
            try:
                found.extend((int(raw.get("timestamp", 0)), index, source, raw) for raw in self._events(source, end_ms))
            except _GroupMissing:
                if source.group not in self.missing:
                    self.missing.add(source.group)
                    yield NoLogGroup(source)
                continue
            self.missing.discard(source.group)
        found.sort(key=lambda item: (item[0], item[1]))
        reading: Counter[tuple[str, str, int, str]] = Counter()
        for _, _, source, raw in found:
            if self.shown.fresh(reading, event_key(source, raw)):
                yield self.ids.line(source, raw)
        if found:
            self.shown.caught_up(found[-1][0])

    def _events(self, source: LogSource, end_ms: int | None) -> list[dict[str, Any]]:
        from botocore.exceptions import ClientError

        request: dict[str, Any] = {"logGroupName": source.group, "startTime": self.shown.floor}
        if end_ms is not None:
            request["endTime"] = end_ms
        if self.pattern:
            request["filterPattern"] = self.pattern
        events: list[dict[str, Any]] = []
        with explained(f"calling {FILTER_ACTION} on {source.group}"):
            while True:
                try:
                    page = self.logs.filter_log_events(**request)
                except ClientError as error:
                    if error_code(error) == "ResourceNotFoundException":
                        raise _GroupMissing from None
                    raise
                events.extend(page.get("events", []))
                if not page.get("nextToken"):
                    return events
                request["nextToken"] = page["nextToken"]

    def live(self, tail: LiveTail) -> Iterator[LogEvent]:
        """What the live tail session sends, until it ends; `Sampled` once, when CloudWatch first samples."""
        reading: Counter[tuple[str, str, int, str]] = Counter()
        said_sampled = False
        for sampled, results in tail.updates():
            if sampled and not said_sampled:
                said_sampled = True
                yield Sampled()
            for source, raw in results:
                if self.shown.fresh(reading, event_key(source, raw)):
                    yield self.ids.line(source, raw)
            if results:
                self.shown.caught_up(max(int(raw.get("timestamp", 0)) for _, raw in results))


def read_logs(logs: Any, sources: tuple[LogSource, ...], pattern: str, start_ms: int, end_ms: int) -> Generator[LogEvent, None, None]:
    return LogReader(logs, sources, pattern, start_ms).poll(end_ms)


def follow_logs(
    logs: Any, sources: tuple[LogSource, ...], pattern: str, start_ms: int, sleep: Callable[[float], None],
) -> Generator[LogEvent, None, None]:
    """The lines from `start_ms` on, then each new one, until the caller stops iterating. `sleep` waits
    between polls and between live tail sessions (AWS ends one after three hours)."""
    reader = LogReader(logs, sources, pattern, start_ms)
    interval = poll_interval(sources)
    said_live = False
    while True:
        tail, reason = open_live_tail(logs, sources, pattern)
        yield from reader.poll()
        if tail is None:
            yield Following(False, interval, reason)
            while True:
                sleep(interval)
                yield from reader.poll()
        if not said_live:
            said_live = True
            yield Following(True)
        yield from reader.live(tail)
        sleep(interval)
