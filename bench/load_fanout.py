"""Fan-out measured by `wstui load --local` against `wstui dev`: one sender broadcasting to a thousand clients.

    python bench/load_fanout.py [--connections 1000] [--rate 200] [--every 2] [--seconds 60]
                                [--latency off|cloud] [--one-at-a-time] [--compare]

The target is the scaffolded chat service under `wstui dev`, started as bench/load_generators.py starts
it (its own process, 127.0.0.1, the quota of new connections lifted). `wstui load --local` runs in the
project: it opens the connections at the rate, and its first client sends `sendmessage` every E seconds,
which the scaffolded handler broadcasts to every connection in the table. The run lasts the ramp plus S
seconds from the first handshake, so the broadcasts of the last S seconds each go to every client; the
first ones, sent while clients still connect, are expected only by those connected at the time.

Prints what `wstui load` reports (completeness, first- and last-recipient percentiles, handshake
percentiles), how `wstui dev` logged the broadcasts, and the CPU seconds of both processes. Asserts nothing.

`--latency cloud` runs `wstui dev` with its cloud latency profile; `--one-at-a-time` swaps the scaffolded
`sendmessage`'s parallel posts for a loop that posts to one connection after another. `--compare` runs
the three that tell the story side by side: scaffolded without and with the profile, and one at a time
with it (what a sequential broadcast costs in the cloud, invisible locally without the profile).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.chaos import INVOKED  # noqa: E402  (run as a script, the repository root is not on the path)
from bench.latency_broadcast import post_one_at_a_time  # noqa: E402
from bench.load_generators import _wstui_percentiles, echo_service  # noqa: E402
from bench.process_tree import ChildRun, run_measured, tree_cpu_seconds  # noqa: E402


@dataclass
class FanOut:
    """What one fan-out run measured: `wstui load`'s JSON report, its run, and what `wstui dev` did meanwhile."""

    duration: float
    report: dict[str, Any]
    load: ChildRun
    dev_cpu_seconds: float
    broadcasts: collections.Counter[str]  # sendmessage invocations in wstui dev's log, by outcome


def run_fanout(connections: int, rate: int, every: float, seconds: float, latency: str = "off",
               one_at_a_time: bool = False) -> FanOut:
    duration = connections / rate + seconds
    with echo_service("--latency", latency, edit=post_one_at_a_time if one_at_a_time else None) as dev:
        first_line = len(dev.lines)
        cpu_before = tree_cpu_seconds(dev.process.pid)
        command = [sys.executable, "-m", "wstui", "load", "--local", "--port", str(urlsplit(dev.url).port),
                   "--connections", str(connections), "--rate", str(rate), "--duration", f"{duration:g}s",
                   "--every", f"{every:g}s", "--senders", "1", "--json"]
        run = run_measured(command, dev.project)
        dev_cpu = tree_cpu_seconds(dev.process.pid) - cpu_before
        broadcasts = collections.Counter(
            found.group(3) for found in map(INVOKED.match, dev.lines[first_line:]) if found and found.group(1) == "sendmessage"
        )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"wstui load exited {run.exit_code} without a report: {run.stderr[-800:]}") from None
    return FanOut(duration, report, run, dev_cpu, broadcasts)


def print_run(args: argparse.Namespace, fan_out: FanOut) -> None:
    report, run = fan_out.report, fan_out.load
    print(f"{args.connections} connections at {args.rate}/s, one sender broadcasting every {args.every:g} s, "
          f"{fan_out.duration:g} s from the first handshake (ramp + {args.seconds:g} s)")
    print(f"wstui load: exit {run.exit_code}, {report['handshakes_ok']} of {report['handshakes_attempted']} handshakes, "
          f"stopped by {report['stopped_by']}, {run.wall_seconds:.1f} s wall")
    print(f"broadcasts: {report['messages_sent']} sent, {report['messages_complete']} complete; deliveries "
          f"{report['deliveries_received']} of {report['deliveries_expected']} (completeness {report['completeness']})")
    print(f"first recipient p50 / p95 / p99: {_wstui_percentiles(report['first_recipient'])}")
    print(f"last recipient p50 / p95 / p99:  {_wstui_percentiles(report['last_recipient'])}")
    print(f"handshake p50 / p95 / p99:       {_wstui_percentiles(report['handshake'])}")
    print("refusals, closes, error frames: " + "; ".join(str(report[group] or "none") for group in ("refusals", "closes", "error_frames")))
    print("sendmessage invocations in wstui dev's log: "
          + ", ".join(f"{status} {n}" for status, n in sorted(fan_out.broadcasts.items())))
    print(f"CPU seconds: wstui load {run.cpu_seconds:.1f} (peak {run.peak_rss_kb / 1024:.0f} MB), "
          f"wstui dev {fan_out.dev_cpu_seconds:.1f}")
    print(f"load: {Path('/proc/loadavg').read_text().split()[:3]} (1, 5, 15 min) on {os.cpu_count()} cores")


COMPARED = (("scaffolded", "off", False), ("scaffolded", "cloud", False), ("one at a time", "cloud", True))


def print_comparison(args: argparse.Namespace) -> None:
    """The three runs of `--compare` as one table, a column each."""
    columns = [(f"{variant}, latency {latency}", run_fanout(args.connections, args.rate, args.every, args.seconds,
                                                            latency, one_at_a_time))
               for variant, latency, one_at_a_time in COMPARED]
    rows = {
        "broadcasts complete": lambda f: f"{f.report['messages_complete']} of {f.report['messages_sent']}",
        "completeness": lambda f: f"{f.report['completeness']:.2%}",
        "first recipient p50/p95/p99": lambda f: _wstui_percentiles(f.report["first_recipient"]),
        "last recipient p50/p95/p99": lambda f: _wstui_percentiles(f.report["last_recipient"]),
        "sendmessage outcomes": lambda f: ", ".join(f"{status} {n}" for status, n in sorted(f.broadcasts.items())),
    }
    print(f"{args.connections} connections at {args.rate}/s, one sender broadcasting every {args.every:g} s, "
          f"ramp + {args.seconds:g} s")
    print("| | " + " | ".join(title for title, _ in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, cell in rows.items():
        print(f"| {name} | " + " | ".join(cell(fan_out) for _, fan_out in columns) + " |")
    print(f"load: {Path('/proc/loadavg').read_text().split()[:3]} (1, 5, 15 min) on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200, help="handshakes per second")
    parser.add_argument("--every", type=float, default=2, help="seconds between broadcasts")
    parser.add_argument("--seconds", type=float, default=60, help="how long the sender broadcasts once all are connected")
    parser.add_argument("--latency", choices=("off", "cloud"), default="off", help="wstui dev's latency profile")
    parser.add_argument("--one-at-a-time", action="store_true", help="sendmessage posts to one connection after another")
    parser.add_argument("--compare", action="store_true", help="scaffolded off, scaffolded cloud, one at a time cloud")
    args = parser.parse_args()
    if args.compare:
        print_comparison(args)
        return
    print_run(args, run_fanout(args.connections, args.rate, args.every, args.seconds, args.latency, args.one_at_a_time))

if __name__ == "__main__":
    main()
