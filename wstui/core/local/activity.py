"""What happens in a running local service, as typed events: the CLI prints them, the TUI shows them."""

from __future__ import annotations

from dataclasses import dataclass

from wstui.core.local.runtime import InvocationResult


@dataclass(frozen=True)
class ServiceStarted:
    url: str
    management_url: str
    dynamodb_url: str
    latency: str = "off"
    """The latency profile in effect, in words (`describe_latency`)."""


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
class ConfigApplied:
    """An edit of wstui.toml runs in the gateway now, open connections still open; one item per part
    ("routes: + chat, - echo", "expression unchanged", "authorizer unchanged")."""

    changes: tuple[str, ...]

    @property
    def summary(self) -> str:
        if all(change.endswith(" unchanged") for change in self.changes):
            return "wstui.toml applied: nothing the gateway runs changed"
        return f"wstui.toml applied: {'; '.join(self.changes)}"


@dataclass(frozen=True)
class ConfigNeedsRestart:
    """An edit of wstui.toml changed what only a restart applies (tables, stage, region): nothing of
    it is applied, and the configuration the service started with keeps running."""

    reasons: tuple[str, ...]

    @property
    def summary(self) -> str:
        """What happened; the CLI and the app each add how to restart."""
        return f"wstui.toml changed what only a restart applies: {'; '.join(self.reasons)}. The previous configuration keeps running."


@dataclass(frozen=True)
class ConfigRefused:
    """wstui.toml no longer loads (an edit in progress, say); the running configuration stays.
    `problem` is the first problem on one line, `wstui.toml:line: message` (paths from the project's folder)."""

    problem: str

    @property
    def summary(self) -> str:
        return f"wstui.toml does not load, so the previous configuration keeps running: {self.problem}"


@dataclass(frozen=True)
class Notice:
    """Something the user should know that is not an error: a warning about the bind address, say."""

    message: str


GatewayEvent = (
    ServiceStarted | ConnectionOpened | ConnectionClosed | Rejected | Invoked | HandlersReloaded
    | ConfigApplied | ConfigNeedsRestart | ConfigRefused | Notice
)
