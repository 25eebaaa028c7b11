"""The console's events as text: one line per received frame, or one JSON object per line per event."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from wstui.core.console import Closed, Connected, ConsoleEvent, Direction, Failed, Frame


def plain_line(event: ConsoleEvent) -> str | None:
    """A received frame as it came (binary as base64 after a marker); other events print nothing here."""
    if not isinstance(event, Frame) or event.direction is not Direction.RECEIVED:
        return None
    if isinstance(event.data, bytes):
        return f"[binary {event.size} bytes, base64] {base64.b64encode(event.data).decode()}"
    return event.data


def json_line(event: ConsoleEvent) -> str | None:
    document: dict[str, Any]
    match event:
        case Frame(direction=direction, size=size, data=data):
            binary = isinstance(data, bytes)
            document = {"event": "frame", "direction": str(direction), "time": _time(event.wall), "size": size,
                        "data": base64.b64encode(data).decode() if binary else data, "binary": binary}
        case Connected(url=url, status=status):
            document = {"event": "connected", "time": _time(event.wall), "url": url, "status": status}
        case Closed(code=code, reason=reason, by=by):
            document = {"event": "closed", "time": _time(event.wall), "code": code, "reason": reason, "by": str(by)}
        case Failed(kind=kind, message=message, status=status):
            document = {"event": "failed", "time": _time(event.wall), "kind": str(kind), "message": message,
                        "status": status}
        case _:
            return None
    return json.dumps(document, ensure_ascii=False)


def _time(wall: float) -> str:
    return datetime.fromtimestamp(wall, UTC).isoformat(timespec="milliseconds")
