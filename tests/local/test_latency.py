"""Latency profiles on the real gateway: delays where the cloud has them, and only there.

Times are checked as lower bounds only (a call takes at least its delay): under load anything may
take longer, so no test asserts that something was fast.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
import urllib.request
from pathlib import Path

import boto3
import websocket

from bench.latency_broadcast import post_one_at_a_time
from tests.conftest import Running
from wstui.core.local.activity import ConfigApplied, ConnectionOpened, HandlersReloaded, Invoked, ServiceStarted
from wstui.core.project.model import LatencySettings

HELLO = json.dumps({"message": "sendmessage", "data": "hello"})


def with_latency(project: Path, **figures: float) -> Path:
    """The project with its own latency profile in wstui.toml: the figures given, 0 for the rest."""
    table = "".join(f"{name} = {value}\n" for name, value in figures.items())
    with (project / "wstui.toml").open("a", encoding="utf-8") as file:
        file.write(f"\n[dev.latency]\n{table}")
    return project


def invocations(running: Running, route: str, count: int) -> list[Invoked]:
    """The first `count` invocations of `route`, once there are that many."""
    def found() -> list[Invoked]:
        return [e for e in running.events if isinstance(e, Invoked) and e.route_key == route]

    with running.condition:
        assert running.condition.wait_for(lambda: len(found()) >= count, 30), f"{route}: {found()}"
        return found()[:count]


def opened_id(running: Running, index: int) -> str:
    with running.condition:
        running.condition.wait_for(lambda: len([e for e in running.events if isinstance(e, ConnectionOpened)]) > index, 30)
        return [e for e in running.events if isinstance(e, ConnectionOpened)][index].connection_id


def test_a_connections_post_takes_at_least_the_configured_delay(chat: Path, start_service) -> None:
    running = start_service(with_latency(chat, connections_ms=300))
    client = websocket.create_connection(running.url, timeout=10)
    connection_id = opened_id(running, 0)
    post = urllib.request.Request(f"{running.management_url}/@connections/{connection_id}", data=b"over http", method="POST")
    started = time.monotonic()
    with urllib.request.urlopen(post, timeout=10) as answer:
        assert answer.status == 200
    assert time.monotonic() - started >= 0.3
    assert client.recv() == "over http"
    client.send(HELLO)  # the handler posts from its own thread, through boto3, the cloud way
    assert client.recv() == '"hello"'
    (broadcast,) = invocations(running, "sendmessage", 1)
    assert broadcast.result.ok and broadcast.result.duration_ms >= 300
    client.close()


def test_a_cold_start_delays_the_first_invocation_and_the_first_after_a_reload(chat: Path, start_service) -> None:
    running = start_service(with_latency(chat, cold_start_ms=400), reload=True)
    first = websocket.create_connection(running.url, timeout=10)
    second = websocket.create_connection(running.url, timeout=10)
    cold, warm = invocations(running, "$connect", 2)
    assert cold.result.cold_start and cold.result.duration_ms >= 400
    assert not warm.result.cold_start
    connect = chat / "handlers" / "connect.py"
    connect.write_text(connect.read_text() + "\n# edited\n")
    running.wait_for(lambda e: isinstance(e, HandlersReloaded))
    third = websocket.create_connection(running.url, timeout=10)
    after_reload = invocations(running, "$connect", 3)[2]
    assert after_reload.result.cold_start and after_reload.result.duration_ms >= 400
    for client in (first, second, third):
        client.close()


def test_dynamodb_calls_are_delayed(chat: Path, start_service) -> None:
    running = start_service(with_latency(chat, dynamodb_ms=300))
    client = websocket.create_connection(running.url, timeout=10)
    (connect,) = invocations(running, "$connect", 1)  # it puts the connection's row: one call
    assert connect.result.ok and connect.result.duration_ms >= 300
    dynamodb = boto3.session.Session().client(
        "dynamodb", endpoint_url=running.service.dynamodb.url, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )
    started = time.monotonic()
    dynamodb.list_tables()
    assert time.monotonic() - started >= 0.3
    client.close()


def test_other_connections_are_served_while_a_call_waits_out_its_delay(chat: Path, start_service) -> None:
    """The delay of a call made on the event loop is awaited, not slept: a frame from another client
    is answered while it waits. The call is scheduled on the loop before the frame is sent, so it has
    started waiting by the time the frame is read."""
    running = start_service(with_latency(chat, connections_ms=3000))
    waiting_client = websocket.create_connection(running.url, timeout=10)
    other = websocket.create_connection(running.url, timeout=10)
    management = running.service.gateway.management
    call = asyncio.run_coroutine_threadsafe(management.manage("GET", opened_id(running, 0)), running.loop)
    other.send(json.dumps({"message": "no such route"}))
    assert json.loads(other.recv())["message"] == "Forbidden"
    assert not call.done()
    assert call.result(timeout=10).status == 200
    waiting_client.close()
    other.close()


def added_delays(running: Running) -> tuple[float, float, float]:
    service = running.service
    return service.gateway.hop, service.gateway.management.delay, service.runtime.cold_start


def started_with(running: Running) -> str:
    event = running.wait_for(lambda e: isinstance(e, ServiceStarted))
    return event.latency


def test_off_overrides_the_file_and_the_default_adds_nothing(chat: Path, tmp_path: Path, start_service) -> None:
    """One service at a time: each hides the process's environment while it runs, and gives it back
    when it stops, so services started together must stop in the reverse order."""
    default = start_service(chat)
    assert default.service.latency == LatencySettings() and started_with(default) == "off"
    assert added_delays(default) == (0, 0, 0)
    websocket.create_connection(default.url, timeout=10).close()
    assert not invocations(default, "$connect", 1)[0].result.cold_start
    default.call(default.service.stop(), timeout=30)

    cloudy = Path(shutil.copytree(chat, tmp_path / "cloudy"))
    (cloudy / "wstui.toml").write_text((cloudy / "wstui.toml").read_text() + '\n[dev]\nlatency = "cloud"\n')
    from_file = start_service(cloudy)
    assert started_with(from_file).startswith("cloud (@connections 20 ms, DynamoDB 8 ms, cold start 250 ms")
    assert added_delays(from_file) == (0.015, 0.02, 0.25)
    from_file.call(from_file.service.stop(), timeout=30)

    switched_off = start_service(cloudy, latency="off")
    assert switched_off.service.latency == LatencySettings() and started_with(switched_off) == "off"
    assert added_delays(switched_off) == (0, 0, 0)




def broadcast_to(running: Running, clients: int) -> Invoked:
    """Open `clients` connections, have the first broadcast once, and return that invocation once every
    client has the message."""
    connections = [websocket.create_connection(running.url, timeout=30) for _ in range(clients)]
    invocations(running, "$connect", clients)
    connections[0].send(HELLO)
    assert [connection.recv() for connection in connections] == ['"hello"'] * clients
    (broadcast,) = invocations(running, "sendmessage", 1)
    for connection in connections:
        connection.close()
    return broadcast


def test_a_broadcast_posting_one_at_a_time_takes_the_post_latency_times_the_connections(chat: Path, start_service) -> None:
    """What only the cloud showed: 20 sequential posts at 20 ms each hold the handler for 400 ms."""
    post_one_at_a_time(chat)
    broadcast = broadcast_to(start_service(with_latency(chat, connections_ms=20)), 20)
    assert broadcast.result.ok and broadcast.result.duration_ms >= 20 * 20


def test_the_scaffolded_broadcast_posts_concurrently_and_pays_the_post_latency_too(chat: Path, start_service) -> None:
    """The scaffolded sendmessage posts from a pool of threads: it waits at least one post's delay
    (docs/dev.md shows how much less than one at a time it takes)."""
    broadcast = broadcast_to(start_service(with_latency(chat, connections_ms=20)), 20)
    assert broadcast.result.ok and broadcast.result.duration_ms >= 20


def test_every_invocation_pays_the_integration_hop(chat: Path, start_service) -> None:
    running = start_service(with_latency(chat, integration_ms=300))
    started = time.monotonic()
    client = websocket.create_connection(running.url, timeout=10)  # $connect runs before the handshake completes
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    client.send(HELLO)
    assert client.recv() == '"hello"'
    assert time.monotonic() - started >= 0.3
    client.close()


def test_a_profile_edited_in_wstui_toml_applies_to_the_running_service(chat: Path, start_service) -> None:
    running = start_service(chat, reload=True)
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text() + '\n[dev]\nlatency = "cloud"\n')
    applied = running.wait_for(lambda e: isinstance(e, ConfigApplied))
    assert "latency: cloud (@connections 20 ms" in applied.summary
    assert added_delays(running) == (0.015, 0.02, 0.25)


def test_a_profile_given_on_the_command_line_stays_when_wstui_toml_changes(chat: Path, start_service) -> None:
    running = start_service(chat, reload=True, latency="off")
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text() + '\n[dev]\nlatency = "cloud"\n')
    applied = running.wait_for(lambda e: isinstance(e, ConfigApplied))
    assert "latency" not in applied.summary
    assert added_delays(running) == (0, 0, 0)
