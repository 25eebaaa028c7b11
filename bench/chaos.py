"""A chaos run against `wstui dev`: clients doing random, hostile things; prints what held.

    python bench/chaos.py [--clients 300] [--seconds 60] [--seed 1]

`wstui dev` runs the scaffolded chat service, plus a `$default` handler that sometimes raises and
sometimes sleeps past its timeout, in its own process as a user runs it. For the given time each
client connects and then, at random: broadcasts, sends garbage, sends a frame over 32 KB (1009), a
binary frame (1003), pings, stops reading for a while, vanishes without a close, or closes; and
reconnects. At the end it checks and prints: the gateway still serves; every `$connect` that
succeeded got exactly one `$disconnect`; the connection table is empty; no traceback in the log
other than handlers' own; and the process's peak memory. `tests/local/test_chaos.py` runs a short
form. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import boto3

CHAOS_HANDLER = '''\
import random
import time


def default(event, context):
    """Half of what arrives here is garbage; some calls fail, some outlive their timeout."""
    roll = random.random()
    if roll < 0.1:
        raise RuntimeError("chaos: this handler failed on purpose")
    if roll < 0.15:
        time.sleep(1.5)
    return {"statusCode": 200}
'''
INVOKED = re.compile(r"^  (\S+)\s+(\S+)\s+(ok|error|timeout|waited)\s")
ACTIONS = ("send", "garbage", "oversize", "binary", "ping", "stall", "vanish", "close")
WEIGHTS = (1, 30, 3, 3, 30, 3, 5, 5)


@dataclass
class DevProcess:
    """`wstui dev` in its own process, its log read as it comes."""

    process: subprocess.Popen[str]
    project: Path
    url: str = ""
    dynamodb_url: str = ""
    lines: list[str] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)  # time.monotonic() at which each of `lines` was read
    errors: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    readers: list[threading.Thread] = field(default_factory=list)

    @classmethod
    def start(cls, project: Path, *options: str) -> DevProcess:
        """`options` go to `wstui dev` after the benchmarks' own (a free port, no reload, no connection quota)."""
        command = [sys.executable, "-m", "wstui", "dev", "--port", "0", "--no-reload", "--connection-rate", "100000", *options]
        process = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        dev = cls(process, project)
        for stream, into in ((process.stdout, dev.lines), (process.stderr, dev.errors)):
            reader = threading.Thread(target=dev._read, args=(stream, into), daemon=True)
            reader.start()
            dev.readers.append(reader)
        dev.wait_for(lambda: any(line.startswith("  DynamoDB: ") for line in dev.lines), 60)
        dev.url = dev.lines[0].strip()
        dev.dynamodb_url = next(line for line in dev.lines if line.startswith("  DynamoDB: ")).split(": ", 1)[1].strip()
        return dev

    def _read(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            with self.changed:
                if into is self.lines:
                    self.arrived.append(time.monotonic())
                into.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, condition: object, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(condition, timeout)  # type: ignore[arg-type]

    def peak_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=60)
        for reader in self.readers:  # they end at the streams' end, with the last lines read
            reader.join(timeout=10)
        return code


@dataclass
class Ledger:
    """What the log says about each connection's $connect and $disconnect."""

    connected: set[str]
    disconnects: collections.Counter[str]

    @classmethod
    def read(cls, lines: list[str]) -> Ledger:
        connected: set[str] = set()
        disconnects: collections.Counter[str] = collections.Counter()
        for line in lines:
            found = INVOKED.match(line)
            if found and found.group(1) == "$connect" and found.group(3) == "ok":
                connected.add(found.group(2))
            elif found and found.group(1) == "$disconnect" and found.group(3) != "waited":
                disconnects[found.group(2)] += 1
        return cls(connected, disconnects)

    def settled(self) -> bool:
        return all(self.disconnects[cid] >= 1 for cid in self.connected)


@dataclass
class ChaosReport:
    actions: collections.Counter[str]
    connects: int
    missing_disconnect: list[str]
    doubled_disconnect: list[str]
    rows_left: int
    foreign_errors: list[str]
    still_serves: bool
    exit_code: int
    peak_kb: int
    invocations: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    closes: collections.Counter[str] = field(default_factory=collections.Counter)

    def problems(self) -> list[str]:
        found = []
        if not self.still_serves:
            found.append("the gateway no longer served a new client")
        if self.missing_disconnect:
            found.append(f"{len(self.missing_disconnect)} connections got no $disconnect: {self.missing_disconnect[:5]}")
        if self.doubled_disconnect:
            found.append(f"{len(self.doubled_disconnect)} connections got more than one $disconnect")
        if self.rows_left:
            found.append(f"{self.rows_left} rows left in the connection table")
        if self.foreign_errors:
            found.append(f"errors that are not handlers' own: {self.foreign_errors[:5]}")
        if self.exit_code != 0:
            found.append(f"wstui dev exited with {self.exit_code} on Ctrl-C")
        return found

    def print(self) -> None:
        print("actions: " + ", ".join(f"{name} {count}" for name, count in sorted(self.actions.items())))
        print(f"connections that passed $connect: {self.connects}")
        routes = sorted({route for route, _ in self.invocations})
        for route in routes:
            counts = {status: n for (name, status), n in self.invocations.items() if name == route}
            print(f"  {route:<12} " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())))
        print("closes by code: " + ", ".join(f"{code} {n}" for code, n in sorted(self.closes.items())))
        print(f"peak memory of wstui dev: {self.peak_kb / 1024:.0f} MB")
        for line in self.problems() or ["every check held"]:
            print(line)


async def client_life(url: str, session: aiohttp.ClientSession, deadline: float, rng: random.Random,
                      actions: collections.Counter[str], first: str) -> None:
    """Connect, act, reconnect until the deadline. `first` is the first action of the first connection,
    so that a run of at least len(ACTIONS) clients does each kind of thing at least once."""
    while time.monotonic() < deadline:
        try:
            ws = await session.ws_connect(url, autoping=True, max_msg_size=0)
        except (aiohttp.WSServerHandshakeError, aiohttp.ClientError) as refused:
            actions[f"refused {getattr(refused, 'status', type(refused).__name__)}"] += 1
            await asyncio.sleep(rng.uniform(0.1, 0.5))
            continue
        actions["connect"] += 1
        reader = asyncio.create_task(_drain(ws))
        try:
            await _act(ws, reader, deadline, rng, actions, first)
            first = ""
        finally:
            reader.cancel()
            await ws.close()


async def _act(ws: aiohttp.ClientWebSocketResponse, reader: asyncio.Task[None], deadline: float, rng: random.Random,
               actions: collections.Counter[str], first: str) -> None:
    """Random actions (`first`, if given, first) until the connection ends or the run does."""
    while time.monotonic() < deadline and not ws.closed and not reader.done():
        action, first = first or rng.choices(ACTIONS, WEIGHTS)[0], ""
        actions[action] += 1
        if action == "send":
            await ws.send_str(json.dumps({"message": "sendmessage", "data": f"chaos {rng.random()}"}))
        elif action == "garbage":
            await ws.send_str(rng.choice(["not json", "{", json.dumps({"message": "nosuch"}), "\u0000\ud7ff[/x]"]))
        elif action == "oversize":
            await ws.send_str(json.dumps({"message": "sendmessage", "data": "x" * 40_000}))
            return
        elif action == "binary":
            await ws.send_bytes(b"\x00\xffbinary")
            return
        elif action == "ping":
            await ws.ping(b"chaos")
        elif action == "stall":
            reader.cancel()
            await asyncio.sleep(rng.uniform(1, 5))
            return
        elif action == "vanish":
            transport_socket = ws.get_extra_info("socket")
            if transport_socket is not None:
                transport_socket.shutdown(2)  # TCP ends with no WebSocket close frame
            return
        else:
            return
        await asyncio.sleep(rng.uniform(0.5, 2.5))


async def _drain(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for message in ws:
        if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            return


async def swarm(url: str, clients: int, seconds: float, seed: int) -> collections.Counter[str]:
    actions: collections.Counter[str] = collections.Counter()
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(client_life(url, session, deadline, random.Random(seed * 100_003 + index), actions,
                                           ACTIONS[index % len(ACTIONS)])
                               for index in range(clients)))
    return actions


async def still_serves(url: str) -> bool:
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.send_str(json.dumps({"message": "sendmessage", "data": "still there"}))
        message = await ws.receive(timeout=30)
        return message.type == aiohttp.WSMsgType.TEXT and message.data == '"still there"'


def scaffold(into: Path) -> Path:
    subprocess.run([sys.executable, "-m", "wstui", "new", "chat", "--no-input", "-o", str(into)], check=True, capture_output=True)
    project = into / "chat"
    (project / "handlers" / "chaos.py").write_text(CHAOS_HANDLER)
    subprocess.run([sys.executable, "-m", "wstui", "routes", "add", "$default", "--handler", "handlers.chaos:default"],
                   cwd=project, check=True, capture_output=True)
    toml = project / "wstui.toml"
    toml.write_text(toml.read_text().replace('handler = "handlers.chaos:default"', 'handler = "handlers.chaos:default"\ntimeout = 1'))
    return project


def run_chaos(clients: int, seconds: float, seed: int, log: Path | None = None) -> ChaosReport:
    with tempfile.TemporaryDirectory() as scratch:
        dev = DevProcess.start(scaffold(Path(scratch)))
        try:
            actions = asyncio.run(swarm(dev.url, clients, seconds, seed))
            dev.wait_for(lambda: Ledger.read(dev.lines).settled(), 120)
            serves = asyncio.run(still_serves(dev.url))
            dev.wait_for(lambda: Ledger.read(dev.lines).settled(), 30)
            dynamodb = boto3.session.Session().client(
                "dynamodb", endpoint_url=dev.dynamodb_url, region_name="us-east-1",
                aws_access_key_id="local", aws_secret_access_key="local",
            )
            rows = sum(dynamodb.scan(TableName=name)["Count"] for name in dynamodb.list_tables()["TableNames"])
            peak = dev.peak_kb()
        finally:
            code = dev.stop()
        if log is not None:
            log.write_text("\n".join(dev.lines + ["--- stderr ---"] + dev.errors) + "\n")
        ledger = Ledger.read(dev.lines)
        return ChaosReport(
            actions=actions,
            connects=len(ledger.connected),
            missing_disconnect=sorted(cid for cid in ledger.connected if ledger.disconnects[cid] == 0),
            doubled_disconnect=sorted(cid for cid, count in ledger.disconnects.items() if count > 1),
            rows_left=rows,
            foreign_errors=[line for line in dev.lines + dev.errors if _foreign(line)],
            still_serves=serves,
            exit_code=code,
            peak_kb=peak,
            invocations=collections.Counter(
                (found.group(1), found.group(3)) for found in map(INVOKED.match, dev.lines) if found
            ),
            closes=collections.Counter(line.split()[3] for line in dev.lines if line.startswith("- ") and " closed " in line),
        )


def _foreign(line: str) -> bool:
    """A traceback or error report that is not a handler's own (those are indented with `    ! `)."""
    if line.startswith("    ! ") or line.startswith("    | "):
        return False
    return any(mark in line for mark in ("Traceback", "Error handling request", "Task exception", "Exception in"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", type=Path, help="write wstui dev's whole output to this file")
    args = parser.parse_args()
    started = time.monotonic()
    report = run_chaos(args.clients, args.seconds, args.seed, args.log)
    print(f"{args.clients} clients for {args.seconds:.0f} s (seed {args.seed}), {time.monotonic() - started:.0f} s in all")
    report.print()
    sys.exit(1 if report.problems() else 0)


if __name__ == "__main__":
    main()
