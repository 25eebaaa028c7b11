"""One process's (or thread's) share of a run: its clients on one asyncio loop with aiohttp.

The driver opens its clients as the shared pacer allows, lets senders send and readers match what
arrives, and every half second hands its samples to the run. The run steers it through `Control`:
`start` when every driver is ready (worker processes take a while to start), `quiet` (open and send no more), then `close` (close every connection with 1000, send the last batch).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import math
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import yarl

from wstui.core.load.kinds import ErrorKind, close_kind, frame_kind, handshake_kind
from wstui.core.load.pacing import HandshakePacer, SharedArray
from wstui.core.load.payload import MessageIds, PayloadTemplate
from wstui.core.load.plan import LoadPlan
from wstui.core.load.samples import SampleBatch
from wstui.core.load.scenario import Close, Connect, Send, Think, WaitFor

TICK = 0.5
GROUP = 0.025  # how far ahead of its time a message may go, to leave with others due about then
POLL = 0.05
CLOSE_TIMEOUT = 5.0
BACKLOG = 64  # frames a scenario client keeps since its last send, for a wait_for that starts after they came


class Flag(Protocol):
    """A threading.Event, or multiprocessing's."""

    def is_set(self) -> bool: ...

    def set(self) -> None: ...


@dataclass(frozen=True)
class Control:
    """What the run tells its drivers, in this order: start (every driver is ready), quiet, close."""

    start: Flag
    quiet: Flag
    close: Flag


@dataclass
class Client:
    index: int
    ws: aiohttp.ClientWebSocketResponse | None = None
    last_id: str = ""
    backlog: deque[str] | None = None
    waiting: tuple[str, asyncio.Future[None]] | None = None
    closing: bool = False  # the run closes it: its end is no error


class Driver:
    def __init__(self, plan: LoadPlan, worker: int, run_id: str, pacing: SharedArray, control: Control,
                 deliver: Callable[[SampleBatch], None], clock: Callable[[], float]) -> None:
        self.plan = plan
        self.worker = worker
        self.ids = MessageIds(run_id, worker, plan.workers)
        self.find_ids = self.ids.finder()
        self.template = PayloadTemplate(plan.payload)
        self.pacer = HandshakePacer(plan.rate, pacing, clock)
        self.control = control
        self.deliver = deliver
        self.clock = clock
        self.batch = SampleBatch(worker)
        self.clients: dict[int, Client] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.seq = 0
        self.due: list[tuple[float, int]] = []  # (when, client index): each sender's next message, a heap
        self.sender_joined = asyncio.Event()
        self.quiet = False
        self.closing = False

    async def run(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, enable_cleanup_closed=True)
        # No session timeout: each handshake has its own (connect_timeout), and aiohttp keeps a session
        # timeout's timer for as long as a WebSocket stays open, a thousand of them in the loop's heap,
        # which every other timer's push and pop then has to compare against.
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None)) as session:
            self.deliver(SampleBatch(self.worker, ready=True))
            while not any(flag.is_set() for flag in (self.control.start, self.control.quiet, self.control.close)):
                await asyncio.sleep(POLL)
            opener = asyncio.create_task(self._open_all(session))
            if self.plan.scenario is None and self.plan.senders:
                self._spawn(self._send_due())
            next_tick = self.clock() + TICK
            while not self.control.close.is_set():
                if self.control.quiet.is_set() and not self.quiet:
                    self.quiet = True
                    opener.cancel()
                    self.batch.quiet = True
                    self._flush()
                if self.clock() >= next_tick:
                    next_tick += TICK
                    self._flush()
                await asyncio.sleep(POLL)
            self.quiet = self.closing = True
            opener.cancel()
            await self._close_all()
        self.batch.quiet = self.batch.done = True
        self._flush()

    def _flush(self) -> None:
        batch, self.batch = self.batch, SampleBatch(self.worker, quiet=self.batch.quiet)
        self.deliver(batch)

    async def _open_all(self, session: aiohttp.ClientSession) -> None:
        for index in self.plan.clients_of(self.worker):
            started = await self.pacer.take()
            if self.quiet:
                return
            self._spawn(self._client(session, index, started))

    async def _client(self, session: aiohttp.ClientSession, index: int, started: float) -> None:
        client = Client(index)
        self.clients[index] = client
        self.batch.attempts.append(started)
        target = self.plan.target
        try:
            client.ws = await asyncio.wait_for(
                session.ws_connect(yarl.URL(target.full_url, encoded=True), headers=list(target.headers),
                                   autoping=True, max_msg_size=0),
                self.plan.connect_timeout,
            )
        except Exception as error:  # noqa: BLE001 (every way a handshake fails is counted by its kind)
            self.batch.errors.append(handshake_kind(error))
            self.batch.finished += 1
            return
        opened = self.clock()
        self.batch.handshakes.append(opened - started)
        self.batch.opened.append((index, opened))
        if self.plan.scenario is None:
            if index < self.plan.senders:
                heapq.heappush(self.due, (opened + self.plan.every, index))
                self.sender_joined.set()
            await self._read(client)
        else:
            client.backlog = deque(maxlen=BACKLOG)
            self._spawn(self._read(client))
            await self._run_steps(client)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _send(self, client: Client, template: PayloadTemplate) -> None:
        assert client.ws is not None
        number = self.ids.number(self.seq)
        self.seq += 1
        client.last_id = self.ids.text(number)
        text = template.fill(client.last_id, client.index)
        if client.backlog is not None:
            client.backlog.clear()
        sent = self.clock()
        try:
            await client.ws.send_str(text)
        except (ConnectionError, aiohttp.ClientError):
            return  # the connection closed under it: its reader counts the close
        self.batch.sent.append((number, client.index, sent))
        self.batch.frames_out += 1

    async def _send_due(self) -> None:
        """Every sender's messages, from one loop with one timer: it sleeps until the earliest is due, then
        sends every message due within GROUP (25 ms, or a tenth of --every if less), so a message may go
        that much ahead of its time, never later for this. Frames that leave together are read, and
        answered, in fewer wake-ups of both sides: 1,000 senders echoing every 5 s for 30 s took 2.3 CPU
        seconds here instead of 4.2 sent one by one (1.6 of either is start-up and handshakes).
        A send waits only when its connection has 64 KB unsent (its peer stopped reading); the other
        senders wait with it then, and the times recorded are still those at which each message went.

        A sender that connects is due later than any already waiting, so the loop needs waking only when it
        has none. No message is due at or after the end of the duration, counted from the first handshake
        as the run counts it: the run's half-second tick would let a sender due just after it slip in."""
        every, end = self.plan.every, math.inf
        group = min(GROUP, every / 10)
        while not self.quiet:
            if not self.due:
                self.sender_joined.clear()
                await self.sender_joined.wait()
                end = self.pacer.first() + self.plan.duration
                continue
            due, index = self.due[0]
            if due >= end:
                return
            wait = due - self.clock()
            if wait > group:
                await asyncio.sleep(wait)
                continue
            client = self.clients[index]
            if client.ws is None or client.ws.closed:
                heapq.heappop(self.due)
                continue
            heapq.heapreplace(self.due, (due + every, index))
            await self._send(client, self.template)

    async def _read(self, client: Client) -> None:
        assert client.ws is not None
        ws = client.ws
        async for message in ws:
            now = self.clock()
            self.batch.frames_in += 1
            if message.type is not aiohttp.WSMsgType.TEXT:
                continue
            text: str = message.data
            self.batch.received += [(number, client.index, now) for number in self.find_ids(text)]
            kind = frame_kind(text)
            if kind is not None:
                self.batch.errors.append(kind)
            if client.backlog is not None:
                client.backlog.append(text)
                self._answer_wait(client, text)
        if not (self.closing or client.closing):
            self.batch.errors.append(close_kind(ws.close_code))
            self.batch.closed.append((client.index, self.clock()))
            self.batch.finished += self.plan.scenario is None

    def _answer_wait(self, client: Client, text: str) -> None:
        if client.waiting is not None and client.waiting[0] in text and not client.waiting[1].done():
            client.waiting[1].set_result(None)

    async def _run_steps(self, client: Client) -> None:
        assert self.plan.scenario is not None and client.ws is not None
        try:
            for step in self.plan.scenario.steps:
                if client.ws.closed:
                    break
                match step:
                    case Send(payload=payload):
                        await self._send(client, PayloadTemplate(payload))
                    case WaitFor():
                        await self._wait_for(client, step)
                    case Think(seconds=seconds):
                        await asyncio.sleep(seconds)
                    case Close():
                        await self._close(client)
                    case Connect():
                        pass
        finally:
            self.batch.finished += 1

    async def _wait_for(self, client: Client, step: WaitFor) -> None:
        wanted = PayloadTemplate(step.text).fill(client.last_id, client.index)
        started = self.clock()
        assert client.backlog is not None
        if not any(wanted in text for text in client.backlog):
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            client.waiting = (wanted, future)
            try:
                await asyncio.wait_for(future, step.timeout)
            except TimeoutError:
                self.batch.errors.append(ErrorKind.WAIT_TIMEOUT)
                return
            finally:
                client.waiting = None
        self.batch.waits.append(self.clock() - started)

    async def _close(self, client: Client) -> None:
        if client.ws is None or client.ws.closed:
            return
        client.closing = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.ws.close(), CLOSE_TIMEOUT)
        self.batch.closed.append((client.index, self.clock()))

    async def _close_all(self) -> None:
        open_clients = [client for client in self.clients.values() if client.ws is not None and not client.ws.closed]
        await asyncio.gather(*(self._close(client) for client in open_clients))
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=CLOSE_TIMEOUT)
