"""The app's local service: `LocalService` on an event loop of its own thread, its events in a queue.

Starting the service spawns moto and binds sockets, which would freeze the screen if it ran on the
app's loop; on its own thread it cannot. The service's events land in a bounded deque (appends are
thread-safe) that the Local area drains on a timer, so a burst of traffic becomes one batched redraw.
The service's module (aiohttp, boto3, moto's transport) is imported when it first starts, not with the app.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import deque
from typing import TYPE_CHECKING, Any

from wstui.core.errors import WstuiError
from wstui.core.local.ports import free_port_after
from wstui.core.project.model import Project

if TYPE_CHECKING:
    from wstui.core.local.activity import GatewayEvent
    from wstui.core.local.service import LocalService

HOST = "127.0.0.1"
QUEUED_EVENTS = 20_000


class LocalGateway:
    def __init__(self) -> None:
        self.events: deque[GatewayEvent] = deque(maxlen=QUEUED_EVENTS)
        self.service: LocalService | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.service is not None

    @property
    def url(self) -> str:
        return self.service.url if self.service else ""

    @property
    def latency(self) -> str:
        """The latency profile the running service applies, in words ("off" when none)."""
        return self.service.latency_text if self.service else ""

    @property
    def frame_counts(self) -> tuple[int, int] | None:
        """Frames received and sent since the gateway started (plain counters: read from any thread)."""
        if self.service is None:
            return None
        return self.service.gateway.frames_received, self.service.gateway.frames_sent

    async def start(self, project: Project, port: int) -> str:
        """The service's ws:// URL once it listens; WstuiError when it cannot start."""
        if self.service is not None:
            return self.service.url
        from wstui.core.local.service import DevOptions, LocalService, local_build
        from wstui.core.project.secrets import secret_parameters

        template, plugins = await asyncio.to_thread(local_build, project)
        parameters = await asyncio.to_thread(secret_parameters, project, os.environ)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="wstui-local", daemon=True)
        thread.start()
        service = LocalService(project, template, DevOptions(HOST, port), self.events.append, parameters,
                               plugins=plugins, environ=os.environ)
        self._loop, self._thread, self.service = loop, thread, service
        try:
            return str(await self._on_loop(service.start()))
        except OSError as error:
            await self.stop()
            free = free_port_after(HOST, port) if port else None
            choice = f"{free} (free now) or 0 (any free port)" if free else "0 (any free port)"
            raise WstuiError(f"Cannot listen on {HOST}:{port}: {error.strerror}. Set Port to {choice}, then start.") from None
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Close every connection, stop DynamoDB and free the port; nothing when not running."""
        service, loop, thread = self.service, self._loop, self._thread
        self.service = self._loop = self._thread = None
        if service is None or loop is None or thread is None:
            return
        try:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(service.stop(), loop))
        finally:
            loop.call_soon_threadsafe(loop.stop)
            await asyncio.to_thread(thread.join, 10)
            if not thread.is_alive():
                loop.close()

    async def _on_loop(self, coroutine: Any) -> Any:
        assert self._loop is not None
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def drain(self) -> list[GatewayEvent]:
        """The events since the last drain, oldest first."""
        drained: list[GatewayEvent] = []
        while self.events:
            drained.append(self.events.popleft())
        return drained
