"""What went wrong for a client, by kind: a refused handshake, a close by the server, an error frame.

API Gateway's answers differ in meaning: 429 is the account's quota of new connections, 401/403 the
authorizer, 5xx a failed `$connect`; 1009 a frame or message over the size quota, 1003 a binary frame,
1001 an idle or hard timeout, 1011 a server error, 1006 a connection lost without a close frame.
A 410 is not among them: it is what a handler gets when it posts to a gone connection, and a client
never sees it; a broadcast that missed clients shows as completeness below 1.
"""

from __future__ import annotations

import asyncio
import json
from enum import StrEnum

import aiohttp


class ErrorKind(StrEnum):
    HTTP_401 = "http-401"
    HTTP_403 = "http-403"
    HTTP_429 = "http-429"
    HTTP_5XX = "http-5xx"
    HTTP_OTHER = "http-other"
    CONNECT_FAILED = "connect-failed"
    HANDSHAKE_TIMEOUT = "handshake-timeout"
    CLOSE_1000 = "close-1000"
    CLOSE_1001 = "close-1001"
    CLOSE_1003 = "close-1003"
    CLOSE_1006 = "close-1006"
    CLOSE_1009 = "close-1009"
    CLOSE_1011 = "close-1011"
    CLOSE_OTHER = "close-other"
    INTERNAL_ERROR_FRAME = "internal-server-error"
    FORBIDDEN_FRAME = "forbidden"
    WAIT_TIMEOUT = "wait-timeout"

    @property
    def group(self) -> str:
        """"refusal" (the handshake), "close" (the server ended a connection) or "frame" (an answer that
        reports an error, or a scenario's wait that saw none)."""
        if self.value.startswith(("http-", "connect-", "handshake-")):
            return "refusal"
        if self.value.startswith("close-"):
            return "close"
        return "frame"


_CLOSES = {code: ErrorKind(f"close-{code}") for code in (1000, 1001, 1003, 1006, 1009, 1011)}
_FRAMES = {"Internal server error": ErrorKind.INTERNAL_ERROR_FRAME, "Forbidden": ErrorKind.FORBIDDEN_FRAME}


def handshake_kind(error: BaseException) -> ErrorKind:
    """The kind of a failed `ws_connect`."""
    if isinstance(error, aiohttp.WSServerHandshakeError):
        status = error.status
        if status in (401, 403, 429):
            return ErrorKind(f"http-{status}")
        return ErrorKind.HTTP_5XX if 500 <= status < 600 else ErrorKind.HTTP_OTHER
    if isinstance(error, asyncio.TimeoutError):
        return ErrorKind.HANDSHAKE_TIMEOUT
    return ErrorKind.CONNECT_FAILED


def close_kind(code: int | None) -> ErrorKind:
    """The kind of a close the client did not ask for; no code (the socket just ended) is 1006."""
    return _CLOSES.get(code or 1006, ErrorKind.CLOSE_OTHER)


def frame_kind(text: str) -> ErrorKind | None:
    """The kind of an API Gateway error frame (`{"message": "Internal server error", "connectionId": ...}`),
    or None for any other frame. Cheap for frames that are not one: only JSON objects with a
    `connectionId` are parsed."""
    if not text.startswith("{") or '"connectionId"' not in text:
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return _FRAMES.get(document.get("message")) if isinstance(document, dict) else None
