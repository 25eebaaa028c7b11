"""Handshakes never faster than the rate given, whether one driver opens them or several processes do.

Two rules, kept in one shared array (a `multiprocessing.Array`, so it works across processes and
threads alike) under its lock:

- the schedule: handshake i starts no earlier than i / rate seconds after the first, so a driver that
  wakes late catches up instead of losing that time for good (a pace of "one interval after the
  last" falls behind by every late wake, and reached half of 1,000/s here);
- the window: handshake i starts at least one second after handshake i - N (N = the rate, rounded
  down), so catching up never puts more than N handshakes in any one second.

The time a driver takes its turn is the start it records; the samples therefore show the rule held.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

COUNT, FIRST, RING = 0, 1, 2  # the array: handshakes taken, when the first was, the last N start times


class SharedArray(Protocol):
    def __getitem__(self, index: int) -> float: ...
    def __setitem__(self, index: int, value: float) -> None: ...
    def get_lock(self) -> AbstractContextManager[Any]: ...


def window(rate: float) -> int:
    return max(1, math.floor(rate))


def pacing_slots(rate: float) -> list[float]:
    """The initial contents of the shared array for `rate`."""
    return [0.0, math.nan, *([-math.inf] * window(rate))]


class ThreadArray(list[float]):
    """The array for a run with one driver, a thread of this process: no `multiprocessing.Array`, whose
    lock starts multiprocessing's resource tracker, which fails where stderr has no file descriptor
    (inside a Textual app: "bad value(s) in fds_to_keep")."""

    def __init__(self, slots: list[float]) -> None:
        super().__init__(slots)
        self._lock = threading.Lock()

    def get_lock(self) -> threading.Lock:
        return self._lock


class HandshakePacer:
    def __init__(self, rate: float, shared: SharedArray, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.window = window(rate)
        self.shared = shared
        self.clock = clock

    def try_take(self) -> tuple[float, float]:
        """(0, the start time) when this driver may start a handshake now; else (seconds to wait, 0)."""
        shared = self.shared
        with shared.get_lock():
            now = self.clock()
            taken = int(shared[COUNT])
            if taken == 0:
                shared[FIRST] = now
            slot = RING + taken % self.window
            earliest = max(shared[FIRST] + taken / self.rate, shared[slot] + 1.0)
            if now < earliest:
                return earliest - now, 0.0
            shared[slot] = now
            shared[COUNT] = taken + 1
            return 0.0, now

    def first(self) -> float:
        """When the run's first handshake started (NaN before it did): the run's duration counts from it."""
        return self.shared[FIRST]

    async def take(self) -> float:
        """Wait for the next handshake's turn; the time it starts."""
        while True:
            wait, start = self.try_take()
            if not wait:
                return start
            await asyncio.sleep(wait)
