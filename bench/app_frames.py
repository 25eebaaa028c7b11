"""Frames per second the app's Console area renders, and its memory, under a flood; prints figures, asserts nothing.

    python bench/app_frames.py [--frames 100000] [--size 64] [--rate 2000] [--seconds 10]

The real app runs headless (`App.run_test`) on a scaffolded chat project; its Console area connects
one session to a small aiohttp server on 127.0.0.1 (a thread of this process) and sends it a JSON
payload naming how many frames to send back, and how fast.

- Flood: FRAMES frames of SIZE bytes as fast as the server writes them, twice. The figure is the
  frames that reached the session's frame log per second, from the send to the last one; the
  resident memory (VmRSS) is read before connecting and after each 100,000.
- Paced: RATE frames per second for SECONDS: the most events ever waiting in the feed between two
  redraws, the frames dropped, and how long after the last frame was sent it was on screen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import tempfile
import threading
import time
from pathlib import Path

from aiohttp import web

from wstui.core.scaffold import Template, scaffold
from wstui.tui.app import WstuiApp
from wstui.tui.config import UserConfig
from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.console.session_panel import SessionPanel

TICK = 0.01


def serve() -> str:
    """Start the server in a thread; it answers {"frames": N, "size": S, "rate": R or 0} with N frames."""
    ready: queue.Queue[str] = queue.Queue()
    loop = asyncio.new_event_loop()

    async def send(ws: web.WebSocketResponse, frames: int, payload: str, rate: float) -> None:
        start = time.monotonic()
        for number in range(frames):
            if rate and number % max(1, int(rate * TICK)) == 0:
                await asyncio.sleep(max(0.0, start + number / rate - time.monotonic()))
            await ws.send_str(payload)

    async def handle(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            order = json.loads(message.data)
            await send(ws, order["frames"], "x" * order["size"], order["rate"])
        return ws

    async def start() -> None:
        app = web.Application()
        app.router.add_get("/", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        ready.put(f"ws://127.0.0.1:{runner.addresses[0][1]}/")

    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    return ready.get(timeout=10)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def on_screen(screen: ConsoleScreen, panel: SessionPanel, total: int) -> tuple[float, int]:
    """Wait until `total` frames have reached the panel (rendered or dropped); (time, most queued)."""
    most_queued = 0
    while panel.frame_log.received + screen.feed.dropped[panel.session.name] < total:
        most_queued = max(most_queued, len(screen.feed.events))
        await asyncio.sleep(TICK)
    return time.perf_counter(), most_queued


async def measure(project: Path, url: str, args: argparse.Namespace) -> None:
    app = WstuiApp(project, project, UserConfig(cursor_blink=False, local_port=0))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        screen.query_one("#url").value = url  # type: ignore[attr-defined]
        before = rss_mb()
        await pilot.press("ctrl+n")
        panel = screen.query_one(SessionPanel)
        while not panel.is_open:
            await asyncio.sleep(TICK)
        total = 0
        print(f"RSS before connecting: {before:.1f} MB")
        for run in (1, 2):
            screen.editor.load(json.dumps({"frames": args.frames, "size": args.size, "rate": 0}))
            start = time.perf_counter()
            await pilot.press("ctrl+s")
            total += args.frames
            end, _ = await on_screen(screen, panel, total)
            dropped = screen.feed.dropped[panel.session.name]
            print(f"flood {run}: {args.frames:,} frames of {args.size} B, {args.frames / (end - start):,.0f} frames/s "
                  f"rendered, {dropped:,} dropped so far, RSS {rss_mb():.1f} MB, "
                  f"{len(panel.frame_log.frames):,} kept in the log")
        paced = int(args.rate * args.seconds)
        screen.editor.load(json.dumps({"frames": paced, "size": args.size, "rate": args.rate}))
        dropped = screen.feed.dropped[panel.session.name]
        start = time.perf_counter()
        await pilot.press("ctrl+s")
        end, most_queued = await on_screen(screen, panel, total + paced)
        late = (end - start) - args.seconds
        print(f"paced: {args.rate:,.0f} frames/s for {args.seconds:g} s: at most {most_queued:,} events queued, "
              f"{screen.feed.dropped[panel.session.name] - dropped:,} dropped, last frame on screen "
              f"{max(late, 0) * 1000:.0f} ms after the server's schedule ended, RSS {rss_mb():.1f} MB")
        panel.session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--rate", type=float, default=2_000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    url = serve()
    with tempfile.TemporaryDirectory() as directory:
        project = scaffold("chat", Path(directory), {}, Template.load(None)).directory
        asyncio.run(measure(project, url, args))


if __name__ == "__main__":
    main()
