"""The WebSocket console: client sessions that report typed events, saved payloads, and the URLs to use.

No UI here: the CLI prints the events, the TUI posts them as messages. Importing this package imports
websocket-client; code that must start fast imports it inside the function that needs it.
"""

from wstui.core.console.endpoints import LOCAL_PORT, NotDeployedError, deployed_url, local_url
from wstui.core.console.events import (
    Closed,
    ClosedBy,
    Connected,
    Connecting,
    ConsoleEvent,
    Direction,
    Failed,
    FailureKind,
    Frame,
)
from wstui.core.console.payloads import JsonCheck, SavedPayload, check_json, payload_argument, saved_payloads
from wstui.core.console.session import Clock, ConsoleError, ConsoleSession, SessionState
from wstui.core.console.target import ConnectionTarget, parse_header, parse_query

__all__ = [
    "LOCAL_PORT",
    "Clock",
    "Closed",
    "ClosedBy",
    "Connected",
    "Connecting",
    "ConnectionTarget",
    "ConsoleError",
    "ConsoleEvent",
    "ConsoleSession",
    "Direction",
    "Failed",
    "FailureKind",
    "Frame",
    "JsonCheck",
    "NotDeployedError",
    "SavedPayload",
    "SessionState",
    "check_json",
    "deployed_url",
    "local_url",
    "parse_header",
    "parse_query",
    "payload_argument",
    "saved_payloads",
]
