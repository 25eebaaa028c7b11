"""Why a connection could not be made, in one sentence a user can act on."""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

import websocket

from wstui.core.console.events import FailureKind

BODY_LIMIT = 300


def describe_failure(error: Exception, url: str, timeout: float) -> tuple[FailureKind, str, int | None, str]:
    """(kind, message, HTTP status, response body) for an exception raised while connecting to `url`."""
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    if isinstance(error, websocket.WebSocketBadStatusException):
        body = _one_line((error.resp_body or b"").decode("utf-8", "replace"))
        status = f"HTTP {error.status_code} {error.status_message or ''}".rstrip()
        detail = f": {body}" if body else ""
        return FailureKind.HANDSHAKE, f"The server refused the WebSocket handshake with {status}{detail}.", \
            error.status_code, body
    if isinstance(error, websocket.WebSocketAddressException | socket.gaierror):
        cause = error.args[0] if error.args else error
        reason = getattr(cause, "strerror", None) or str(cause)
        return FailureKind.DNS, f"Cannot resolve the host name {host} (DNS: {reason}).", None, ""
    if isinstance(error, ssl.SSLCertVerificationError):
        return FailureKind.TLS, f"The TLS certificate of {host} did not verify: {error.verify_message}.", None, ""
    if isinstance(error, ssl.SSLError):
        return FailureKind.TLS, f"The TLS handshake with {host}:{port} failed: {error.reason or error}.", None, ""
    if isinstance(error, ConnectionRefusedError):
        return FailureKind.REFUSED, f"Connection refused: nothing listens on {host}:{port}.", None, ""
    if isinstance(error, websocket.WebSocketTimeoutException | TimeoutError):
        return FailureKind.TIMEOUT, f"Timed out after {timeout:g} s connecting to {url}.", None, ""
    if isinstance(error, OSError):
        return FailureKind.OTHER, f"Cannot connect to {host}:{port}: {error.strerror or error}.", None, ""
    return FailureKind.OTHER, f"The WebSocket handshake with {url} failed: {error}.", None, ""


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= BODY_LIMIT else flat[: BODY_LIMIT - 1] + "…"
