"""Handshakes never faster than the rate given, whether one driver opens them or several processes do.

One slot, shared by every driver of a run (a `multiprocessing.Value`, so it works across processes
and threads alike), holds the earliest moment the next handshake may start. A driver takes it under
the slot's lock with the time it reads there, and moves it one interval on from that time: two
recorded handshake starts are never closer than 1/rate, so no window of one second holds more than
`rate` of them (a schedule fixed in advance could not promise that: a driver that wakes late would
bunch its handshake with the next).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol


class SharedSlot(Protocol):
    value: float

    def get_lock(self) -> AbstractContextManager[Any]: ...


class HandshakePacer:
    def __init__(self, rate: float, slot: SharedSlot, clock: Callable[[], float]) -> None:
        self.interval = 1.0 / rate
        self.slot = slot
        self.clock = clock

    def try_take(self) -> tuple[float, float]:
        """(0, the start time) when this driver may start a handshake now; else (seconds to wait, 0)."""
        with self.slot.get_lock():
            now = self.clock()
            if now < self.slot.value:
                return self.slot.value - now, 0.0
            self.slot.value = now + self.interval
            return 0.0, now

    async def take(self) -> float:
        """Wait for the next handshake's turn; the time it starts."""
        while True:
            wait, start = self.try_take()
            if not wait:
                return start
            await asyncio.sleep(wait)
