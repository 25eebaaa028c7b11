"""Latency profiles: delays `wstui dev` adds where the cloud has them, so what only the cloud shows
(a broadcast posting one connection at a time, a cold start on the first message) shows locally.

A profile is four figures in milliseconds (`LatencySettings`). wstui.toml chooses one with
`[dev] latency = "cloud"`, or sets its own figures in a `[dev.latency]` table; `wstui dev --latency`
overrides it. "off", the default, adds nothing. The figures of "cloud" are assumptions: docs/dev.md
gives the source of each, and says which are estimates.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import fields

from wstui.core.project.model import LatencySettings, Project
from wstui.core.project.schema import SchemaProblem

OFF = "off"
PROFILES: dict[str, LatencySettings] = {
    OFF: LatencySettings(),
    "cloud": LatencySettings(connections_ms=20, dynamodb_ms=8, cold_start_ms=250, integration_ms=15),
}
MAX_DELAY_MS = 29_000
"""API Gateway's integration timeout: a longer delay could only ever end in a timeout."""
LABELS = {"connections_ms": "@connections", "dynamodb_ms": "DynamoDB", "cold_start_ms": "cold start", "integration_ms": "integration"}


def resolve_latency(setting: str | LatencySettings) -> LatencySettings:
    """The figures a setting stands for: a named profile's, or the table's own."""
    return PROFILES[setting] if isinstance(setting, str) else setting


def describe_latency(setting: str | LatencySettings) -> str:
    """One line for the first lines of `wstui dev` and the Local area's status: `cloud (@connections
    20 ms, ...)`, `custom (...)` for a table, `off`."""
    profile = resolve_latency(setting)
    name = setting if isinstance(setting, str) else "custom"
    if profile == PROFILES[OFF]:
        return OFF
    figures = ", ".join(f"{LABELS[f.name]} {getattr(profile, f.name):g} ms" for f in fields(LatencySettings))
    return f"{name} ({figures})"


def latency_problems(project: Project) -> list[SchemaProblem]:
    """What is wrong with [dev] latency: a profile name wstui does not know, a figure that is not a
    number of milliseconds from 0 to MAX_DELAY_MS (TOML allows inf and nan)."""
    setting = project.dev.latency
    if isinstance(setting, str):
        if setting in PROFILES:
            return []
        close = difflib.get_close_matches(setting, list(PROFILES), n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        names = ", ".join(f'"{name}"' for name in PROFILES)
        message = f'No latency profile "{setting}": use {names}, or a [dev.latency] table of milliseconds.{hint}'
        return [SchemaProblem(message, ("dev", "latency"))]
    return [
        SchemaProblem(
            f"[dev.latency] {f.name} = {getattr(setting, f.name)}: a delay must be milliseconds from 0 to {MAX_DELAY_MS}.",
            ("dev", "latency", f.name),
        )
        for f in fields(LatencySettings)
        if not (math.isfinite(getattr(setting, f.name)) and 0 <= getattr(setting, f.name) <= MAX_DELAY_MS)
    ]
