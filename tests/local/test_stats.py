"""The Local area's live figures: the gateway counts frames each way, the stats turn events and
counts into series per second (a clock passed in stands still between ticks)."""

from __future__ import annotations

import json
from pathlib import Path

import websocket

from wstui.core.local.activity import ConnectionClosed, ConnectionOpened, Invoked
from wstui.core.local.runtime import InvocationResult
from wstui.core.local.stats import ActivityStats


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def invoked(route: str, duration_ms: float) -> Invoked:
    return Invoked(route, "c1", InvocationResult("Function", "ok", None, "", "", duration_ms))


def test_each_tick_closes_a_second_of_connections_rates_and_latency() -> None:
    clock = Clock()
    stats = ActivityStats(clock=clock)
    stats.tick(0, 0)
    for event in [ConnectionOpened("a", "127.0.0.1", ""), ConnectionOpened("b", "127.0.0.1", ""),
                  ConnectionClosed("a", 1000, ""), *(invoked("chat", float(ms)) for ms in range(1, 101))]:
        stats.record(event)
    clock.now += 2.0
    stats.tick(100, 300)

    assert list(stats.connections) == [0, 1]
    assert (stats.received.latest, stats.sent.latest) == (50.0, 150.0)
    chat = stats.routes["chat"]
    assert list(chat.p95_per_second) == [0.0, 95.0]
    assert (chat.percentile(0.5), chat.percentile(0.95), chat.calls) == (50.0, 95.0, 100)


def test_a_quiet_route_keeps_its_place_in_time_and_its_recent_calls_age_out() -> None:
    stats = ActivityStats(recent=2, clock=Clock())
    stats.tick(0, 0)
    stats.record(invoked("chat", 5.0))
    stats.tick(0, 0)
    stats.record(invoked("echo", 7.0))
    stats.tick(0, 0)
    assert list(stats.routes["echo"].p95_per_second) == [0.0, 0.0, 7.0]
    assert stats.routes["chat"].percentile(0.5) == 5.0
    stats.tick(0, 0)
    assert stats.routes["chat"].percentile(0.5) is None
    assert len(stats.connections) == 4


def test_the_gateway_counts_frames_in_and_out(chat: Path, start_service) -> None:
    running = start_service(chat)
    client = websocket.create_connection(running.url, timeout=10)
    for number in range(3):
        client.send(json.dumps({"message": "sendmessage", "data": number}))
        assert client.recv() == str(number)

    async def counts() -> tuple[int, int]:
        gateway = running.service.gateway
        return gateway.frames_received, gateway.frames_sent

    assert running.call(counts()) == (3, 3)
