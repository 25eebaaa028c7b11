"""How `wstui load` shows a run: a live Rich view in a terminal, a plain line a second otherwise, a
summary at the end (or one JSON document with --json). The URL reaches Rich only as `verbatim` text."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from wstui.cli.verbatim import verbatim
from wstui.core.load import LoadEvent, LoadFinished, LoadPlan, LoadReport, LoadSnapshot, LoadStarted, LoadStopping, Percentiles

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 60
BAR_WIDTH = 40


def sparkline(values: list[float]) -> str:
    if not values:
        return ""
    top = max(values) or 1.0
    return "".join(SPARKS[min(len(SPARKS) - 1, int(value / top * (len(SPARKS) - 1)))] for value in values)


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} ms"


def counts(by_kind: Mapping[str, int]) -> str:
    """Errors by kind, in the kinds' order: "close-1006 3, http-429 1", or "none"."""
    return ", ".join(f"{kind} {count}" for kind, count in sorted(by_kind.items())) or "none"


def percentiles(figures: Percentiles | None) -> str:
    if figures is None:
        return "-"
    return f"p50 {ms(figures.p50)}  p95 {ms(figures.p95)}  p99 {ms(figures.p99)}  max {ms(figures.max)}"


@dataclass(frozen=True)
class LastSecond:
    """The figures of the last second's snapshots (they come every half second), as the CLI and the app
    show them: frames per second out and in (half a second alone swings with a sender's beat), and the
    median latency of the deliveries in it (None: there were none)."""

    out_per_s: float
    in_per_s: float
    delivery_p50: float | None

    @staticmethod
    def of(snapshots: Sequence[LoadSnapshot]) -> LastSecond:
        recent = sorted(latency for seen in snapshots for latency in seen.recent_latencies_ms)
        return LastSecond(
            sum(seen.frames_out_per_s for seen in snapshots) / len(snapshots),
            sum(seen.frames_in_per_s for seen in snapshots) / len(snapshots),
            recent[len(recent) // 2] if recent else None,
        )


def what_it_sends(plan: LoadPlan) -> str:
    """What a run will send, said before loading a URL that is not on this machine (CLI and app alike)."""
    return (f"This run opens {plan.connections} connections to {plan.target.shown_url} at up to {plan.rate:g} per second "
            f"and holds them {plan.duration:g} s ({plan.connection_minutes:.1f} connection-minutes); it sends up to "
            f"{plan.messages} messages, up to {plan.deliveries} deliveries.")


class LoadRenderer:
    def __init__(self, plan: LoadPlan, as_json: bool, console: Console | None = None) -> None:
        self.plan = plan
        self.as_json = as_json
        self.console = console or Console(highlight=False)
        self.live_view = not as_json and self.console.is_terminal
        self.live: Live | None = None
        self.url = plan.target.shown_url
        self.latency_history: deque[float] = deque(maxlen=SPARK_WIDTH)
        self.last_second: deque[LoadSnapshot] = deque(maxlen=2)  # snapshots come every 0.5 s
        self.last_line = -1

    def __enter__(self) -> LoadRenderer:
        if self.live_view:
            self.live = Live(Text(""), console=self.console, refresh_per_second=4, transient=True)
            self.live.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.live is not None:
            self.live.stop()

    def show(self, event: LoadEvent) -> None:
        """Called from the run's thread for every event."""
        if self.as_json:
            return
        match event:
            case LoadStarted(url=url, connections=connections, workers=workers):
                self._say(f"Loading {url} with {connections} connections" + (f" from {workers} workers." if workers > 1 else "."))
            case LoadSnapshot():
                self._snapshot(event)
            case LoadStopping(reason=reason, drain_s=drain):
                self._say(f"Stopping ({reason}): waiting up to {drain:g} s for deliveries on their way, then closing.")
            case LoadFinished():
                pass

    def _say(self, line: str) -> None:
        self.console.print(verbatim(line), soft_wrap=True)

    def _snapshot(self, snapshot: LoadSnapshot) -> None:
        self.last_second.append(snapshot)
        recent = LastSecond.of(self.last_second)
        if recent.delivery_p50 is not None:
            self.latency_history.append(recent.delivery_p50)
        if self.live is not None:
            self.live.update(self._view(snapshot))
            return
        second = int(snapshot.elapsed_s)
        if second != self.last_line:
            self.last_line = second
            latency = f"  delivery p50 {ms(recent.delivery_p50)}" if recent.delivery_p50 is not None else ""
            self.console.print(
                f"{snapshot.elapsed_s:6.1f}s  open {snapshot.connections_open}/{snapshot.connections_planned}  "
                f"{self._rates()}  errors {snapshot.error_count}{latency}", markup=False,
            )

    def _rates(self) -> str:
        recent = LastSecond.of(self.last_second)
        return f"out {recent.out_per_s:,.0f}/s  in {recent.in_per_s:,.0f}/s"

    def _view(self, snapshot: LoadSnapshot) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        table.add_row("Target", verbatim(self.url))
        table.add_row("Elapsed", f"{snapshot.elapsed_s:.1f} s of {self.plan.duration:g} s")
        table.add_row("Connections", f"{snapshot.connections_open} open of {snapshot.connections_planned}"
                                     f" ({snapshot.handshakes_ok} handshakes)")
        table.add_row("Frames", self._rates())
        table.add_row("Messages", f"{snapshot.messages_sent} sent")
        table.add_row("Errors", Text(counts(snapshot.errors), style="red" if snapshot.errors else ""))
        latest = ms(self.latency_history[-1]) if self.latency_history else "-"
        table.add_row("Delivery", Text(f"{sparkline(list(self.latency_history))}  p50 {latest}", style="cyan"))
        table.add_row("", Text("Ctrl-C stops and prints the summary so far.", style="dim"))
        return table

    def finish(self, report: LoadReport) -> None:
        if self.as_json:
            sys.stdout.write(report.to_json() + "\n")
            return
        self.console.print(summary(report))


def summary(report: LoadReport) -> Group:
    figures = Table.grid(padding=(0, 2))
    figures.add_column(style="bold")
    figures.add_column()
    state = " (stopped early)" if report.interrupted else ""
    figures.add_row("Target", verbatim(report.url))
    figures.add_row("Ran", f"{report.elapsed_s:.1f} s{state}")
    figures.add_row("Handshakes", f"{report.handshakes_ok} of {report.handshakes_attempted} ok, at most "
                                  f"{report.handshake_peak_per_second} in one second")
    figures.add_row("Handshake", percentiles(report.handshake))
    figures.add_row("Messages", f"{report.messages_sent} sent, {report.messages_complete} reached everyone expected")
    figures.add_row("First recipient", percentiles(report.first_recipient))
    figures.add_row("Last recipient", percentiles(report.last_recipient))
    if report.scenario_waits is not None:
        figures.add_row("Scenario waits", percentiles(report.scenario_waits))
    completeness = "-" if report.completeness is None else f"{report.completeness:.2%}"
    figures.add_row("Completeness", f"{completeness} ({report.deliveries_received} of {report.deliveries_expected} deliveries)")
    figures.add_row("Frames", f"{report.frames_out} out, {report.frames_in} in")
    for title, group in (("Refusals", "refusal"), ("Closes", "close"), ("Error frames", "frame")):
        by_kind = report.errors_in(group)
        figures.add_row(title, Text(counts(by_kind), style="red" if by_kind else ""))
    parts: list[Table | Text] = [figures]
    if any(bucket.count for bucket in report.histogram):
        parts += [Text("\nDelivery latency, every recipient", style="bold"), histogram_table(report)]
    if report.thresholds:
        parts.append(Text("\nThresholds", style="bold"))
        for result in report.thresholds:
            unit = " ms" if "p9" in result.name else ""
            actual = "nothing measured" if result.actual is None else f"{result.actual:g}{unit}"
            verdict = Text("held", style="green") if result.held else Text("NOT held", style="bold red")
            parts.append(Text.assemble(f"  {result.name} {result.limit:g}{unit}: {actual}  ", verdict))
    return Group(*parts)


def histogram_table(report: LoadReport) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right")
    table.add_column()
    table.add_column(justify="right")
    buckets = report.histogram
    last = max(i for i, bucket in enumerate(buckets) if bucket.count)
    top = max(bucket.count for bucket in buckets)
    for bucket in buckets[: last + 1]:
        label = f"≤ {bucket.le_ms:g} ms" if bucket.le_ms is not None else "longer"
        table.add_row(label, Text("█" * round(bucket.count / top * BAR_WIDTH), style="cyan"), str(bucket.count))
    return table
