"""What a load generator costs: `wstui load` and Artillery 2's WebSocket engine, the same workload, side by side.

    python bench/load_generators.py [--connections 1000] [--rate 200] [--duration 60] [--every 5] [--tools artillery,wstui]

The target is the scaffolded chat service under `wstui dev` (its own process, 127.0.0.1, the quota of
new connections lifted), plus an `echo` route added for this benchmark only: two-way, its handler
answers the sender with the frame it sent. The workload is issue 13's: N connections opened at R per
second, each held for S seconds and sending one frame to `echo` every E seconds (5 by default).

Each generator runs as a child process. Measured the same way for both: CPU seconds (user + sys of the
child and its descendants, from getrusage after it is reaped), peak memory (the sum of the process
tree's RSS, sampled every 0.2 s), and from `wstui dev`'s own log the handshake rate the gateway saw,
the most connections open at once and the echoes it answered. Then the latency figures each tool itself
reports. Artillery is installed on first use into bench/.artillery (git-ignored), never as a dependency
of wstui. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import websocket

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.chaos import DevProcess  # noqa: E402  (run as a script, the repository root is not on the path)
from bench.process_tree import run_measured, tree_cpu_seconds  # noqa: E402

ARTILLERY_HOME = Path(__file__).resolve().parent / ".artillery"
ARTILLERY_BIN = ARTILLERY_HOME / "node_modules" / "artillery" / "bin" / "run"

ECHO_HANDLER = '''\
def handle(event, context):
    """Two-way route: the frame goes back to its sender as the route response."""
    return {"statusCode": 200, "body": event["body"]}
'''
# Artillery's `ws` engine records no latency of its own (engine_ws.js emits only counters); these two
# steps time each echo as a custom histogram, `echo.round_trip`, so that both tools report the same figure.
ECHO_TIMING_JS = """\
module.exports = {
  stampSend(context, events, done) { context.vars.sentAt = process.hrtime.bigint(); return done(); },
  recordEcho(context, events, done) {
    events.emit('histogram', 'echo.round_trip', Number(process.hrtime.bigint() - context.vars.sentAt) / 1e6);
    return done();
  },
};
"""
ECHO_LATENCY = "echo round trip p50 / p95 / p99"
FAN_OUT_ARTILLERY = (
    "no: its ws engine counts frames sent and received (websocket.messages_sent / messages_received) and "
    "can wait for one frame matching a JSON path per send, but records no message latency and has no notion of a "
    "message's recipients (engine_ws.js in @artilleryio/int-core, as installed with artillery 2.0.21; "
    "artillery.io/docs/reference/engines/websocket lists only connect, send, think, loop, function)"
)


@dataclass(frozen=True)
class Workload:
    connections: int
    rate: int
    duration: float  # how long each connection is held
    every: float

    @property
    def sends(self) -> int:
        """Frames each connection sends while it is held."""
        return max(1, int(self.duration // self.every))

    def describe(self) -> str:
        return (f"{self.connections} connections opened at {self.rate}/s, each held {self.duration:g} s and sending "
                f"to `echo` every {self.every:g} s")


@dataclass
class GatewayFigures:
    """What `wstui dev` saw while one generator ran: the same ruler for every tool."""

    connections_opened: int
    handshake_rate: float | None  # None with fewer than two handshakes
    most_open: int
    echoes_answered: int
    echo_failures: int
    refused: int
    server_cpu_seconds: float


@dataclass
class GeneratorResult:
    tool: str
    available: bool
    note: str = ""
    cpu_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    wall_seconds: float = 0.0
    exit_code: int = 0
    frames_sent: int = 0
    frames_received: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    reported: dict[str, str] = field(default_factory=dict)  # figure -> its value, as the tool itself reports it
    fan_out: str = ""
    gateway: GatewayFigures | None = None


def gateway_figures(dev: DevProcess, first_line: int, cpu_before: float) -> GatewayFigures:
    """Read `wstui dev`'s log from `first_line` on. The handshake rate is over the time between the first and
    the last connection the gateway accepted, as each line arrived here."""
    with dev.changed:
        lines = dev.lines[first_line:]
        arrived = dev.arrived[first_line:]
    opened_at = [at for line, at in zip(lines, arrived) if line.startswith("+ ")]
    open_now: set[str] = set()
    most_open = 0
    for line in lines:
        if line.startswith("+ "):
            open_now.add(line.split()[1])
            most_open = max(most_open, len(open_now))
        elif line.startswith("- "):
            open_now.discard(line.split()[1])
    echo = [line.split()[2] for line in lines if line.startswith("  echo ")]
    span = opened_at[-1] - opened_at[0] if len(opened_at) > 1 else 0.0
    return GatewayFigures(
        connections_opened=len(opened_at),
        handshake_rate=(len(opened_at) - 1) / span if span else None,
        most_open=most_open,
        echoes_answered=echo.count("ok"),
        echo_failures=len(echo) - echo.count("ok"),
        refused=sum(line.startswith("x ") for line in lines),
        server_cpu_seconds=tree_cpu_seconds(dev.process.pid) - cpu_before,
    )


def ensure_artillery() -> None:
    if ARTILLERY_BIN.exists():
        return
    if shutil.which("npm") is None:
        raise SystemExit("Artillery is installed with npm, which is not on PATH.")
    ARTILLERY_HOME.mkdir(exist_ok=True)
    print(f"installing artillery@2 into {ARTILLERY_HOME} (for this benchmark only)...", flush=True)
    # Its Playwright dependency would download Chromium; the ws engine does not need it.
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "artillery@2"], cwd=ARTILLERY_HOME, check=True,
                   env={**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"})


def artillery_script(url: str, workload: Workload, timed: bool) -> str:
    """One arrival phase that opens the connections at the rate; each virtual user then sends, waits for its
    echo (matched on the route key), and thinks until the next send. `timed` wraps each send in the two
    function steps of ECHO_TIMING_JS."""
    send = {"send": {"payload": '{"message": "echo", "data": "frame {{ $loopCount }}"}',
                     "match": {"json": "$.message", "value": "echo"}}}
    steps = [{"function": "stampSend"}, send, {"function": "recordEcho"}] if timed else [send]
    config = {
        "target": url,
        "phases": [{"duration": workload.connections / workload.rate, "arrivalRate": workload.rate,
                    "maxVusers": workload.connections}],
    }
    if timed:
        config["processor"] = "./echo_timing.js"
    return json.dumps({
        "config": config,
        "scenarios": [{"engine": "ws", "flow": [{"loop": [*steps, {"think": workload.every}], "count": workload.sends}]}],
    }, indent=2)  # JSON is YAML: Artillery reads it as its script


def _percentiles(summary: dict[str, float]) -> str:
    return f"{summary['p50']:.1f} / {summary['p95']:.1f} / {summary['p99']:.1f} ms (n={summary['count']})"


def run_artillery(url: str, workload: Workload, timed: bool = True) -> GeneratorResult:
    ensure_artillery()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "echo.json").write_text(artillery_script(url, workload, timed))
        (work / "echo_timing.js").write_text(ECHO_TIMING_JS)
        env = {**os.environ, "ARTILLERY_DISABLE_TELEMETRY": "true"}
        run = run_measured(["node", str(ARTILLERY_BIN), "run", "--output", "report.json", "echo.json"], work, env)
        if run.exit_code != 0 or not (work / "report.json").exists():
            return GeneratorResult("Artillery 2", True, f"exited {run.exit_code}: {run.stderr[-500:]}",
                                   exit_code=run.exit_code)
        aggregate = json.loads((work / "report.json").read_text())["aggregate"]
    version = json.loads((ARTILLERY_BIN.parents[1] / "package.json").read_text())["version"]
    counters, summaries = aggregate["counters"], aggregate["summaries"]
    reported = {"vusers.session_length p50 / p95 / p99": _percentiles(summaries["vusers.session_length"])}
    if "echo.round_trip" in summaries:
        reported[ECHO_LATENCY] = f"{_percentiles(summaries['echo.round_trip'])}, custom histogram"
    return GeneratorResult(
        tool=f"Artillery {version} (ws engine{'' if timed else ', no timing steps'})",
        available=True,
        note=f"{counters.get('vusers.created', 0)} virtual users created, {counters.get('vusers.completed', 0)} "
             f"completed, {counters.get('vusers.failed', 0)} failed",
        cpu_seconds=run.cpu_seconds,
        peak_memory_mb=run.peak_rss_kb / 1024,
        wall_seconds=run.wall_seconds,
        exit_code=run.exit_code,
        frames_sent=counters.get("websocket.messages_sent", 0),
        frames_received=counters.get("websocket.messages_received", 0),
        errors={name.removeprefix("errors."): n for name, n in counters.items() if name.startswith("errors.")},
        reported=reported,
        fan_out=FAN_OUT_ARTILLERY,
    )


def _wstui_percentiles(figures: dict[str, float] | None) -> str:
    return "-" if figures is None else _percentiles(figures)


def run_wstui_load(url: str, workload: Workload) -> GeneratorResult:
    """The same workload through `wstui load`: every client sends (an echo: `--expect sender`), and since its
    --duration runs from the first handshake, it is the arrival time plus the time each connection is held."""
    probe = subprocess.run([sys.executable, "-m", "wstui", "load", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        return GeneratorResult("wstui load", False, "wstui load not available (no `load` command in this wstui)")
    command = [sys.executable, "-m", "wstui", "load", url, "--connections", str(workload.connections),
               "--rate", str(workload.rate), "--duration", f"{workload.connections / workload.rate + workload.duration:g}s",
               "--send", '{"message": "echo", "data": "{id}"}', "--every", f"{workload.every:g}s",
               "--senders", str(workload.connections), "--expect", "sender", "--json"]
    run = run_measured(command, Path.cwd())
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        return GeneratorResult("wstui load", True, f"exited {run.exit_code}, no JSON: {run.stderr[-500:]}",
                               exit_code=run.exit_code)
    errors = {f"{group} {kind}": n for group in ("refusals", "closes", "error_frames")
              for kind, n in report.get(group, {}).items()}
    return GeneratorResult(
        tool="wstui load",
        available=True,
        note=f"{report['handshakes_ok']} of {report['handshakes_attempted']} handshakes, stopped by {report['stopped_by']}",
        cpu_seconds=run.cpu_seconds,
        peak_memory_mb=run.peak_rss_kb / 1024,
        wall_seconds=run.wall_seconds,
        exit_code=run.exit_code,
        frames_sent=report["frames_out"],
        frames_received=report["frames_in"],
        errors=errors,
        reported={"handshake p50 / p95 / p99": _wstui_percentiles(report["handshake"]),
                 ECHO_LATENCY: _wstui_percentiles(report["last_recipient"]),
                 "completeness": str(report["completeness"])},
        fan_out=f"yes: completeness {report['completeness']} ({report['deliveries_received']} of "
                f"{report['deliveries_expected']} deliveries); first- and last-recipient percentiles",
    )


def print_table(workload: Workload, results: list[GeneratorResult]) -> None:
    print(f"\nworkload: {workload.describe()}")
    for result in results:
        if not result.available:
            print(f"{result.tool}: {result.note}")
    shown = [result for result in results if result.available]
    if not shown:
        return
    rows: list[tuple[str, list[str]]] = [
        ("generator CPU seconds (user+sys)", [f"{r.cpu_seconds:.1f}" for r in shown]),
        ("generator peak memory (tree RSS)", [f"{r.peak_memory_mb:.0f} MB" for r in shown]),
        ("wall time", [f"{r.wall_seconds:.1f} s" for r in shown]),
        ("exit code", [str(r.exit_code) for r in shown]),
        ("frames sent / received (tool's count)", [f"{r.frames_sent} / {r.frames_received}" for r in shown]),
        ("errors (tool's count)", [", ".join(f"{k} {v}" for k, v in r.errors.items()) or "none" for r in shown]),
    ]
    gateways = [r.gateway for r in shown]
    if all(gateways):
        rows += [
            ("gateway: connections accepted", [str(g.connections_opened) for g in gateways if g]),
            ("gateway: handshake rate sustained", [f"{g.handshake_rate:.0f}/s" if g.handshake_rate else "-" for g in gateways if g]),
            ("gateway: most connections open at once", [str(g.most_open) for g in gateways if g]),
            ("gateway: echoes answered (failed)", [f"{g.echoes_answered} ({g.echo_failures})" for g in gateways if g]),
            ("gateway: handshakes refused", [str(g.refused) for g in gateways if g]),
            ("wstui dev CPU seconds meanwhile", [f"{g.server_cpu_seconds:.1f}" for g in gateways if g]),
        ]
    names = sorted({name for r in shown for name in r.reported})
    rows += [(f"reported: {name}", [r.reported.get(name, "not reported") for r in shown]) for name in names]
    rows.insert(0, ("", [r.tool for r in shown]))
    width = max(len(label) for label, _ in rows)
    columns = [max(len(cells[index]) for _, cells in rows) for index in range(len(shown))]
    for label, cells in rows:
        print(f"{label:<{width}}  " + " | ".join(f"{cell:<{column}}" for cell, column in zip(cells, columns)))
    for r in shown:
        if r.note:
            print(f"{r.tool}: {r.note}")
        print(f"{r.tool}: can it report fan-out completeness? {r.fan_out}")


def scaffold(into: Path) -> Path:
    """The chat service plus the benchmark's two-way `echo` route."""
    subprocess.run([sys.executable, "-m", "wstui", "new", "chat", "--no-input", "-o", str(into)], check=True,
                   capture_output=True)
    project = into / "chat"
    (project / "handlers" / "echo.py").write_text(ECHO_HANDLER)
    subprocess.run([sys.executable, "-m", "wstui", "routes", "add", "echo", "--handler", "handlers.echo:handle",
                    "--two-way"], cwd=project, check=True, capture_output=True)
    return project


def check_echo(url: str) -> None:
    frame = json.dumps({"message": "echo", "data": "check"})
    client = websocket.create_connection(url, timeout=30)
    try:
        client.send(frame)
        answer = client.recv()
    finally:
        client.close()
    if answer != frame:
        raise SystemExit(f"the echo route answered {answer!r} instead of {frame!r}")


@contextlib.contextmanager
def echo_service(*dev_options: str, edit: Callable[[Path], None] | None = None) -> Iterator[DevProcess]:
    """`wstui dev` (with `dev_options`) serving the chat service with its echo route, checked with one
    client before use; `edit` changes the scaffolded project first."""
    with tempfile.TemporaryDirectory() as scratch:
        project = scaffold(Path(scratch))
        if edit is not None:
            edit(project)
        dev = DevProcess.start(project, *dev_options)
        try:
            check_echo(dev.url)
            # The check's own lines reach the log a moment after its answer: wait for them, or the first
            # generator's figures would count the check's echo as one of its own.
            dev.wait_for(lambda: any(line.startswith("  echo ") for line in dev.lines) and all_closed(dev, 0), 60)
            yield dev
        finally:
            dev.stop()


def all_closed(dev: DevProcess, first_line: int) -> bool:
    """Whether every connection `wstui dev` logged as opened from `first_line` on has been logged as closed."""
    window = dev.lines[first_line:]
    opened = {line.split()[1] for line in window if line.startswith("+ ")}
    return opened <= {line.split()[1] for line in window if line.startswith("- ")}


def drive(dev: DevProcess, generator: Callable[[str, Workload], GeneratorResult], url: str,
          workload: Workload) -> GeneratorResult:
    """Run one generator against `dev`; its gateway figures are read once every connection it opened has
    closed, so the next generator starts on an empty gateway."""
    first_line = len(dev.lines)
    cpu_before = tree_cpu_seconds(dev.process.pid)
    result = generator(url, workload)
    if result.available:
        dev.wait_for(lambda: all_closed(dev, first_line), 120)
        result.gateway = gateway_figures(dev, first_line, cpu_before)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200, help="handshakes per second")
    parser.add_argument("--duration", type=float, default=60, help="seconds each connection is held")
    parser.add_argument("--every", type=float, default=5, help="seconds between one connection's frames")
    parser.add_argument("--tools", default="artillery,wstui",
                        help="generators to run, in order: artillery, artillery-plain (without the timing steps), wstui")
    args = parser.parse_args()
    workload = Workload(args.connections, args.rate, args.duration, args.every)
    generators = {"artillery": run_artillery, "artillery-plain": functools.partial(run_artillery, timed=False),
                  "wstui": run_wstui_load}
    with echo_service() as dev:
        print(f"wstui dev at {dev.url}: the echo route answers its sender", flush=True)
        results = [drive(dev, generators[name], dev.url, workload) for name in args.tools.split(",")]
    print_table(workload, results)
    print(f"load: {Path('/proc/loadavg').read_text().split()[:3]} (1, 5, 15 min) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
