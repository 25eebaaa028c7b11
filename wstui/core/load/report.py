"""The figures of a finished (or stopped) run, and the JSON document `wstui load --json` prints."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from wstui.core.load.kinds import ErrorKind
from wstui.core.load.plan import Thresholds

HISTOGRAM_EDGES_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


class StopReason(StrEnum):
    DURATION = "duration"  # the planned duration passed
    STOPPED = "stopped"  # stop() was called: Ctrl-C, a button
    SCENARIO = "scenario"  # every client finished its steps
    ALL_ENDED = "all-ended"  # every client was refused or closed by the server: nothing left to measure


@dataclass(frozen=True)
class Percentiles:
    """Milliseconds, nearest-rank."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @staticmethod
    def of(seconds: Sequence[float]) -> Percentiles | None:
        if not seconds:
            return None
        ordered = sorted(seconds)

        def rank(q: float) -> float:
            return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000, 3)

        return Percentiles(len(ordered), rank(0.50), rank(0.95), rank(0.99), rank(1.0))


@dataclass(frozen=True)
class Bucket:
    """Deliveries that took at most `le_ms` (None: longer than the last edge) and more than the bucket before."""

    le_ms: float | None
    count: int


def histogram(seconds: Sequence[float]) -> list[Bucket]:
    counts = [0] * (len(HISTOGRAM_EDGES_MS) + 1)
    for value in seconds:
        ms = value * 1000
        counts[next((i for i, edge in enumerate(HISTOGRAM_EDGES_MS) if ms <= edge), len(HISTOGRAM_EDGES_MS))] += 1
    edges: list[float | None] = [*HISTOGRAM_EDGES_MS, None]
    return [Bucket(edge, count) for edge, count in zip(edges, counts, strict=True)]


@dataclass(frozen=True)
class ThresholdResult:
    name: str  # the option's name without dashes: "max-p95", "min-completeness", ...
    limit: float
    actual: float | None  # None: the run measured nothing to compare (no message delivered), which fails
    held: bool


def check_thresholds(thresholds: Thresholds, delivery: Percentiles | None, handshake: Percentiles | None,
                     completeness: float | None, errors: int) -> list[ThresholdResult]:
    checks: list[tuple[str, float | None, float | None, bool]] = [
        ("max-p95", thresholds.max_p95_ms, delivery.p95 if delivery else None, True),
        ("max-p99", thresholds.max_p99_ms, delivery.p99 if delivery else None, True),
        ("max-handshake-p95", thresholds.max_handshake_p95_ms, handshake.p95 if handshake else None, True),
        ("min-completeness", thresholds.min_completeness, completeness, False),
        ("max-errors", thresholds.max_errors, errors, True),
    ]
    return [
        ThresholdResult(name, limit, actual, actual is not None and (actual <= limit if upper else actual >= limit))
        for name, limit, actual, upper in checks if limit is not None
    ]


@dataclass(frozen=True)
class LoadReport:
    """`last_recipient` is the time until every expected recipient that got a message had it (what a
    broadcast costs); `first_recipient` until the first did. `completeness` is deliveries received over
    deliveries expected, counting for each message the audience connected when it was sent."""

    url: str
    planned_connections: int
    elapsed_s: float
    stopped_by: StopReason
    handshakes_attempted: int
    handshakes_ok: int
    handshake_peak_per_second: int
    handshake: Percentiles | None
    messages_sent: int
    messages_complete: int
    deliveries_expected: int
    deliveries_received: int
    completeness: float | None
    first_recipient: Percentiles | None
    last_recipient: Percentiles | None
    scenario_waits: Percentiles | None
    frames_out: int
    frames_in: int
    errors: dict[ErrorKind, int]
    histogram: list[Bucket]
    thresholds: list[ThresholdResult] = field(default_factory=list)

    @property
    def interrupted(self) -> bool:
        return self.stopped_by is StopReason.STOPPED

    @property
    def held(self) -> bool:
        return all(result.held for result in self.thresholds)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def errors_in(self, group: str) -> dict[str, int]:
        return {str(kind): count for kind, count in sorted(self.errors.items()) if kind.group == group}

    def to_dict(self) -> dict[str, object]:
        document = asdict(self)
        del document["errors"]
        document["refusals"] = self.errors_in("refusal")
        document["closes"] = self.errors_in("close")
        document["error_frames"] = self.errors_in("frame")
        document["interrupted"] = self.interrupted
        document["held"] = self.held
        return document

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)
