"""What a console session reports, as frozen values: the CLI prints them, the TUI posts each as a message.

Every event names its session, so one callback can serve several sessions at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wstui.core.errors import Remedy


class Direction(StrEnum):
    RECEIVED = "received"
    SENT = "sent"


class ClosedBy(StrEnum):
    """Who ended the connection: a close frame from either side, or the network (no close frame, 1006)."""

    SERVER = "server"
    CLIENT = "client"
    NETWORK = "network"


class FailureKind(StrEnum):
    REFUSED = "refused"
    DNS = "dns"
    TLS = "tls"
    HANDSHAKE = "handshake"
    TIMEOUT = "timeout"
    OTHER = "other"


@dataclass(frozen=True)
class Connecting:
    session: str
    url: str
    wall: float


@dataclass(frozen=True)
class Connected:
    """The handshake succeeded; `status` is its HTTP status (101)."""

    session: str
    url: str
    status: int
    wall: float


@dataclass(frozen=True)
class Frame:
    """One whole message, sent or received. `data` is `str` for a text frame and `bytes` for a binary one;
    `size` counts the bytes on the wire (UTF-8 for text). `monotonic` orders frames; `wall` is for people."""

    session: str
    direction: Direction
    monotonic: float
    wall: float
    size: int
    data: str | bytes

    @property
    def binary(self) -> bool:
        return isinstance(self.data, bytes)


@dataclass(frozen=True)
class Closed:
    session: str
    code: int
    reason: str
    by: ClosedBy
    wall: float

    @property
    def normal(self) -> bool:
        """1000 (normal) and 1001 (going away) end a connection as intended; other codes report a problem."""
        return self.code in (1000, 1001)


@dataclass(frozen=True)
class Failed:
    """The session could not connect. `message` is one sentence for the user; for a refused handshake
    `status` and `body` hold the HTTP answer (401 and 403 carry the authorizer's verdict)."""

    session: str
    kind: FailureKind
    message: str
    wall: float
    status: int | None = None
    body: str = ""

    @property
    def remedies(self) -> tuple[Remedy, ...]:
        """A 401 is a handshake without the identity source the authorizer needs: say how to give one."""
        return (Remedy.PASS_TOKEN,) if self.status == 401 else ()


ConsoleEvent = Connecting | Connected | Frame | Closed | Failed
