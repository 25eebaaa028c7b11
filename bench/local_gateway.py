"""`wstui dev` under load, against the scaffolded chat service; prints figures, asserts nothing.

    python bench/local_gateway.py [--sizes 10,100,500,1000] [--broadcasts 20]

For each N: the time to open N connections with 50 handshakes in flight, the median and p95 time from
one send until all N have the broadcast, and the gateway's memory per idle connection (RSS growth of
the `wstui dev` process). Then sustained messages per second fully delivered to 10 listeners, and the
same broadcasts done by the handler alone (moto + botocore, posts answered in-process, no gateway), so
the gateway's own overhead is visible. The gateway runs in its own process, as a user runs it; the
clients are aiohttp's, in this process. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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

IN_FLIGHT = 50


class Disconnects:
    """Reads `wstui dev`'s log, counting $disconnect invocations, so a round starts only when the
    last round's closes have all been handled (they would otherwise compete with its handshakes)."""

    def __init__(self, log: IO[str]) -> None:
        self.count = 0
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(log,), daemon=True)
        self._reader.start()

    def _read(self, log: IO[str]) -> None:
        for line in log:
            if line.lstrip().startswith("$disconnect"):
                with self._changed:
                    self.count += 1
                    self._changed.notify_all()

    async def reach(self, total: int) -> None:
        def wait() -> None:
            with self._changed:
                if not self._changed.wait_for(lambda: self.count >= total, timeout=120):
                    raise RuntimeError(f"only {self.count} of {total} $disconnect ran")

        await asyncio.to_thread(wait)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def open_all(session: aiohttp.ClientSession, url: str, count: int) -> list[aiohttp.ClientWebSocketResponse]:
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> aiohttp.ClientWebSocketResponse:
        async with gate:
            return await session.ws_connect(url, max_msg_size=0, autoping=True)

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def broadcast_once(clients: list[aiohttp.ClientWebSocketResponse], payload: str) -> float:
    start = time.perf_counter()
    await clients[0].send_str(json.dumps({"message": "sendmessage", "data": payload}))
    await asyncio.gather(*(client.receive() for client in clients))
    return (time.perf_counter() - start) * 1000


async def sustained(url: str, session: aiohttp.ClientSession, messages: int) -> float:
    """Messages per second, each delivered to all 10 listeners (the listeners are the senders)."""
    clients = await open_all(session, url, 10)
    expected = messages

    async def drain(client: aiohttp.ClientWebSocketResponse) -> None:
        for _ in range(expected):
            await client.receive()

    start = time.perf_counter()
    readers = [asyncio.create_task(drain(client)) for client in clients]
    for index in range(messages):
        await clients[index % 10].send_str(json.dumps({"message": "sendmessage", "data": index}))
    await asyncio.gather(*readers)
    elapsed = time.perf_counter() - start
    for client in clients:
        await client.close()
    return messages / elapsed


async def measure(url: str, pid: int, sizes: list[int], broadcasts: int, disconnects: Disconnects) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        closed = 0
        print(f"{'N':>6} {'open ms':>9} {'bcast median ms':>16} {'bcast p95 ms':>13} {'KB/idle conn':>13}")
        for size in sizes:
            before = rss_kb(pid)
            start = time.perf_counter()
            clients = await open_all(session, url, size)
            opened = (time.perf_counter() - start) * 1000
            after = rss_kb(pid)
            samples = [await broadcast_once(clients, f"hello {i}") for i in range(broadcasts)]
            print(
                f"{size:>6} {opened:>9.0f} {statistics.median(samples):>16.1f} {percentile(samples, 0.95):>13.1f}"
                f" {(after - before) / size:>13.1f}"
            )
            await asyncio.gather(*(client.close() for client in clients))
            closed += size
            await disconnects.reach(closed)
        rate = await sustained(url, session, 1000)
        print(f"sustained: {rate:.0f} messages/s fully delivered to 10 listeners")


def handler_alone(project: Path, sizes: list[int], broadcasts: int) -> None:
    """The floor: the send handler's own work (scan + posts through botocore) with no gateway."""
    from botocore import handlers
    from botocore.awsrequest import AWSResponse

    from wstui.core.local.dynamodb import LOCAL_CREDENTIALS, LocalDynamoDB
    from wstui.core.local.dynamodb_transport import LocalDynamoDBTransport
    from wstui.core.local.spec import local_spec
    from wstui.core.project.load import load_project
    from wstui.core.template import synthesize

    loaded = load_project(project)
    spec = local_spec(synthesize(loaded).to_dict(), loaded.project.name)
    dynamodb = LocalDynamoDB()
    url = dynamodb.start()
    dynamodb.create_tables(spec.tables)

    class Empty:
        def stream(self, **_: object) -> object:
            yield b""

    def answer(params: dict, **_: object) -> tuple[AWSResponse, dict]:
        """Posts answered where `wstui dev` answers them: at botocore's before-call stage."""
        return AWSResponse(params["url"], 200, {}, Empty()), {"ResponseMetadata": {"HTTPStatusCode": 200}}

    handlers.BUILTIN_HANDLERS.append(("before-call.apigatewaymanagementapi", answer))
    LocalDynamoDBTransport(url).install()  # DynamoDB calls travel as they do under `wstui dev`
    os.environ.update({**LOCAL_CREDENTIALS, "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_DYNAMODB": url})
    os.environ["CONNECTION_TABLE"] = spec.tables[0].name
    sys.path.insert(0, str(project))
    from handlers import connections, send_message  # type: ignore[import-not-found]

    event = {
        "requestContext": {"connectionId": "sender", "domainName": "example.invalid", "stage": "v1"},
        "body": json.dumps({"message": "sendmessage", "data": "hello"}),
    }
    print(f"{'N':>6} {'handler alone median ms':>24} {'p95 ms':>8}")
    present = 0
    for size in sizes:
        for index in range(present, size):
            connections.add(f"conn-{index}")
        present = size
        samples = []
        for _ in range(broadcasts):
            start = time.perf_counter()
            send_message.handle(event, None)
            samples.append((time.perf_counter() - start) * 1000)
        print(f"{size:>6} {statistics.median(samples):>24.1f} {percentile(samples, 0.95):>8.1f}")
    dynamodb.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,500,1000")
    parser.add_argument("--broadcasts", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([sys.executable, "-m", "wstui", "new", "chat", "--no-input", "-o", scratch], check=True,
                       capture_output=True)
        project = Path(scratch) / "chat"
        # API Gateway's quota of 500 new connections a second is lifted: this measures the gateway.
        command = ["wstui", "dev", "--port", "0", "--no-reload", "--connection-rate", "100000"]
        server = subprocess.Popen([sys.executable, "-m", *command], cwd=project,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            disconnects = Disconnects(server.stdout)
            print(f"wstui dev at {url} (pid {server.pid})")
            asyncio.run(measure(url, server.pid, sizes, args.broadcasts, disconnects))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
        handler_alone(project, sizes, args.broadcasts)


if __name__ == "__main__":
    main()
