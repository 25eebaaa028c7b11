"""API Gateway's 32 KB limit on a single WebSocket frame, which aiohttp cannot see.

aiohttp's reader joins a message's frames before handing it on, so only the message's size reaches
the gateway. This guard sits in front of that reader on one connection and reads the frame headers
of what the client sends (2 to 14 bytes a frame; payloads are skipped, never copied), so a 100 KB
message sent as four 25 KB frames passes, as in AWS, while a single 40 KB frame trips it. The bytes
themselves go on to aiohttp unchanged. The guard reports how many whole messages came before the
offending frame: the gateway routes those, then closes with 1009 where the offending message would
be routed, from its own reading loop, so that aiohttp waits for the client's answer to the close
(closing while the client is still sending would reset the connection under the close frame).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DATA_OPCODES = frozenset({0x0, 0x1, 0x2})  # continuation, text, binary
FIN = 0x80


class FrameSizeGuard:
    """Wraps aiohttp's WebSocket reader; calls `on_too_big(messages_before)` once, for the first data
    frame over `limit`."""

    def __init__(self, reader: Any, limit: int, on_too_big: Callable[[int], None]) -> None:
        self.reader = reader
        self.limit = limit
        self.on_too_big = on_too_big
        self.tripped = False
        self.messages = 0  # data messages whose final frame has begun
        self._header = bytearray()
        self._payload_left = 0

    def feed_data(self, data: bytes) -> Any:
        if not self.tripped:
            self._scan(data)
        return self.reader.feed_data(data)

    def feed_eof(self) -> Any:
        return self.reader.feed_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)

    def _scan(self, data: bytes) -> None:
        position, end = 0, len(data)
        while position < end:
            if self._payload_left:
                step = min(self._payload_left, end - position)
                self._payload_left -= step
                position += step
                continue
            self._header.append(data[position])
            position += 1
            length = _payload_length(self._header)
            if length is None:
                continue
            if self._header[0] & 0x0F in DATA_OPCODES:
                if length > self.limit:
                    self.tripped = True
                    self.on_too_big(self.messages)
                    return
                if self._header[0] & FIN:
                    self.messages += 1
            self._payload_left = length
            self._header.clear()


def _payload_length(header: bytearray) -> int | None:
    """The frame's payload length once `header` holds the whole frame header (RFC 6455 §5.2), else None."""
    if len(header) < 2:
        return None
    short = header[1] & 0x7F
    extended = 2 if short == 126 else 8 if short == 127 else 0
    mask = 4 if header[1] & 0x80 else 0
    if len(header) < 2 + extended + mask:
        return None
    return int.from_bytes(header[2:2 + extended], "big") if extended else short


def guard_frames(protocol: Any, limit: int, on_too_big: Callable[[int], None]) -> None:
    """Put the guard in front of the reader aiohttp gave this connection when its handshake ended.
    (A client must wait for the handshake's answer before it sends a frame, RFC 6455 §4.1, so no
    frame has reached the reader unseen.)"""
    protocol._payload_parser = FrameSizeGuard(protocol._payload_parser, limit, on_too_big)
