"""The local WebSocket gateway: API Gateway's behaviour (reference §1-§5) on an aiohttp server.

One port serves both the WebSocket stage at `/{stage}` and the @connections management API at
`/{stage}/@connections/{id}` (see `management.py`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from wstui.core.local.activity import (
    ConnectionClosed,
    ConnectionOpened,
    GatewayEvent,
    Invoked,
    Notice,
    Rejected,
)
from wstui.core.local.authorizer import allows, has_identity
from wstui.core.local.connection import Connection, Limits
from wstui.core.local.events import ClientInfo, EventFactory, new_id
from wstui.core.local.frame_guard import guard_frames
from wstui.core.local.management import ManagementApi
from wstui.core.local.runtime import HandlerRuntime, InvocationResult
from wstui.core.local.spec import LocalSpec
from wstui.core.routes.expression import select_route

CONNECT, DISCONNECT = "$connect", "$disconnect"
AUTHORIZER = "(authorizer)"
STOP_GRACE = 5.0
"""Seconds the stop waits for the handshakes and $disconnect calls still under way before it cuts them
off (aiohttp waits 60). Normally they end within a second or two; one that waits longer is waiting
for a handler thread that a handler past its timeout holds, and may never get one."""


class Gateway:
    """Serves one stage of one API; `emit` receives every GatewayEvent as it happens."""

    def __init__(
        self, spec: LocalSpec, runtime: HandlerRuntime, emit: Callable[[GatewayEvent], None], limits: Limits = Limits()
    ) -> None:
        self.spec = spec
        self.runtime = runtime
        self._observer = emit
        self.limits = limits
        self.connections: dict[str, Connection] = {}
        self.domain_name = ""
        self.events = EventFactory("", spec.stage, runtime.region)
        self._runner: web.AppRunner | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.hop = 0.0
        """Seconds each invocation waits before its handler runs: API Gateway's own way to the
        integration and back (a latency profile's figure)."""
        self.management = ManagementApi(self)
        self._recent_handshakes: collections.deque[float] = collections.deque()
        self.clock: Callable[[], float] = time.monotonic  # a seam: tests freeze it
        self._stopping = False
        self._outbox: collections.deque[tuple[Connection, str | bytes]] = collections.deque()
        self._outbox_scheduled = False
        self.frames_received = 0
        self.frames_sent = 0
        """Totals since start, for the frames-per-second figures (`stats.py`): a counter, not an event per frame."""

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self, host: str, port: int) -> str:
        app = web.Application()
        stage = self.spec.stage
        app.router.add_get(f"/{stage}", self._websocket)
        app.router.add_route("*", f"/{stage}/@connections/{{connection_id}}", self.management.http)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=STOP_GRACE)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        host_part = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.domain_name = f"{host_part}:{bound_port}"
        self.events = EventFactory(self.domain_name, self.spec.stage, self.runtime.region)
        self._sweeper = asyncio.create_task(self._sweep())
        self.loop = asyncio.get_running_loop()
        return f"ws://{self.domain_name}/{stage}"

    async def stop(self) -> None:
        """Close every connection (each gets its $disconnect), then the server."""
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        await asyncio.gather(*(self._close(c, 1001, "Going away") for c in list(self.connections.values())))
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        if self._runner is not None:
            await self._runner.cleanup()

    def find(self, connection_id: str) -> Connection | None:
        return self.connections.get(connection_id)

    def emit(self, event: GatewayEvent) -> None:
        """Report an event; an observer that fails (a closed terminal, say) never breaks the gateway."""
        with contextlib.suppress(Exception):
            self._observer(event)


    # --- the WebSocket stage ---------------------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return web.Response(status=426, text="Upgrade Required")
        ws = web.WebSocketResponse(max_msg_size=self.limits.max_read_bytes, autoping=True)
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="Bad WebSocket handshake")
        if self._stopping:
            return web.Response(status=503, text="The local gateway is stopping")
        if self._over_connection_rate():
            self.emit(Rejected("", 429, "Too many new connections in the last second"))
            return web.Response(status=429, text="Too Many Requests")
        client = ClientInfo(
            source_ip=request.remote or "",
            user_agent=request.headers.get("User-Agent", ""),
            headers={name: request.headers.getall(name) for name in request.headers.keys()},
            query={name: request.query.getall(name) for name in request.query.keys()},
        )
        connection = Connection(new_id(), client, int(time.time() * 1000))
        rejection = await self._authorize(connection)
        if rejection is None:
            self.connections[connection.id] = connection  # known, not yet open: a POST to it is Gone
            rejection = await self._run_connect(connection)
        if rejection is not None:
            self.connections.pop(connection.id, None)
            self.emit(Rejected(connection.id, rejection.status, rejection.text or ""))
            return rejection
        if request.transport is None or request.transport.is_closing():
            return await self._left_during_connect(connection)
        try:
            await ws.prepare(request)
        except ConnectionError:
            return await self._left_during_connect(connection)
        guard_frames(request.protocol, self.limits.max_frame_bytes, connection.refuse_after_messages)
        connection.ws = ws
        connection.transport = request.transport
        connection.writer = asyncio.create_task(self._write(connection))
        self.emit(ConnectionOpened(connection.id, client.source_ip, client.user_agent))
        if self._stopping:  # $connect finished while the gateway was stopping
            await self._close(connection, 1001, "Going away")
        try:
            await self._read(connection, ws)
        finally:
            connection.writer.cancel()
            connection.drop_queue()
            await self._closed(connection, connection.close_code or ws.close_code or 1006)
        return ws

    async def _left_during_connect(self, connection: Connection) -> web.Response:
        """The client hung up while its $connect ran: one line in the log, and its $disconnect, as in
        AWS. The answer returned is never sent (there is no one to send it to); aiohttp needs one."""
        connection.close_reason = "Client left during $connect"
        await self._closed(connection, 1006)
        return web.Response(status=499, text=connection.close_reason)

    async def _read(self, connection: Connection, ws: web.WebSocketResponse) -> None:
        """Each message's handler runs in a task of its own, as API Gateway invokes the integration for
        every message independently: the loop goes on reading, so pings are answered and the next
        message is routed while a slow handler runs. At most `messages_in_flight` run at once for one
        connection; past that, reading waits for one to end. Messages are read whole before the 128 KB
        check, so the client sees the 1009 close frame (aiohttp's own limit would close mid-message,
        and the client would see a reset)."""
        in_flight = asyncio.Semaphore(self.limits.messages_in_flight)
        try:
            await self._route_messages(connection, ws, in_flight)
        except ConnectionError:  # the client vanished while aiohttp answered its ping: it closed the socket
            connection.close_reason = connection.close_reason or "Connection lost"

    async def _route_messages(self, connection: Connection, ws: web.WebSocketResponse, in_flight: asyncio.Semaphore) -> None:
        async for message in ws:
            if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                connection.messages += 1
                self.frames_received += 1
                if connection.refuse_after is not None and connection.messages > connection.refuse_after:
                    await self._close(connection, 1009, "Frame too big")
                    break
                if message.type == WSMsgType.BINARY:  # API Gateway refuses binary frames (reference §3)
                    await self._close(connection, 1003, "Binary frames are not supported")
                    break
                if len(message.data.encode()) > self.limits.max_message_bytes:
                    await self._close(connection, 1009, "Message too big")
                    break
                connection.last_active = time.monotonic()
                await in_flight.acquire()
                self._spawn(self._message(connection, message.data), in_flight.release)
            elif message.type == WSMsgType.ERROR:
                error = ws.exception()
                connection.close_code = getattr(error, "code", 1011)
                connection.close_reason = str(error) or "Protocol error"
                break

    async def _write(self, connection: Connection) -> None:
        """Send queued frames in order; a client that vanished mid-send ends the writer, not the gateway."""
        assert connection.ws is not None
        while True:
            frame = await connection.take()
            try:
                if isinstance(frame, bytes):
                    await connection.ws.send_bytes(frame)
                else:
                    await connection.ws.send_str(frame)
                self.frames_sent += 1
            except ConnectionError:
                connection.drop_queue()
                return
            finally:
                connection.queue.task_done()

    async def _message(self, connection: Connection, frame: str) -> None:
        key = self.spec.expression.select(frame)
        route_key = select_route(key, self.spec.routes.keys())
        request_id = new_id()
        if route_key is None:
            self._send_status(connection, "Forbidden", request_id)
            self.emit(Rejected(connection.id, 403, f"no route for key {key!r} and no $default: Forbidden"))
            return
        route = self.spec.routes[route_key]
        event = self.events.message(
            route_key, connection.id, connection.connected_at, connection.client, connection.authorizer, frame
        )
        result = await self._invoke(route.function, route_key, connection.id, event)
        if not result.ok:
            self._send_status(connection, "Internal server error", event["requestContext"]["requestId"])
        elif route.two_way and isinstance(result.response, dict) and "body" in result.response:
            self.enqueue(connection, str(result.response["body"]))

    def _send_status(self, connection: Connection, message: str, request_id: str) -> None:
        self.enqueue(connection, json.dumps({"message": message, "connectionId": connection.id, "requestId": request_id}))

    def enqueue_from_thread(self, connection: Connection, frame: str | bytes) -> None:
        """Hand a frame to the event loop from a handler thread. Frames wait in one outbox and the
        loop is woken once per batch, not once per frame: a broadcast to a thousand connections is a
        thousand posts, and each wake-up is a system call that contends for the interpreter lock."""
        assert self.loop is not None
        self._outbox.append((connection, frame))
        if not self._outbox_scheduled:
            self._outbox_scheduled = True
            self.loop.call_soon_threadsafe(self._drain_outbox)

    def _drain_outbox(self) -> None:
        self._outbox_scheduled = False
        while self._outbox:
            connection, frame = self._outbox.popleft()
            self.enqueue(connection, frame)

    def enqueue(self, connection: Connection, frame: str | bytes) -> bool:
        """Queue a frame; a client too slow to drain its queue (in frames or in bytes) is closed with
        1008 and its backlog freed, instead of growing the process's memory."""
        if not connection.is_open or connection.close_code:
            return False
        if connection.offer(frame, self.limits):
            return True
        self.close_soon(connection, 1008, "Send queue full: the client reads too slowly")
        return False

    # --- $connect, the authorizer and $disconnect -------------------------------------------------

    async def _authorize(self, connection: Connection) -> web.Response | None:
        authorizer = self.spec.authorizer
        if authorizer is None:
            return None
        if not all(has_identity(connection.client, source) for source in authorizer.identity_source):
            return web.Response(status=401, text="Unauthorized: no identity source")
        event = self.events.authorizer(connection.client, connection.id, connection.connected_at)
        result = await self._invoke(authorizer.function, AUTHORIZER, connection.id, event)
        if not result.ok or not isinstance(result.response, dict):
            return web.Response(status=500, text="Internal Server Error: the authorizer failed")
        if not allows(result.response, event["methodArn"]):
            return web.Response(status=403, text="Forbidden: the authorizer denied")
        context = result.response.get("context")
        context = context if isinstance(context, dict) else {}
        connection.authorizer = {**context, "principalId": str(result.response.get("principalId", ""))}
        return None

    def _over_connection_rate(self) -> bool:
        """API Gateway's quota of new connections per second (reference §5): beyond it, 429."""
        now = self.clock()
        recent = self._recent_handshakes
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= self.limits.new_connections_per_second:
            return True
        recent.append(now)
        return False

    async def _run_connect(self, connection: Connection) -> web.Response | None:
        route = self.spec.routes.get(CONNECT)
        if route is None:
            return None
        event = self.events.connect(connection.id, connection.connected_at, connection.client, connection.authorizer)
        result = await self._invoke(route.function, CONNECT, connection.id, event)
        if not result.ok:
            return web.Response(status=500, text="Internal Server Error: $connect failed")
        status = _status_code(result.response)
        if not 200 <= status < 300:
            return web.Response(status=status, text=f"Rejected by $connect ({status})")
        return None

    async def _close(self, connection: Connection, code: int, reason: str) -> None:
        """Send the close frame; a client that does not take it within a second is cut off.
        A connection still in $connect has no socket yet: it is left to finish its handshake."""
        if connection.close_code or connection.ws is None:
            return
        connection.close_code, connection.close_reason = code, reason
        if code != 1008:
            # Frames posted before the close (say, just before a DELETE) still go out first.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(connection.queue.join(), timeout=1.0)
        if connection.writer is not None:
            connection.writer.cancel()
        connection.drop_queue()
        if connection.ws.closed:
            return
        closing = asyncio.create_task(connection.ws.close(code=code, message=reason.encode()))
        closing.add_done_callback(lambda task: task.cancelled() or task.exception())
        await asyncio.wait([closing], timeout=1.0)
        cleanly = closing.done() and not closing.cancelled() and closing.exception() is None
        if not cleanly and connection.transport is not None:
            # A client that stopped reading keeps the close frame (and the socket) pending forever.
            connection.transport.abort()

    async def _closed(self, connection: Connection, code: int) -> None:
        if self.connections.pop(connection.id, None) is None:
            return
        reason = connection.close_reason or "Client closed"
        self.emit(ConnectionClosed(connection.id, code, reason))
        route = self.spec.routes.get(DISCONNECT)
        if route is not None:
            event = self.events.disconnect(
                connection.id, connection.connected_at, connection.client, connection.authorizer, code, reason
            )
            try:
                await self._invoke(route.function, DISCONNECT, connection.id, event, patient=True)
            except asyncio.CancelledError:
                self.emit(Notice(f"{connection.id} $disconnect not waited for: the stop waits {STOP_GRACE:g} s at most, "
                                 "and it was still waiting for a free handler thread or running."))
                raise

    async def _invoke(
        self, function: str, route_key: str, connection_id: str, event: dict[str, Any], patient: bool = False
    ) -> InvocationResult:
        if self.hop:
            await asyncio.sleep(self.hop)
        result = await self.runtime.invoke(self.spec.functions[function], event, self._timeout(function), patient)
        self.emit(Invoked(route_key, connection_id, result))
        return result

    def _timeout(self, function: str) -> float:
        """API Gateway stops waiting at its integration timeout, even for a function allowed longer."""
        return min(self.spec.functions[function].timeout, self.limits.integration_timeout)

    async def _sweep(self) -> None:
        """Close connections past the idle or the hard timeout (1001), as API Gateway does."""
        interval = max(0.05, min(1.0, self.limits.idle_timeout / 5, self.limits.hard_timeout / 5))
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for connection in list(self.connections.values()):
                if now - connection.opened > self.limits.hard_timeout:
                    self.close_soon(connection, 1001, "Connection duration exceeded")
                elif now - connection.last_active > self.limits.idle_timeout:
                    self.close_soon(connection, 1001, "Idle timeout")

    def close_soon(self, connection: Connection, code: int, reason: str) -> None:
        """Close from code that cannot wait (a full queue, a DELETE): the close runs as its own task."""
        self._spawn(self._close(connection, code, reason))

    def _spawn(self, coroutine: Any, then: Callable[[], object] | None = None) -> None:
        """Run a coroutine as a task the gateway waits for when it stops; `then` runs when it ends."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)

        def done(task: asyncio.Task[Any]) -> None:
            self._tasks.discard(task)
            if then is not None:
                then()
            if not task.cancelled() and task.exception() is not None:
                self.emit(Notice(f"The local gateway failed: {task.exception()!r}"))

        task.add_done_callback(done)

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response({"message": f"No stage at {request.path}: use /{self.spec.stage}"}, status=404)


def _status_code(response: Any) -> int:
    """A proxy response's statusCode: none means 200, one that is not a number is an error (500)."""
    if not isinstance(response, dict) or "statusCode" not in response:
        return 200
    try:
        return int(response["statusCode"])
    except (TypeError, ValueError):
        return 500
