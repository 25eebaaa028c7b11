"""What the app's sparklines are given: Textual draws a series of one value as a full bar, which on a
chart that has just started reads as "at its peak"; under two values, the chart stays a flat line."""

from __future__ import annotations

from collections.abc import Iterable


def sparkline_data(values: Iterable[float]) -> list[float]:
    series = list(values)
    return series if len(series) > 1 else []
