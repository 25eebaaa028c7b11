"""A broadcast under `wstui dev --latency`: the scaffolded sendmessage, and a variant that posts to one
connection at a time, with the profile off and on; prints figures, asserts nothing.

    python bench/latency_broadcast.py [--sizes 20,100,1000] [--broadcasts 3]

For each variant, profile and N: the first broadcast's time from the send until the last of N
connections has the message (it pays the cold start), then the median of that time over the next
broadcasts, the handler's own median duration as `wstui dev` logs it, and how many of the N got it (a
handler past its 10 s timeout stops posting: in Lambda it is stopped, here its result is dropped and
the posts it still makes are what a stopped function would not have made). Each run is a fresh
`wstui dev` on a fresh scaffold, clients are aiohttp's in this process, all on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import aiohttp

SCAFFOLDED = "delivered = list(posting.map(lambda connection_id: post(client, connection_id, data), ids))"
ONE_AT_A_TIME = "delivered = [post(client, connection_id, data) for connection_id in ids]"
HANDLER_LINE = re.compile(r"^\s+sendmessage\s+\S+\s+(\w+)\s+([\d.]+) ms")
IN_FLIGHT = 50


def post_one_at_a_time(project: Path) -> None:
    """The variant of the scaffolded `sendmessage` that posts to one connection after another."""
    handler = project / "handlers" / "send_message.py"
    source = handler.read_text()
    if SCAFFOLDED not in source:
        raise SystemExit(f"{handler} no longer holds the scaffolded broadcast line this variant replaces")
    handler.write_text(source.replace(SCAFFOLDED, ONE_AT_A_TIME))
WAIT = 15.0  # past the function's 10 s timeout: what has not arrived by then never will


class HandlerLog:
    """The sendmessage lines of `wstui dev`'s log: (status, duration ms), in order."""

    def __init__(self, log: IO[str]) -> None:
        self.lines: list[tuple[str, float]] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(log,), daemon=True).start()

    def _read(self, log: IO[str]) -> None:
        for line in log:
            found = HANDLER_LINE.match(line)
            if found:
                with self._changed:
                    self.lines.append((found.group(1), float(found.group(2))))
                    self._changed.notify_all()

    async def nth(self, count: int) -> tuple[str, float]:
        def wait() -> tuple[str, float]:
            with self._changed:
                self._changed.wait_for(lambda: len(self.lines) >= count, timeout=60)
                return self.lines[count - 1]

        return await asyncio.to_thread(wait)


async def run(url: str, log: HandlerLog, size: int, broadcasts: int) -> tuple[float, float, float, int, str]:
    """The first broadcast's ms until the last recipient; over the `broadcasts` after it, the median of
    that and of the handler's ms; the fewest recipients of any, and the handler's statuses."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def connect() -> aiohttp.ClientWebSocketResponse:
            async with gate:
                return await session.ws_connect(url, max_msg_size=0)

        clients = list(await asyncio.gather(*(connect() for _ in range(size))))
        last, handler, reached, statuses = [], [], [], set()
        for index in range(1, broadcasts + 2):
            started = time.perf_counter()
            await clients[0].send_str(json.dumps({"message": "sendmessage", "data": index}))

            async def receive(client: aiohttp.ClientWebSocketResponse) -> float | None:
                try:
                    while True:
                        message = await asyncio.wait_for(client.receive(), WAIT)
                        if message.data == str(index):
                            return time.perf_counter() - started
                except TimeoutError:
                    return None

            arrivals = [t for t in await asyncio.gather(*(receive(client) for client in clients)) if t is not None]
            status, duration = await log.nth(index)
            last.append(max(arrivals, default=WAIT) * 1000)
            handler.append(duration)
            reached.append(len(arrivals))
            statuses.add(status)
        await asyncio.gather(*(client.close() for client in clients))
    return last[0], statistics.median(last[1:]), statistics.median(handler[1:]), min(reached), "/".join(sorted(statuses))


def measure(variant: str, latency: str, size: int, broadcasts: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([sys.executable, "-m", "wstui", "new", "chat", "--no-input", "-o", scratch], check=True, capture_output=True)
        project = Path(scratch) / "chat"
        if variant == "one at a time":
            post_one_at_a_time(project)
        command = ["wstui", "dev", "--port", "0", "--no-reload", "--connection-rate", "100000", "--latency", latency]
        server = subprocess.Popen([sys.executable, "-m", *command], cwd=project, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            first, last, duration, reached, statuses = asyncio.run(run(url, HandlerLog(server.stdout), size, broadcasts))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
    return f"| {variant} | {latency} | {size} | {first:.0f} | {last:.0f} | {duration:.0f} ({statuses}) | {reached}/{size} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,100,1000")
    parser.add_argument("--broadcasts", type=int, default=3)
    args = parser.parse_args()
    print("| sendmessage | latency | N | first broadcast, last recipient ms | then: last recipient ms (median) "
          "| handler ms (median) | reached (fewest) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        for variant in ("scaffolded", "one at a time"):
            for latency in ("off", "cloud"):
                print(measure(variant, latency, size, args.broadcasts), flush=True)


if __name__ == "__main__":
    main()
