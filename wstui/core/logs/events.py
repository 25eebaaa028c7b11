"""What reading the logs yields: lines, and what a reader should know about them (a function with no
log group yet, how the following goes)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wstui.core.logs.sources import LogSource

_LAMBDA_MARK = re.compile(r"^(?P<kind>START|END|REPORT) RequestId: (?P<id>[0-9A-Za-z-]+)")
# Lambda's Python runtime logs `[LEVEL]\t<time>\t<request id>\t<message>`.
_RUNTIME_LOGGING = re.compile(r"^\[[A-Z]+\]\t[^\t]*\t(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\t")


@dataclass(frozen=True)
class LogLine:
    """One log event. `request_id` is the invocation's (an API request's, in the access log), or empty
    for lines outside any invocation (INIT_START)."""

    timestamp: datetime
    label: str
    message: str
    request_id: str
    group: str
    stream: str
    event_id: str = ""


@dataclass(frozen=True)
class NoLogGroup:
    """Lambda creates a function's log group at its first invocation: none yet means never invoked."""

    source: LogSource


@dataclass(frozen=True)
class Following:
    """How new lines arrive from now on: by live tail, or by polling every `interval` seconds (and why)."""

    live: bool
    interval: float = 0.0
    reason: str = ""


@dataclass(frozen=True)
class Sampled:
    """CloudWatch sent a sample of the lines: more than live tail passes on (500 a second)."""


LogEvent = LogLine | NoLogGroup | Following | Sampled


class RequestIds:
    """Lambda runs one invocation at a time in an execution environment, which writes one log stream:
    a line between START and REPORT belongs to that START's request, even a `print` that does not say so."""

    def __init__(self) -> None:
        self.current: dict[tuple[str, str], str] = {}

    def line(self, source: LogSource, raw: dict[str, Any]) -> LogLine:
        """`raw` as FilterLogEvents or a live tail's session update gives it."""
        message = str(raw.get("message", "")).rstrip("\n")
        stream = str(raw.get("logStreamName", ""))
        key = (source.group, stream)
        mark = _LAMBDA_MARK.match(message)
        said = mark["id"] if mark else _said(message)
        if mark and mark["kind"] == "START":
            self.current[key] = said
        elif mark and mark["kind"] == "REPORT":
            self.current.pop(key, None)
        timestamp = datetime.fromtimestamp(int(raw.get("timestamp", 0)) / 1000, UTC)
        return LogLine(timestamp, source.label, message, said or self.current.get(key, ""), source.group, stream,
                       str(raw.get("eventId", "")))


def _said(message: str) -> str:
    """The request id a line names: the runtime's logging prefix, or `requestId` in a JSON line
    (Lambda's JSON log format, API Gateway's access log)."""
    logged = _RUNTIME_LOGGING.match(message)
    if logged:
        return logged["id"]
    if message.startswith("{"):
        try:
            document = json.loads(message)
        except ValueError:
            return ""
        if isinstance(document, dict) and isinstance(document.get("requestId"), str):
            return document["requestId"]
    return ""
