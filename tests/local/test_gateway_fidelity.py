"""API Gateway's behaviour, point by point (reference §1-§5), against the real local gateway."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import boto3
import pytest
import websocket
from botocore.exceptions import ClientError

from tests.local.frames import FRAME_LIMIT, send_in_frames
from wstui.core.local.activity import ConnectionClosed, Invoked
from wstui.core.local.gateway import Limits
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import RouteChange, add_route, set_route

PROBE = '''\
import json
import threading


def echo(event, context):
    return {"statusCode": 200, "body": json.dumps(event)}


def boom(event, context):
    raise RuntimeError("boom")


def stuck(event, context):
    threading.Event().wait(5)
    return {"statusCode": 200}


def reject(event, context):
    return {"statusCode": 403}


def default(event, context):
    return {"statusCode": 200, "body": "default got " + event["body"]}
'''


@pytest.fixture
def probe(chat: Path) -> Path:
    (chat / "handlers" / "probe.py").write_text(PROBE)
    add_route(ProjectFile.open(chat), "echo", "handlers.probe:echo", two_way=True)
    add_route(ProjectFile.open(chat), "boom", "handlers.probe:boom")
    add_route(ProjectFile.open(chat), "stuck", "handlers.probe:stuck")
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text().replace('handler = "handlers.probe:stuck"', 'handler = "handlers.probe:stuck"\ntimeout = 1'))
    return chat


def connect(running, **kwargs) -> websocket.WebSocket:
    return websocket.create_connection(running.url, timeout=10, **kwargs)


def send(client: websocket.WebSocket, route: str, **fields) -> dict:
    client.send(json.dumps({"message": route, **fields}))
    return json.loads(client.recv())


def test_an_unknown_route_without_default_answers_forbidden_and_stays_open(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    answer = send(client, "nosuch")
    assert answer["message"] == "Forbidden" and set(answer) == {"message", "connectionId", "requestId"}
    client.send("not json at all")
    assert json.loads(client.recv())["message"] == "Forbidden"
    assert send(client, "echo")["requestContext"]["routeKey"] == "echo"


def test_default_takes_what_matches_no_route(probe: Path, start_service) -> None:
    add_route(ProjectFile.open(probe), "$default", "handlers.probe:default", two_way=True)
    running = start_service(probe)
    client = connect(running)
    client.send("not json")
    assert client.recv() == "default got not json"
    client.send(json.dumps({"message": "nosuch"}))
    assert client.recv() == 'default got {"message": "nosuch"}'


def test_a_raising_handler_answers_internal_server_error_and_the_gateway_goes_on(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    answer = send(client, "boom")
    assert answer["message"] == "Internal server error" and answer["connectionId"]
    invoked = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "boom")
    assert invoked.result.status == "error" and "RuntimeError: boom" in invoked.result.error
    assert send(client, "echo")["requestContext"]["routeKey"] == "echo"


def test_a_handler_past_its_timeout_answers_internal_server_error(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    assert send(client, "stuck")["message"] == "Internal server error"
    invoked = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "stuck")
    assert invoked.result.status == "timeout" and "1.00 seconds" in invoked.result.error


def test_connect_that_answers_non_2xx_rejects_the_handshake(probe: Path, start_service) -> None:
    set_route(ProjectFile.open(probe), "$connect", RouteChange(handler="handlers.probe:reject"))
    running = start_service(probe)
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        connect(running)
    assert caught.value.status_code == 403


def test_message_events_have_the_cloud_shape(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running, header=["User-Agent: probe/1.0"])
    event = send(client, "echo", data="x")
    context = event["requestContext"]
    assert event["isBase64Encoded"] is False and json.loads(event["body"]) == {"message": "echo", "data": "x"}
    assert {
        "routeKey", "eventType", "connectionId", "domainName", "stage", "apiId", "requestId", "extendedRequestId",
        "requestTime", "requestTimeEpoch", "connectedAt", "messageDirection", "identity", "messageId",
    } <= set(context)
    assert context["eventType"] == "MESSAGE" and context["messageDirection"] == "IN"
    assert context["stage"] == "v1" and context["domainName"] == running.service.gateway.domain_name
    assert context["identity"] == {"sourceIp": "127.0.0.1", "userAgent": "probe/1.0"}
    assert re.fullmatch(r"\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000", context["requestTime"])
    assert context["connectedAt"] <= context["requestTimeEpoch"]


def test_a_binary_frame_closes_the_connection_with_1003_and_no_handler_runs(probe: Path, start_service) -> None:
    """API Gateway refuses binary frames ("Binary media types for WebSocket APIs"); clients that need
    binary send base64 in text frames."""
    add_route(ProjectFile.open(probe), "$default", "handlers.probe:echo", two_way=True)
    running = start_service(probe)
    client = connect(running)
    assert send(client, "echo")["requestContext"]["routeKey"] == "echo"
    client.send_binary(b"\x00\x01binary\xff")
    assert close_frame(client) == (1003, "Binary frames are not supported")
    closed = running.wait_for(lambda e: isinstance(e, ConnectionClosed))
    assert closed.code == 1003
    assert [e.route_key for e in running.events if isinstance(e, Invoked) and e.route_key != "$disconnect"] == ["$connect", "echo"]


def test_connection_ids_are_opaque_and_unguessable(probe: Path, start_service) -> None:
    running = start_service(probe)
    ids = [send(connect(running), "echo")["requestContext"]["connectionId"] for _ in range(20)]
    assert len(set(ids)) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{15}=", cid) for cid in ids)


def management(running):
    return boto3.session.Session().client(
        "apigatewaymanagementapi", endpoint_url=running.management_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
    )


def test_the_management_api_posts_reads_and_deletes(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    connection_id = send(client, "echo")["requestContext"]["connectionId"]
    api = management(running)
    api.post_to_connection(ConnectionId=connection_id, Data=b"pushed")
    assert client.recv() == "pushed"
    info = api.get_connection(ConnectionId=connection_id)
    assert info["Identity"]["SourceIp"] == "127.0.0.1" and info["ConnectedAt"] <= info["LastActiveAt"]
    api.delete_connection(ConnectionId=connection_id)
    opcode, frame = client.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "$disconnect")
    with pytest.raises(api.exceptions.GoneException):
        api.post_to_connection(ConnectionId=connection_id, Data=b"too late")


def test_the_management_api_types_its_errors(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    connection_id = send(client, "echo")["requestContext"]["connectionId"]
    api = management(running)
    with pytest.raises(api.exceptions.GoneException):
        api.post_to_connection(ConnectionId="nosuchconnection=", Data=b"x")
    with pytest.raises(api.exceptions.GoneException):
        api.get_connection(ConnectionId="nosuchconnection=")
    with pytest.raises(ClientError) as caught:
        api.post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1))
    assert caught.value.response["Error"]["Code"] == "PayloadTooLargeException"


def close_frame(client: websocket.WebSocket) -> tuple[int, str]:
    opcode, frame = client.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    return int.from_bytes(frame.data[:2], "big"), frame.data[2:].decode()


def test_a_message_over_128_kb_closes_the_connection_with_1009(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    send_in_frames(client, "x" * (128 * 1024 + 10), FRAME_LIMIT)
    assert close_frame(client) == (1009, "Message too big")


def test_a_frame_over_32_kb_closes_the_connection_with_1009_and_is_not_routed(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    before = json.dumps({"message": "echo", "n": 1})
    client.send(before)
    client.send(json.dumps({"message": "echo", "pad": "x" * FRAME_LIMIT}))
    answers = []  # the answer to the message before may come ahead of the close frame, or be dropped by it
    opcode, frame = client.recv_data_frame(True)
    while opcode == websocket.ABNF.OPCODE_TEXT:
        answers.append(json.loads(frame.data)["body"])
        opcode, frame = client.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE and answers in ([], [before])
    assert (int.from_bytes(frame.data[:2], "big"), frame.data[2:].decode()) == (1009, "Frame too big")
    closed = running.wait_for(lambda e: isinstance(e, ConnectionClosed))
    assert (closed.code, closed.reason) == (1009, "Frame too big")
    routed = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "echo")
    assert json.loads(routed.result.response["body"])["body"] == before, "a message sent before the frame is still routed"
    assert sum(isinstance(e, Invoked) and e.route_key == "echo" for e in running.events) == 1


def test_frame_headers_split_across_reads_are_still_measured(probe: Path, start_service) -> None:
    """Small frames whose headers arrive a few bytes at a time pass; then a 70,000-byte frame (a 64-bit
    length field) arriving the same way closes the connection as its header arrives."""
    running = start_service(probe)
    client = connect(running)
    client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_slowly(frame: websocket.ABNF) -> None:
        data = frame.format()
        for start in range(0, 24, 3):
            client.sock.sendall(data[start:start + 3])
        client.sock.sendall(data[24:])

    small = json.dumps({"message": "echo", "pad": "z" * 200})
    send_slowly(websocket.ABNF.create_frame(small, websocket.ABNF.OPCODE_TEXT))
    assert json.loads(client.recv())["body"] == small
    send_slowly(websocket.ABNF.create_frame("w" * 70_000, websocket.ABNF.OPCODE_TEXT))
    assert close_frame(client) == (1009, "Frame too big")


def test_a_100_kb_message_in_32_kb_frames_is_routed_whole(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    message = json.dumps({"message": "echo", "pad": "y" * (100 * 1024)})
    send_in_frames(client, message, FRAME_LIMIT)
    assert json.loads(client.recv())["body"] == message


def test_an_idle_connection_is_closed_with_1001(probe: Path, start_service) -> None:
    running = start_service(probe, limits=Limits(idle_timeout=0.3))
    client = connect(running)
    opcode, frame = client.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(frame.data[:2], "big") == 1001
    running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "$disconnect")


def test_garbage_on_the_port_does_not_take_the_gateway_down(probe: Path, start_service) -> None:
    running = start_service(probe)
    host, port = running.service.gateway.domain_name.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01garbage that is not HTTP\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.")
    assert send(connect(running), "echo")["requestContext"]["routeKey"] == "echo"


def test_plain_http_on_the_stage_asks_for_an_upgrade(probe: Path, start_service) -> None:
    running = start_service(probe)
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(running.url.replace("ws://", "http://"), timeout=5)
    assert caught.value.code == 426


def test_frames_posted_just_before_a_delete_still_arrive(probe: Path, start_service) -> None:
    running = start_service(probe)
    client = connect(running)
    connection_id = send(client, "echo")["requestContext"]["connectionId"]
    api = management(running)
    for index in range(20):
        api.post_to_connection(ConnectionId=connection_id, Data=f"frame {index}".encode())
    api.delete_connection(ConnectionId=connection_id)
    assert [client.recv() for _ in range(20)] == [f"frame {index}" for index in range(20)]


def test_rejections_and_forbidden_messages_are_reported(probe: Path, start_service) -> None:
    from wstui.core.local.activity import Rejected

    running = start_service(probe)
    client = connect(running)
    send(client, "nosuch")
    rejected = running.wait_for(lambda e: isinstance(e, Rejected))
    assert rejected.status == 403 and "Forbidden" in rejected.reason


def test_a_handler_error_shows_the_handlers_own_frames(probe: Path, start_service) -> None:
    running = start_service(probe)
    send(connect(running), "boom")
    invoked = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "boom")
    assert invoked.result.error.splitlines()[1].strip().startswith('File "') and "probe.py" in invoked.result.error.splitlines()[1]
    assert "wstui/core/local" not in invoked.result.error


def test_the_integration_timeout_caps_a_longer_function_timeout(probe: Path, start_service) -> None:
    toml = probe / "wstui.toml"
    toml.write_text(toml.read_text().replace("timeout = 1\n", "timeout = 60\n"))
    running = start_service(probe, limits=Limits(integration_timeout=0.5))
    assert send(connect(running), "stuck")["message"] == "Internal server error"
    invoked = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "stuck")
    assert "0.50 seconds" in invoked.result.error


def test_reload_keeps_packages_installed_inside_the_project(probe: Path, start_service) -> None:
    site = probe / ".venv" / "lib" / "python3.11" / "site-packages" / "vendored_pkg"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text("VALUE = 1\n")
    import importlib
    import sys

    sys.path.insert(0, str(site.parent))
    try:
        importlib.import_module("vendored_pkg")
        running = start_service(probe)
        dropped = running.service.runtime.reload()
        assert "vendored_pkg" not in dropped and "vendored_pkg" in sys.modules
    finally:
        sys.path.remove(str(site.parent))
        sys.modules.pop("vendored_pkg", None)


def test_new_connections_beyond_the_quota_get_429(probe: Path, start_service) -> None:
    running = start_service(probe, limits=Limits(new_connections_per_second=3))
    running.service.gateway.clock = lambda: 100.0  # every handshake in the same second
    statuses = []
    for _ in range(5):
        try:
            connect(running)
            statuses.append(101)
        except websocket.WebSocketBadStatusException as error:
            statuses.append(error.status_code)
    assert statuses == [101, 101, 101, 429, 429]
    running.service.gateway.clock = lambda: 101.0  # a second later the quota is free again
    assert send(connect(running), "echo")["requestContext"]["routeKey"] == "echo"


def test_a_bad_handshake_gets_400_before_any_handler_runs(probe: Path, start_service) -> None:
    running = start_service(probe)
    host, port = running.service.gateway.domain_name.split(":")
    request = (f"GET /v1 HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(request)
        assert raw.recv(100).startswith(b"HTTP/1.1 400")
    assert running.service.gateway.connections == {}
    assert not any(isinstance(e, Invoked) for e in running.events)


def test_a_connect_status_that_is_not_a_number_is_a_500(probe: Path, start_service) -> None:
    (probe / "handlers" / "odd.py").write_text('def handle(event, context):\n    return {"statusCode": None}\n')
    set_route(ProjectFile.open(probe), "$connect", RouteChange(handler="handlers.odd:handle"))
    running = start_service(probe)
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        connect(running)
    assert caught.value.status_code == 500
    assert running.service.gateway.connections == {}


def test_a_post_over_http_past_one_megabyte_is_still_a_typed_413(probe: Path, start_service) -> None:
    import urllib.error
    import urllib.request

    running = start_service(probe)
    client = connect(running)
    connection_id = send(client, "echo")["requestContext"]["connectionId"]
    request = urllib.request.Request(f"{running.management_url}/@connections/{connection_id}", data=b"x" * (2 * 1024 * 1024), method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 413
    assert caught.value.headers["x-amzn-ErrorType"] == "PayloadTooLargeException"
    assert json.loads(caught.value.read()) == {"message": "Payload too large."}
