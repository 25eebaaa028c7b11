"""The merged samples of every driver, and the figures made from them: snapshots and the report.

Deliveries are matched by message number: a message's audience is fixed at the moment it was sent
(every client connected then, or its sender), so a client that connects later is neither expected
nor counted, and one that goes away before its copy arrives counts as missed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from wstui.core.load.events import LoadSnapshot
from wstui.core.load.kinds import ErrorKind
from wstui.core.load.plan import Audience, LoadPlan
from wstui.core.load.report import LoadReport, Percentiles, StopReason, check_thresholds, histogram
from wstui.core.load.samples import SampleBatch

RECENT_LATENCIES = 200


class Tally:
    def __init__(self, plan: LoadPlan, started: float) -> None:
        self.plan = plan
        self.started = started
        self.attempts: list[float] = []
        self.handshakes: list[float] = []
        self.opened: dict[int, float] = {}
        self.closed: dict[int, float] = {}
        self.sent: dict[int, tuple[int, float]] = {}
        self.received: defaultdict[int, dict[int, float]] = defaultdict(dict)
        self.errors: Counter[ErrorKind] = Counter()
        self.waits: list[float] = []
        self.frames_out = 0
        self.frames_in = 0
        self.finished = 0
        self.first_attempt: float | None = None  # the duration counts from here: worker processes take a while to start
        self._since = started
        self._out_since = 0
        self._in_since = 0
        self._recent: list[float] = []

    def add(self, batch: SampleBatch) -> None:
        self.attempts += batch.attempts
        if batch.attempts and self.first_attempt is None:
            self.first_attempt = min(batch.attempts)
        self.handshakes += batch.handshakes
        self.opened.update(batch.opened)
        self.closed.update(batch.closed)
        for n, client, at in batch.sent:
            self.sent[n] = (client, at)
        for n, client, at in batch.received:
            copies = self.received[n]
            if client not in copies:
                copies[client] = at
                if n in self.sent:
                    self._recent.append(at - self.sent[n][1])
        self.errors.update(batch.errors)
        self.waits += batch.waits
        self.frames_out += batch.frames_out
        self.frames_in += batch.frames_in
        self.finished += batch.finished
        self._out_since += batch.frames_out
        self._in_since += batch.frames_in

    def snapshot(self, now: float) -> LoadSnapshot:
        """The run now; rates and latencies over the time since the last snapshot."""
        interval = max(now - self._since, 1e-6)
        recent = tuple(round(seconds * 1000, 3) for seconds in self._recent[-RECENT_LATENCIES:])
        snapshot = LoadSnapshot(
            elapsed_s=now - self.started,
            connections_open=len(self.opened) - len(self.closed.keys() & self.opened.keys()),
            connections_planned=self.plan.connections,
            handshakes_ok=len(self.handshakes),
            messages_sent=len(self.sent),
            frames_out_per_s=self._out_since / interval,
            frames_in_per_s=self._in_since / interval,
            errors=dict(self.errors),
            recent_latencies_ms=recent,
        )
        self._since, self._out_since, self._in_since, self._recent = now, 0, 0, []
        return snapshot

    def audience(self, sender: int, sent_at: float) -> list[int]:
        if self.plan.audience is Audience.SENDER:
            return [sender]
        return [client for client, at in self.opened.items() if at <= sent_at and self.closed.get(client, math.inf) >= sent_at]

    def outstanding(self) -> int:
        """Copies still expected by clients that are still connected: what a drain waits for."""
        return sum(
            1
            for n, (sender, at) in self.sent.items()
            for client in self.audience(sender, at)
            if client not in self.received.get(n, {}) and client not in self.closed
        )

    def report(self, now: float, stopped_by: StopReason) -> LoadReport:
        first: list[float] = []
        last: list[float] = []
        every: list[float] = []
        expected_total = received_total = complete = 0
        for n, (sender, at) in self.sent.items():
            expected = self.audience(sender, at)
            copies = self.received.get(n, {})
            delays = [copies[client] - at for client in expected if client in copies]
            expected_total += len(expected)
            received_total += len(delays)
            complete += len(delays) == len(expected)
            if delays:
                first.append(min(delays))
                last.append(max(delays))
                every += delays
        completeness = received_total / expected_total if expected_total else None
        handshake = Percentiles.of(self.handshakes)
        last_recipient = Percentiles.of(last)
        return LoadReport(
            url=self.plan.target.shown_url,
            planned_connections=self.plan.connections,
            elapsed_s=round(now - self.started, 3),
            stopped_by=stopped_by,
            handshakes_attempted=len(self.attempts),
            handshakes_ok=len(self.handshakes),
            handshake_peak_per_second=peak_per_second(self.attempts),
            handshake=handshake,
            messages_sent=len(self.sent),
            messages_complete=complete,
            deliveries_expected=expected_total,
            deliveries_received=received_total,
            completeness=completeness,
            first_recipient=Percentiles.of(first),
            last_recipient=last_recipient,
            scenario_waits=Percentiles.of(self.waits),
            frames_out=self.frames_out,
            frames_in=self.frames_in,
            errors=dict(self.errors),
            histogram=histogram(every),
            thresholds=check_thresholds(self.plan.thresholds, last_recipient, handshake, completeness, sum(self.errors.values())),
        )


def peak_per_second(starts: list[float]) -> int:
    """The most handshakes started within any one second (a window [t, t + 1))."""
    ordered = sorted(starts)
    peak = low = 0
    for high, start in enumerate(ordered):
        while start - ordered[low] >= 1.0:
            low += 1
        peak = max(peak, high - low + 1)
    return peak
