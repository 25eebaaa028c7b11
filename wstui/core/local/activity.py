"""What happens in a running local service, as typed events: the CLI prints them, the TUI shows them."""

from __future__ import annotations

from dataclasses import dataclass

from wstui.core.local.runtime import InvocationResult


@dataclass(frozen=True)
class ServiceStarted:
    url: str
    management_url: str
    dynamodb_url: str


@dataclass(frozen=True)
class ConnectionOpened:
    connection_id: str
    source_ip: str
    user_agent: str


@dataclass(frozen=True)
class ConnectionClosed:
    connection_id: str
    code: int
    reason: str


@dataclass(frozen=True)
class Rejected:
    """A handshake refused (status 401, 403, 500 or $connect's own) or a message nothing routes (Forbidden)."""

    connection_id: str
    status: int
    reason: str


@dataclass(frozen=True)
class Invoked:
    route_key: str
    connection_id: str
    result: InvocationResult


@dataclass(frozen=True)
class HandlersReloaded:
    changed: tuple[str, ...]
    modules: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """Something the user should know that is not an error: a warning about the bind address, say."""

    message: str


GatewayEvent = ServiceStarted | ConnectionOpened | ConnectionClosed | Rejected | Invoked | HandlersReloaded | Notice
