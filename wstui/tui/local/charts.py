"""The Local area's charts: open connections, frames in and out per second, and each route's handler
latency, over the last two minutes (Textual's `Sparkline`, one bar group per second).

The figures come from `wstui.core.local.stats`; these widgets only draw them, once a second, so a
busy gateway costs the screen one small redraw per chart per second, whatever the traffic.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Sparkline

from wstui.cli.verbatim import verbatim
from wstui.core.local.stats import ActivityStats, RouteLatency
from wstui.tui.sparkline import sparkline_data


class Chart(Vertical):
    """One series under a title that carries its latest value."""

    def __init__(self, title: str, *, id: str) -> None:  # noqa: A002
        super().__init__(id=id, classes="chart")
        self.title = title
        self.border_title = title

    def compose(self) -> ComposeResult:
        yield Sparkline([])

    def show(self, values: Sequence[float], latest: str) -> None:
        self.border_title = f"{self.title} {latest}"
        self.query_one(Sparkline).data = sparkline_data(values)


class RouteRow(Horizontal):
    """A route's p50 and p95 over the recent seconds, and its p95 second by second."""

    def __init__(self, route: str) -> None:
        super().__init__(classes="route-latency")
        self.route = route

    def compose(self) -> ComposeResult:
        yield Label(verbatim(self.route), classes="route-figures")
        yield Sparkline([])

    def show(self, latency: RouteLatency) -> None:
        p50, p95 = latency.percentile(0.5), latency.percentile(0.95)
        figures = f"{p50:6.1f} {p95:6.1f}" if p50 is not None and p95 is not None else "  idle"
        text = verbatim(f"{self.route:<13.13} ")
        text.append(figures)
        self.query_one(".route-figures", Label).update(text)
        self.query_one(Sparkline).data = sparkline_data(latency.p95_per_second)


class ActivityCharts(Horizontal):
    def compose(self) -> ComposeResult:
        yield Chart("Connections", id="chart-connections")
        yield Chart("In /s", id="chart-in")
        yield Chart("Out /s", id="chart-out")
        yield VerticalScroll(id="chart-latency")

    def on_mount(self) -> None:
        self.query_one("#chart-latency").border_title = "Handler ms: p50 p95 (last 10 s), p95 per second"

    def show(self, stats: ActivityStats) -> None:
        connections = stats.connections[-1] if stats.connections else 0
        self.query_one("#chart-connections", Chart).show(stats.connections, f"{connections:,}")
        self.query_one("#chart-in", Chart).show(stats.received.values, f"{stats.received.latest:,.0f}")
        self.query_one("#chart-out", Chart).show(stats.sent.values, f"{stats.sent.latest:,.0f}")
        rows = {row.route: row for row in self.query(RouteRow)}
        latency = self.query_one("#chart-latency", VerticalScroll)
        for route, figures in stats.routes.items():
            row = rows.get(route)
            if row is None:
                row = RouteRow(route)
                latency.mount(row)
                row.call_after_refresh(row.show, figures)
            else:
                row.show(figures)
