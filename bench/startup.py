"""Start-up time of the commands a user runs most: prints the median and spread over several runs.

    python bench/startup.py [--runs 15]

Figures to reach: `wstui --help` under 150 ms and `wstui synth` of the seed's service under 500 ms
(issue 2); `wstui new chat --no-input` under 1 s (issue 3).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "examples" / "chat"
WSTUI = [sys.executable, "-m", "wstui"]
SCRATCH = Path(tempfile.mkdtemp(prefix="wstui-bench-"))
# Each command is built per run, so `new` gets a fresh output directory every time.
COMMANDS: dict[str, Callable[[int], list[str]]] = {
    "python -c pass (floor)": lambda _: [sys.executable, "-c", "pass"],
    "wstui --help": lambda _: [*WSTUI, "--help"],
    "wstui routes list --json": lambda _: [*WSTUI, "--project", str(EXAMPLE), "routes", "list", "--json"],
    "wstui synth (seed service)": lambda _: [*WSTUI, "--project", str(EXAMPLE), "synth"],
    "wstui new chat --no-input": lambda run: [*WSTUI, "new", "chat", "--no-input", "-o", str(SCRATCH / str(run))],
}


def time_command(command: Callable[[int], list[str]], runs: int) -> list[float]:
    subprocess.run(command(-1), capture_output=True, check=True)  # warm the file cache and .pyc files
    samples = []
    for run in range(runs):
        start = time.perf_counter()
        subprocess.run(command(run), capture_output=True, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    print(f"{'command':<30} {'median ms':>10} {'min ms':>8} {'max ms':>8}  ({runs} runs)")
    try:
        for name, command in COMMANDS.items():
            samples = time_command(command, runs)
            print(f"{name:<30} {statistics.median(samples):>10.1f} {min(samples):>8.1f} {max(samples):>8.1f}")
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
