"""What a handler or a client does can end its own invocation or connection, never `wstui dev`."""

from __future__ import annotations

import http.client
import importlib
import json
import logging
import socket
import sys
import time
from pathlib import Path
from types import ModuleType

import boto3
import pytest
import websocket

from wstui.core.local.activity import ConnectionClosed, Invoked
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import RouteChange, add_route, set_route

HOSTILE = '''\
import sys
import threading

started = threading.Event()
release = threading.Event()


class NotAnError(BaseException):
    pass


def interrupt(event, context):
    raise KeyboardInterrupt


def base(event, context):
    raise NotAnError("a BaseException that is not an Exception")


def leave(event, context):
    sys.exit(3)


def hold(event, context):
    started.set()
    release.wait(10)
    return {"statusCode": 200}


def pong(event, context):
    return {"statusCode": 200, "body": "pong"}


def slow_connect(event, context):
    started.set()
    release.wait(10)
    return {"statusCode": 200}
'''


@pytest.fixture
def hostile(chat: Path) -> Path:
    (chat / "handlers" / "hostile.py").write_text(HOSTILE)
    project = ProjectFile.open(chat)
    for key in ("interrupt", "base", "leave", "hold"):
        add_route(project, key, f"handlers.hostile:{key}")
    add_route(project, "pong", "handlers.hostile:pong", two_way=True)
    return chat


def hostile_module() -> ModuleType:
    """The handlers' module as the running service has it (one import per process, shared)."""
    return importlib.import_module("handlers.hostile")


def connect(running, **kwargs) -> websocket.WebSocket:
    return websocket.create_connection(running.url, timeout=10, **kwargs)


def send(client: websocket.WebSocket, route: str) -> str:
    client.send(json.dumps({"message": route}))
    return client.recv()


@pytest.fixture
def released():
    """Let every held handler go at the end, whatever the test's outcome, so the service can stop."""
    yield
    module = sys.modules.get("handlers.hostile")
    if module is not None:
        module.release.set()


@pytest.mark.parametrize("route, raised", [
    ("interrupt", "KeyboardInterrupt"),
    ("base", "NotAnError: a BaseException that is not an Exception"),
    ("leave", "SystemExit: 3"),
])
def test_whatever_a_handler_raises_is_that_invocations_error(hostile: Path, start_service, route: str, raised: str) -> None:
    running = start_service(hostile)
    bystander = connect(running)
    client = connect(running)
    assert json.loads(send(client, route))["message"] == "Internal server error"
    invoked = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == route)
    assert invoked.result.status == "error"
    assert raised in invoked.result.error and "hostile.py" in invoked.result.error
    assert send(client, "pong") == "pong", "the same connection goes on"
    assert send(bystander, "pong") == "pong", "and so do the others"


def test_a_ping_is_answered_and_the_next_message_routed_while_a_handler_runs(hostile: Path, start_service, released) -> None:
    running = start_service(hostile)
    client = connect(running)
    client.send(json.dumps({"message": "hold"}))
    assert hostile_module().started.wait(10)
    sent = time.monotonic()
    client.ping("still there?")
    opcode, frame = client.recv_data_frame(control_frame=True)
    answered = time.monotonic() - sent
    assert (opcode, frame.data) == (websocket.ABNF.OPCODE_PONG, b"still there?")
    assert answered < 0.1, f"the pong took {answered * 1000:.0f} ms"
    assert send(client, "pong") == "pong"
    assert not hostile_module().release.is_set(), "answered while the first handler still ran"
    assert not any(isinstance(e, Invoked) and e.route_key == "hold" for e in running.events)


def test_work_that_waits_past_its_deadline_for_a_worker_never_runs(hostile: Path, start_service, released) -> None:
    """With the only worker busy, a $connect waits, is refused with 500 at its timeout, and does not
    run later: its row would be a ghost no $disconnect removes."""
    toml = hostile / "wstui.toml"
    toml.write_text(toml.read_text().replace('handler = "handlers.connect:handle"', 'handler = "handlers.connect:handle"\ntimeout = 1'))
    running = start_service(hostile, workers=1)
    first = connect(running)
    first.send(json.dumps({"message": "hold"}))
    assert hostile_module().started.wait(10)
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect(running)
    assert refused.value.status_code == 500
    waited = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "$connect" and not e.result.ok)
    assert waited.result.status == "waited"
    assert "free handler thread" in waited.result.error and "did not run" in waited.result.error
    hostile_module().release.set()
    assert send(first, "pong") == "pong"  # one worker runs the queue in order: the $connect's turn came first
    table = boto3.session.Session().resource(
        "dynamodb", endpoint_url=running.service.dynamodb.url, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    ).Table(running.service.spec.tables[0].name)
    assert len(table.scan()["Items"]) == 1, "only the first client's row"


def test_a_stalled_reader_is_closed_once_its_backlog_passes_the_byte_bound(chat: Path, start_service) -> None:
    """400 posts of 100 KB to a client that reads nothing: it is closed with 1008 once about 4 MB wait
    for it, and the process does not keep the other 36 MB."""
    running = start_service(chat)
    stalled = connect(running)
    stalled.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    opened = running.wait_for(lambda e: type(e).__name__ == "ConnectionOpened")
    host, port = running.service.gateway.domain_name.rsplit(":", 1)
    management = http.client.HTTPConnection(host, int(port), timeout=10)
    body = b"m" * 100_000
    resident_before = _resident_bytes()
    statuses = []
    for _ in range(400):
        management.request("POST", f"/{running.service.spec.stage}/@connections/{opened.connection_id}", body)
        response = management.getresponse()
        response.read()
        statuses.append(response.status)
    grown = _resident_bytes() - resident_before
    closed = running.wait_for(lambda e: isinstance(e, ConnectionClosed))
    assert closed.code == 1008 and "reads too slowly" in closed.reason
    assert 200 in statuses and statuses[-1] == 410
    assert grown < 20 * 1024 * 1024, f"the process grew by {grown / 1e6:.0f} MB"


def test_a_client_that_leaves_during_connect_is_one_line_and_gets_its_disconnect(
    hostile: Path, start_service, released, caplog: pytest.LogCaptureFixture
) -> None:
    set_route(ProjectFile.open(hostile), "$connect", RouteChange(handler="handlers.hostile:slow_connect"))
    running = start_service(hostile)
    host, port = running.service.gateway.domain_name.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall((
            f"GET /{running.service.spec.stage} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode())
        assert hostile_module().started.wait(10)
    with caplog.at_level(logging.ERROR):
        hostile_module().release.set()
        closed = running.wait_for(lambda e: isinstance(e, ConnectionClosed))
        running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "$disconnect")
    assert (closed.code, closed.reason) == (1006, "Client left during $connect")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def test_a_client_that_pings_and_vanishes_at_once_is_one_closed_line(chat: Path, start_service, caplog: pytest.LogCaptureFixture) -> None:
    """aiohttp answers the ping on a socket already closing; that is the client leaving, not an error."""
    running = start_service(chat)
    with caplog.at_level(logging.ERROR):
        for _ in range(20):
            client = connect(running)
            pings = b"".join(websocket.ABNF.create_frame("bye", websocket.ABNF.OPCODE_PING).format() for _ in range(50))
            client.sock.sendall(pings)  # queued at the gateway when the socket closes under them
            client.sock.close()
        running.wait_for(lambda e: sum(isinstance(x, Invoked) and x.route_key == "$disconnect" for x in running.events) == 20)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
