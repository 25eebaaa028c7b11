"""What a child process and its descendants cost: CPU seconds and peak memory, read from /proc and getrusage."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class ChildRun:
    cpu_seconds: float
    peak_rss_kb: int
    wall_seconds: float
    exit_code: int
    stdout: str
    stderr: str


def _tree(root: int) -> list[int]:
    """`root` and its living descendants (this kernel has no /proc/PID/task/TID/children)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _tree_sum(root: int, read: str, fields: tuple[int, ...]) -> int:
    total = 0
    for pid in _tree(root):
        try:
            values = Path(f"/proc/{pid}/{read}").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        total += sum(int(values[index]) for index in fields)
    return total


def tree_rss_kb(root: int) -> int:
    return _tree_sum(root, "statm", (1,)) * PAGE_KB


def tree_cpu_seconds(root: int) -> float:
    """User + system time of the living tree (after the ")" of /proc/PID/stat, utime and stime are fields 11, 12)."""
    return _tree_sum(root, "stat", (11, 12)) / TICKS


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> ChildRun:
    """Run `command` to its end. CPU and the largest single process's peak come from the kernel's account
    of the child when it is reaped (`wait4`: it and the descendants it waited for), which no sample can miss
    however short the child lives; the sampled sum over the living tree adds what processes running side by
    side hold at once."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while True:
                peak = max(peak, tree_rss_kb(child.pid))
                if done.wait(0.2):
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(cpu, max(peak, usage.ru_maxrss), time.monotonic() - started, child.returncode, stdout, stderr)
