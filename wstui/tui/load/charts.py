"""The Load area's live figures: connections open, frames per second out and in, and delivery latency
(the median of the deliveries of the last second), one point per snapshot (every half second), each
figure as `wstui load` shows it (`LastSecond`); and the errors so far by kind.

A run's snapshots come twice a second whatever the load, so drawing each one costs little.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from wstui.cli.load_render import LastSecond, counts, ms
from wstui.core.load import ErrorKind, LoadSnapshot
from wstui.tui.local.charts import Chart

POINTS = 240
"""Two minutes of snapshots."""


class LoadCharts(Vertical):
    def __init__(self, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id)
        self.open: deque[float] = deque(maxlen=POINTS)
        self.out: deque[float] = deque(maxlen=POINTS)
        self.in_: deque[float] = deque(maxlen=POINTS)
        self.latency: deque[float] = deque(maxlen=POINTS)
        self.last_second: deque[LoadSnapshot] = deque(maxlen=2)

    def compose(self) -> ComposeResult:
        with Horizontal(id="load-chart-row"):
            yield Chart("Open", id="load-open")
            yield Chart("Out /s", id="load-out")
            yield Chart("In /s", id="load-in")
            yield Chart("Delivery", id="load-latency")
        yield Label(self.errors_text({}), id="load-errors")

    def clear(self) -> None:
        for series in (self.open, self.out, self.in_, self.latency, self.last_second):
            series.clear()
        for chart in self.query(Chart):
            chart.show([], "")
        self.query_one("#load-errors", Label).update(self.errors_text({}))

    def show(self, snapshot: LoadSnapshot) -> None:
        self.last_second.append(snapshot)
        recent = LastSecond.of(self.last_second)
        self.open.append(snapshot.connections_open)
        self.out.append(recent.out_per_s)
        self.in_.append(recent.in_per_s)
        if recent.delivery_p50 is not None:
            self.latency.append(recent.delivery_p50)
        self.query_one("#load-open", Chart).show(self.open, f"{snapshot.connections_open:,} of {snapshot.connections_planned:,}")
        self.query_one("#load-out", Chart).show(self.out, f"{recent.out_per_s:,.0f}")
        self.query_one("#load-in", Chart).show(self.in_, f"{recent.in_per_s:,.0f}")
        self.query_one("#load-latency", Chart).show(self.latency, ms(self.latency[-1]) if self.latency else "-")
        self.query_one("#load-errors", Label).update(self.errors_text(snapshot.errors))

    @staticmethod
    def errors_text(errors: Mapping[ErrorKind, int]) -> Text:
        return Text.assemble(("Errors ", "bold"), (counts(errors), "red" if errors else ""))
