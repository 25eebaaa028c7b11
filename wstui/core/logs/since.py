"""`--since`: how far back to read, as `10m`, `2h`, `3d` before now or an ISO 8601 time (UTC unless it says)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from wstui.core.errors import UsageError

DEFAULT_SINCE = "10m"
_AGO = re.compile(r"^(?P<amount>\d+)\s*(?P<unit>[smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def since_time(text: str, now: datetime) -> datetime:
    ago = _AGO.match(text.strip())
    if ago:
        return now - timedelta(**{_UNITS[ago["unit"]]: int(ago["amount"])})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since {text!r} is neither a duration (10m, 2h, 3d) nor an ISO 8601 time "
                         "(2026-11-25T12:00:00Z).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def milliseconds(moment: datetime) -> int:
    """CloudWatch Logs' time: milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)
