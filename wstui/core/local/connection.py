"""One client of the local gateway, and the quotas it is held to.

A connection's outgoing frames wait in a queue that one writer task drains. The queue is bounded in
frames and in bytes: a client that stops reading while broadcasts of 100 KB pile up for it would
otherwise hold the process's memory, and one stalled client must never cost the others.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from wstui.core.local.events import ClientInfo


@dataclass(frozen=True)
class Limits:
    """API Gateway's quotas (reference §5); each can be changed for local experiments."""

    max_message_bytes: int = 128 * 1024
    max_frame_bytes: int = 32 * 1024
    max_post_bytes: int = 128 * 1024
    # aiohttp's own cap; bigger messages are cut off mid-read, which a client may see as a reset.
    max_read_bytes: int = 16 * 1024 * 1024
    idle_timeout: float = 600.0
    hard_timeout: float = 7200.0
    # Frames waiting for a client that reads slowly; past either bound it is closed with 1008.
    send_queue_frames: int = 1000
    send_queue_bytes: int = 4 * 1024 * 1024
    # Messages of one connection whose handlers run at once; past it the gateway reads on when one ends.
    messages_in_flight: int = 100
    integration_timeout: float = 29.0
    new_connections_per_second: int = 500


@dataclass
class Connection:
    """One client, from the handshake until $disconnect has been sent."""

    id: str
    client: ClientInfo
    connected_at: int
    authorizer: dict[str, Any] | None = None
    ws: web.WebSocketResponse | None = None
    last_active: float = field(default_factory=time.monotonic)
    opened: float = field(default_factory=time.monotonic)
    queue: asyncio.Queue[str | bytes] = field(default_factory=asyncio.Queue)
    queued_bytes: int = 0
    writer: asyncio.Task[None] | None = None
    transport: asyncio.BaseTransport | None = None
    close_code: int = 0
    close_reason: str = ""
    messages: int = 0
    refuse_after: int | None = None

    @property
    def is_open(self) -> bool:
        return self.ws is not None and not self.ws.closed

    def refuse_after_messages(self, messages_before: int) -> None:
        """The frame guard's report: the message after these (counted from the first) had a frame over 32 KB."""
        self.refuse_after = messages_before

    def offer(self, frame: str | bytes, limits: Limits) -> bool:
        """Queue a frame for the writer; False when it would pass the queue's bound in frames or bytes.
        A text frame counts one byte a character: the queue's memory, not its UTF-8 size, is the point."""
        size = len(frame)
        if self.queue.qsize() >= limits.send_queue_frames or self.queued_bytes + size > limits.send_queue_bytes:
            return False
        self.queue.put_nowait(frame)
        self.queued_bytes += size
        return True

    async def take(self) -> str | bytes:
        frame = await self.queue.get()
        self.queued_bytes -= len(frame)
        return frame

    def drop_queue(self) -> None:
        """Forget the frames still waiting, so a closed client's backlog is freed at once."""
        while not self.queue.empty():
            self.queue.get_nowait()
            self.queue.task_done()
        self.queued_bytes = 0
