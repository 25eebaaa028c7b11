"""A WebSocket client session on websocket-client, its reader in a thread of its own.

The session reports everything through one callback, called from the reader thread (connection
events, received frames) and from whichever thread sends (sent frames), never while a lock is held:
the callback must be thread-safe (Textual's `post_message` and `queue.Queue.put` are) and should be
quick, because the reader delivers the next frame only when it returns. A callback that raises does
not stop the reader. `send` and `close` may be called from any thread, the callback included.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import websocket
from websocket import ABNF

from wstui.core.console.events import Closed, ClosedBy, Connected, Connecting, ConsoleEvent, Direction, Failed, Frame
from wstui.core.console.failures import describe_failure
from wstui.core.console.target import ConnectionTarget
from wstui.core.errors import UsageError, WstuiError

DATA_OPCODES = (ABNF.OPCODE_TEXT, ABNF.OPCODE_BINARY, ABNF.OPCODE_CONT)
NO_STATUS = 1005
ABNORMAL = 1006
SENDABLE = (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011)
_session_numbers = itertools.count(1)


class ConsoleError(WstuiError):
    """A console operation that cannot be done now, such as sending on a session that is not open."""


class SessionState(StrEnum):
    IDLE = "idle"
    CONNECTING = "connecting"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"
    FAILED = "failed"


@dataclass(frozen=True)
class Clock:
    """The session's two clocks, a seam for tests: `monotonic` orders frames, `wall` dates them."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time


class ConsoleSession:
    """One client connection. `start()` returns at once; the outcome arrives as Connected or Failed."""

    def __init__(
        self,
        target: ConnectionTarget,
        on_event: Callable[[ConsoleEvent], None],
        *,
        name: str | None = None,
        timeout: float = 10.0,
        close_timeout: float = 3.0,
        clock: Clock = Clock(),
    ) -> None:
        self.target = target
        self.name = name or f"session-{next(_session_numbers)}"
        self.timeout = timeout
        self.close_timeout = close_timeout
        self._on_event = on_event
        self._clock = clock
        self._lock = threading.Lock()
        self._order = threading.Lock()
        self._sends_under_way = 0
        self._held: list[ConsoleEvent] = []
        """Frames read (and the close) while a send was under way, reported once it is: an answer can be
        read before the sending thread reports its message, and the log and the reply times must see the
        message first. The reader never waits (a send blocked on a full socket must not stop it reading)."""
        self._state = SessionState.IDLE
        self._ws: websocket.WebSocket | None = None
        self._close_request: tuple[int, str] | None = None
        self._close_timer: threading.Timer | None = None
        self._thread = threading.Thread(target=self._run, name=f"wstui-console-{self.name}", daemon=True)

    @property
    def state(self) -> SessionState:
        return self._state

    def start(self) -> None:
        with self._lock:
            if self._state is not SessionState.IDLE:
                raise ConsoleError(f"Session {self.name} was already started.")
            self._state = SessionState.CONNECTING
        self._thread.start()

    def send(self, data: str | bytes) -> Frame:
        """Send one text (`str`) or binary (`bytes`) message; the Frame reported for it is returned too."""
        with self._lock:
            ws, state = self._ws, self._state
        if ws is None or state is not SessionState.OPEN:
            raise ConsoleError(f"Session {self.name} is not connected (it is {state}).")
        payload = data if isinstance(data, bytes) else data.encode()
        opcode = ABNF.OPCODE_BINARY if isinstance(data, bytes) else ABNF.OPCODE_TEXT
        with self._order:
            self._sends_under_way += 1
        monotonic, wall = self._clock.monotonic(), self._clock.wall()
        try:
            ws.send(payload, opcode)
        except (OSError, websocket.WebSocketException) as error:
            self._sent(None)
            raise ConsoleError(f"Cannot send on session {self.name}: the connection is gone ({error}).") from None
        frame = Frame(self.name, Direction.SENT, monotonic, wall, len(payload), data)
        self._sent(frame)
        return frame

    def _sent(self, frame: Frame | None) -> None:
        """Report a send's frame (None: it failed), then what was read meanwhile if no other send is under way."""
        with self._order:
            if frame is not None:
                self._emit(frame)
            self._sends_under_way -= 1
            if not self._sends_under_way:
                for held in self._held:
                    self._emit(held)
                self._held.clear()

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake; Closed follows once the server answers, or after `close_timeout`."""
        if not (code in (1000, 1001) or 3000 <= code <= 4999):
            raise UsageError(f"A client cannot close with code {code}: use 1000, 1001 or 3000-4999.")
        with self._lock:
            if self._state not in (SessionState.CONNECTING, SessionState.OPEN):
                return
            self._close_request = (code, reason)
            if self._state is SessionState.CONNECTING:
                return  # the reader closes as soon as the handshake is done
            self._state = SessionState.CLOSING
            ws = self._ws
        assert ws is not None
        self._send_close(ws, code, reason)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the session has ended (Closed or Failed reported); False if `timeout` ran out first."""
        if self._thread.ident is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # --- the reader thread ------------------------------------------------------------------------

    def _run(self) -> None:
        shown = self.target.shown_url  # events are shown to people: no token in them
        self._emit(Connecting(self.name, shown, self._clock.wall()))
        ws = websocket.WebSocket(enable_multithread=True, skip_utf8_validation=True)
        try:
            ws.connect(self.target.full_url, header=self.target.header_lines, timeout=self.timeout)
        except Exception as error:  # every way a connection can fail becomes one sentence
            kind, message, status, body = describe_failure(error, shown, self.timeout)
            with self._lock:
                self._state = SessionState.FAILED
            self._emit(Failed(self.name, kind, message, self._clock.wall(), status, body))
            return
        ws.settimeout(None)  # the handshake had a deadline; waiting for the next frame has none
        with self._lock:
            self._ws = ws
            closing = self._close_request
            self._state = SessionState.CLOSING if closing else SessionState.OPEN
        self._emit(Connected(self.name, shown, ws.getstatus() or 101, self._clock.wall()))
        if closing:
            self._send_close(ws, *closing)
        closed = self._read(ws)
        with self._lock:
            self._state = SessionState.CLOSED
            timer = self._close_timer
        if timer is not None:
            timer.cancel()
        ws.shutdown()
        self._report_read(closed)

    def _read(self, ws: websocket.WebSocket) -> Closed:
        """Deliver every whole message until a close frame arrives or the connection breaks."""
        pieces = ws.cont_frame  # websocket-client's reassembly of fragmented messages
        try:
            while True:
                frame = ws.recv_frame()
                opcode = frame.opcode
                if opcode in DATA_OPCODES:
                    pieces.validate(frame)
                    pieces.add(frame)
                    if frame.fin:
                        opcode, whole = pieces.extract(frame)
                        self._received(opcode, whole.data)
                elif opcode == ABNF.OPCODE_CLOSE:
                    return self._closed_by_frame(ws, frame.data)
                elif opcode == ABNF.OPCODE_PING:
                    ws.pong(frame.data)
        except Exception as error:  # a reset, an abort after close_timeout, a protocol error
            return self._lost(error)

    def _received(self, opcode: int, data: bytes) -> None:
        monotonic, wall = self._clock.monotonic(), self._clock.wall()
        message: str | bytes = data.decode("utf-8", errors="replace") if opcode == ABNF.OPCODE_TEXT else data
        self._report_read(Frame(self.name, Direction.RECEIVED, monotonic, wall, len(data), message))

    def _report_read(self, event: ConsoleEvent) -> None:
        with self._order:
            if self._sends_under_way:
                self._held.append(event)
            else:
                self._emit(event)

    def _closed_by_frame(self, ws: websocket.WebSocket, data: bytes) -> Closed:
        code, reason = NO_STATUS, ""
        if len(data) >= 2:
            code, reason = struct.unpack("!H", data[:2])[0], data[2:].decode("utf-8", "replace")
        with self._lock:
            request = self._close_request
            self._state = SessionState.CLOSING
        if request is not None:
            return Closed(self.name, request[0], request[1], ClosedBy.CLIENT, self._clock.wall())
        with contextlib.suppress(Exception):  # the echo is a courtesy; the server may be gone already
            ws.send_close(code if code in SENDABLE or 3000 <= code <= 4999 else 1000)
        return Closed(self.name, code, reason, ClosedBy.SERVER, self._clock.wall())

    def _lost(self, error: Exception) -> Closed:
        with self._lock:
            request = self._close_request
        if request is not None:
            return Closed(self.name, request[0], request[1], ClosedBy.CLIENT, self._clock.wall())
        reason = f"connection lost: {error}" if str(error) else "connection lost"
        return Closed(self.name, ABNORMAL, reason, ClosedBy.NETWORK, self._clock.wall())

    def _send_close(self, ws: websocket.WebSocket, code: int, reason: str) -> None:
        timer = threading.Timer(self.close_timeout, _cut_off, (ws,))
        timer.daemon = True
        with self._lock:
            self._close_timer = timer
        timer.start()
        try:
            ws.send_close(code, reason)
        except Exception:  # the socket is already broken: the reader is ending anyway; make sure
            _cut_off(ws)

    def _emit(self, event: ConsoleEvent) -> None:
        with contextlib.suppress(Exception):
            self._on_event(event)


def _cut_off(ws: websocket.WebSocket) -> None:
    """Wake the reader by shutting the socket down (websocket-client's `abort` does nothing once a close
    frame has been sent)."""
    sock = ws.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
