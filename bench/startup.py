"""Start-up time of the commands a user runs most: prints the median and spread over several runs.

    python bench/startup.py [--runs 15]

Figures to reach (issue 2): `wstui --help` under 150 ms, `wstui synth` of the seed's service under 500 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "examples" / "chat"
WSTUI = [sys.executable, "-m", "wstui"]
COMMANDS = {
    "python -c pass (floor)": [sys.executable, "-c", "pass"],
    "wstui --help": [*WSTUI, "--help"],
    "wstui routes list --json": [*WSTUI, "--project", str(EXAMPLE), "routes", "list", "--json"],
    "wstui synth (seed service)": [*WSTUI, "--project", str(EXAMPLE), "synth"],
}


def time_command(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache and .pyc files
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    print(f"{'command':<30} {'median ms':>10} {'min ms':>8} {'max ms':>8}  ({runs} runs)")
    for name, command in COMMANDS.items():
        samples = time_command(command, runs)
        print(f"{name:<30} {statistics.median(samples):>10.1f} {min(samples):>8.1f} {max(samples):>8.1f}")


if __name__ == "__main__":
    main()
