"""A small aiohttp server on 127.0.0.1 whose paths misbehave on purpose, for what the gateway never does."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from aiohttp import WSMsgType, web


async def numbered(request: web.Request) -> web.WebSocketResponse:
    """`go N` answers with the N text frames "0" to "N-1", written as fast as aiohttp can."""
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type == WSMsgType.TEXT and message.data.startswith("go "):
            for number in range(int(message.data.split()[1])):
                await ws.send_str(str(number))
    return ws


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type == WSMsgType.BINARY:
            await ws.send_bytes(message.data)
        elif message.type == WSMsgType.TEXT:
            await ws.send_str(message.data)
    return ws


async def drop(request: web.Request) -> web.WebSocketResponse:
    """Any message makes the server cut the TCP connection without a close frame."""
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    await ws.receive()
    assert request.transport is not None
    request.transport.abort()
    return ws


async def deaf(request: web.Request) -> web.WebSocketResponse:
    """Never answers the client's close frame, and keeps the connection open until the client leaves."""
    ws = web.WebSocketResponse(autoclose=False)
    await ws.prepare(request)
    async for _message in ws:
        pass
    return ws


@pytest.fixture
def toy_server() -> Iterator[str]:
    """The base URL (`ws://127.0.0.1:PORT`) of a server with the paths /numbered, /echo, /drop and /deaf."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    app = web.Application()
    for handler in (numbered, echo, drop, deaf):
        app.router.add_get(f"/{handler.__name__}", handler)
    runner = web.AppRunner(app, access_log=None)

    async def start() -> str:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return f"ws://{host}:{port}"

    yield asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
