"""A session's figures on one line under its status: frames per second each way, the reply time of
two-way routes, and received frames per second over the last two minutes (Textual's `Sparkline`).

Redrawn once a second from `wstui.core.console.rates`, whatever the traffic: under a flood of
thousands of frames per second it costs one small redraw a second per session.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Sparkline

from wstui.core.console.rates import SessionRates
from wstui.tui.sparkline import sparkline_data

TICK_SECONDS = 1.0


class RatesBar(Horizontal):
    def __init__(self, rates: SessionRates) -> None:
        super().__init__(classes="session-rates")
        self.rates = rates

    def compose(self) -> ComposeResult:
        yield Label("in 0/s  out 0/s", classes="rates-figures")
        yield Sparkline([])

    def on_mount(self) -> None:
        self.set_interval(TICK_SECONDS, self.tick)

    def tick(self) -> None:
        rates = self.rates
        rates.tick()
        reply = f"  reply {rates.last_round_trip_ms:,.1f} ms" if rates.last_round_trip_ms is not None else ""
        self.query_one(".rates-figures", Label).update(
            f"in {rates.received.latest:,.0f}/s  out {rates.sent.latest:,.0f}/s{reply}"
        )
        self.query_one(Sparkline).data = sparkline_data(rates.received.values)
