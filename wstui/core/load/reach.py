"""Whether the target answers at all, asked once before a run opens hundreds of connections to it.

Without this, `wstui load --local` with no `wstui dev` running spends its whole ramp-up collecting one
`connect-failed` per client and ends with a table of them; one TCP connection says the same in a
sentence, and for this machine, what to start.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from wstui.core.console.failures import describe_failure
from wstui.core.errors import Remedy, WstuiError

PROBE_TIMEOUT = 5.0


class Unreachable(WstuiError):
    """Nothing answers at the target's host and port: no client was opened."""


def on_this_machine(url: str) -> bool:
    """The URL names this machine (a loopback address or `localhost`), without resolving any name."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_reachable(url: str, timeout: float = PROBE_TIMEOUT) -> None:
    """Raise `Unreachable` when a TCP connection to the URL's host and port cannot be made; on this
    machine with nothing listening, the remedy is to start the local gateway."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=timeout).close()
    except OSError as error:
        message = describe_failure(error, url, timeout)[1]
        local = isinstance(error, ConnectionRefusedError) and on_this_machine(url)
        raise Unreachable(message, *((Remedy.START_LOCAL,) if local else ())) from None
