"""Figures over time for live charts: totals turned into rates per second, and percentiles.

Both the local service's figures (`wstui.core.local.stats`) and a console session's
(`wstui.core.console.rates`) are series of one value per tick over a window of the last minutes.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field


def nearest_rank(samples: Sequence[float], fraction: float) -> float:
    """The `fraction` percentile (0.95 for p95) of sorted, non-empty `samples`, by nearest rank."""
    return samples[min(len(samples) - 1, max(0, math.ceil(fraction * len(samples)) - 1))]


@dataclass
class RateSeries:
    """A running total (frames since `started`, when it was 0) turned into a rate per second at each
    tick; the last `window` rates are kept. Rates divide by the time between ticks, so a late timer
    does not show a burst that was not there."""

    window: int
    started: float
    values: deque[float] = field(init=False)

    def __post_init__(self) -> None:
        self.values = deque(maxlen=self.window)
        self._last = (self.started, 0)

    def tick(self, now: float, total: int) -> None:
        then, before = self._last
        self.values.append(max(0, total - before) / max(now - then, 1e-3))
        self._last = (now, total)

    @property
    def latest(self) -> float:
        return self.values[-1] if self.values else 0.0
