"""A port to suggest when the one asked for is taken: the way out belongs in the error itself."""

from __future__ import annotations

import socket

TRIED = 20


def free_port_after(host: str, port: int) -> int | None:
    """The first of the next few ports that can be listened on now, or None. (Free now, not promised:
    another program may take it before the user tries it; port 0 is the way that always works.)"""
    for candidate in range(port + 1, min(port + 1 + TRIED, 65536)):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None
