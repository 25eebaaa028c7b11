"""The @connections management API of the local gateway: POST, GET and DELETE one connection.

Two doors lead to it: HTTP on the gateway's port (for scripts and boto3 clients pointed at
`http://127.0.0.1:PORT/{stage}`), and the in-process `before-call` hook of `intercept.py` for handlers
that build their client the cloud way from `https://{domainName}/{stage}`. Both answer as API
Gateway does, with typed errors (GoneException, PayloadTooLargeException) that boto3 raises.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from aiohttp import web

from wstui.core.local.connection import Connection, Limits


class Connections(Protocol):
    """What the management API needs of the gateway: its connections, and a way to send and close."""

    limits: Limits

    def find(self, connection_id: str) -> Connection | None: ...

    def enqueue(self, connection: Connection, frame: str | bytes) -> bool: ...

    def enqueue_from_thread(self, connection: Connection, frame: str | bytes) -> None: ...

    def close_soon(self, connection: Connection, code: int, reason: str) -> None: ...


@dataclass(frozen=True)
class ManagementAnswer:
    status: int
    body: bytes = b""
    error_type: str = ""

    @classmethod
    def error(cls, status: int, error_type: str, message: str) -> ManagementAnswer:
        return cls(status, json.dumps({"message": message}).encode(), error_type)


def _iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _frame(data: bytes) -> str | bytes:
    """Posted data goes out as a text frame when it is UTF-8 text, as a binary frame otherwise."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


class ManagementApi:
    """The API over the gateway's connections; it holds no state of its own."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections
        self.delay = 0.0
        """Seconds each call takes before it is answered (a latency profile's @connections figure)."""

    async def http(self, request: web.Request) -> web.Response:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            # Past aiohttp's own cap (1 MB) the body is not read at all: the answer is still API Gateway's.
            answer = ManagementAnswer.error(413, "PayloadTooLargeException", "Payload too large.")
        else:
            answer = await self.manage(request.method, request.match_info["connection_id"], body)
        headers = {"x-amzn-ErrorType": answer.error_type} if answer.error_type else {}
        content_type = "application/json" if answer.body else None
        return web.Response(status=answer.status, body=answer.body, headers=headers, content_type=content_type)

    def post_from_thread(self, connection_id: str, body: bytes) -> ManagementAnswer:
        """POST for a handler thread, without waiting for the event loop: the frame is handed to the
        loop and the answer given at once, which is what keeps a large broadcast fast. A frame that
        finds the queue full closes the connection (1008); the next post to it is Gone. A delay is
        slept here, in the calling handler's thread, as its call to AWS would wait there."""
        if self.delay:
            time.sleep(self.delay)
        connection, gone = self._post_target(connection_id, body)
        if gone is not None:
            return gone
        assert connection is not None
        self.connections.enqueue_from_thread(connection, _frame(body))
        return ManagementAnswer(200)

    def _open(self, connection_id: str) -> Connection | None:
        """The connection if a client can still receive on it: not in $connect, not closing."""
        connection = self.connections.find(connection_id)
        if connection is None or not connection.is_open or connection.close_code:
            return None
        return connection

    def _post_target(self, connection_id: str, body: bytes) -> tuple[Connection | None, ManagementAnswer | None]:
        connection = self._open(connection_id)
        if connection is None:
            return None, ManagementAnswer.error(410, "GoneException", f"Connection {connection_id} is gone.")
        if len(body) > self.connections.limits.max_post_bytes:
            return None, ManagementAnswer.error(413, "PayloadTooLargeException", "Payload too large.")
        connection.last_active = time.monotonic()
        return connection, None

    async def manage(self, method: str, connection_id: str, body: bytes = b"") -> ManagementAnswer:
        """POST, GET or DELETE one connection, answering as API Gateway's @connections API does.
        A delay waits without holding the event loop: other connections are served meanwhile."""
        if self.delay:
            await asyncio.sleep(self.delay)
        connection = self._open(connection_id)
        if connection is None:
            return ManagementAnswer.error(410, "GoneException", f"Connection {connection_id} is gone.")
        if method == "POST":
            target, gone = self._post_target(connection_id, body)
            if gone is not None:
                return gone
            assert target is not None
            return ManagementAnswer(200) if self.connections.enqueue(target, _frame(body)) else ManagementAnswer.error(
                410, "GoneException", f"Connection {connection_id} is gone."
            )
        if method == "GET":
            info = {
                "connectedAt": _iso(connection.connected_at / 1000),
                "lastActiveAt": _iso(time.time() - (time.monotonic() - connection.last_active)),
                "identity": {"sourceIp": connection.client.source_ip, "userAgent": connection.client.user_agent},
            }
            return ManagementAnswer(200, json.dumps(info).encode())
        if method == "DELETE":
            self.connections.close_soon(connection, 1000, "Deleted through @connections")
            return ManagementAnswer(204)
        return ManagementAnswer.error(403, "ForbiddenException", f"Method {method} is not allowed.")
