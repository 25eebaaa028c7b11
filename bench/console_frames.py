"""Frames per second a console session delivers to its callback; prints figures, asserts nothing.

    python bench/console_frames.py [--frames 100000] [--size 64] [--runs 3]

A small aiohttp server on 127.0.0.1 (in a thread of this process) answers the text `go` with N text
frames of SIZE bytes as fast as it can write them; the session's callback counts them. The figure
is N divided by the time from `go` being sent to the last frame reaching the callback, so it includes
the server's own cost on the same 2 cores: the session's true ceiling is higher. Issue 6 asks for at
least 2,000 frames per second on one session.
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import statistics
import threading
import time

from aiohttp import web

from wstui.core.console import (
    Closed,
    Connected,
    ConnectionTarget,
    ConsoleEvent,
    ConsoleSession,
    Direction,
    Failed,
    Frame,
)


def serve(frames: int, size: int) -> tuple[str, asyncio.AbstractEventLoop]:
    """Start the flooding server in a thread; return its URL and loop."""
    payload = "x" * size
    ready: queue.Queue[str] = queue.Queue()
    loop = asyncio.new_event_loop()

    async def flood(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            if message.data == "go":
                for _ in range(frames):
                    await ws.send_str(payload)
        return ws

    async def start() -> None:
        app = web.Application()
        app.router.add_get("/", flood)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        ready.put(f"ws://{host}:{port}/")

    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    return ready.get(timeout=10), loop


def one_run(url: str, frames: int) -> float:
    done = threading.Event()
    outcome: queue.Queue[ConsoleEvent] = queue.Queue()
    received = 0

    def on_event(event: ConsoleEvent) -> None:
        nonlocal received
        if isinstance(event, Frame) and event.direction is Direction.RECEIVED:
            received += 1
            if received == frames:
                done.set()
        elif isinstance(event, Closed):
            done.set()
        elif isinstance(event, Connected | Failed):
            outcome.put(event)

    session = ConsoleSession(ConnectionTarget(url), on_event)
    session.start()
    answer = outcome.get(timeout=10)
    if isinstance(answer, Failed):
        raise SystemExit(answer.message)
    start = time.perf_counter()
    session.send("go")
    done.wait(300)
    elapsed = time.perf_counter() - start
    session.close()
    session.wait(10)
    if received != frames:
        raise SystemExit(f"only {received} of {frames} frames arrived")
    return frames / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url, _loop = serve(args.frames, args.size)
    rates = [one_run(url, args.frames) for _ in range(args.runs)]
    print(f"{args.frames} frames of {args.size} bytes, {args.runs} runs, one session")
    print(f"frames/s delivered to the callback: median {statistics.median(rates):,.0f} "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f})")


if __name__ == "__main__":
    main()
