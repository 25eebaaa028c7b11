"""Console sessions against the real local gateway running the scaffolded chat service."""

from __future__ import annotations

import json
import queue
import socket
import urllib.request
from pathlib import Path

import pytest

from tests.project_secrets import token_of
from wstui.core.console import (
    Closed,
    ClosedBy,
    Connected,
    Connecting,
    ConnectionTarget,
    ConsoleError,
    ConsoleSession,
    Direction,
    Failed,
    FailureKind,
    Frame,
    SessionState,
)
from wstui.core.local.activity import ConnectionClosed
from wstui.core.local.gateway import Limits

HELLO = json.dumps({"message": "sendmessage", "data": "hello world !"})


def received(log) -> list[str | bytes]:
    return [e.data for e in log.events if isinstance(e, Frame) and e.direction is Direction.RECEIVED]


def wait_received(log, count: int = 1) -> list[str | bytes]:
    log.wait_for(lambda _: len(received(log)) >= count)
    return received(log)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_sessions_both_receive_the_broadcast(chat: Path, start_service, open_session) -> None:
    running = start_service(chat)
    sender, sender_log = open_session(ConnectionTarget(running.url), name="sender")
    listener, listener_log = open_session(ConnectionTarget(running.url), name="listener")
    sent = sender.send(HELLO)
    assert sent == Frame("sender", Direction.SENT, sent.monotonic, sent.wall, len(HELLO), HELLO)
    assert wait_received(sender_log) == ['"hello world !"']
    assert wait_received(listener_log) == ['"hello world !"']
    kinds = [type(e) for e in listener_log.events]
    assert kinds == [Connecting, Connected, Frame]
    connected = listener_log.events[1]
    assert connected.status == 101 and connected.session == "listener" and connected.url == running.url
    frame = listener_log.events[2]
    assert frame.size == len('"hello world !"') and not frame.binary and frame.session == "listener"
    assert all(e.session == "sender" for e in sender_log.events)


def test_a_frame_for_an_unknown_route_gets_forbidden(chat: Path, start_service, open_session) -> None:
    running = start_service(chat)
    session, log = open_session(ConnectionTarget(running.url))
    session.send(json.dumps({"message": "nosuchroute"}))
    (answer,) = wait_received(log)
    assert json.loads(answer)["message"] == "Forbidden"


def test_the_token_travels_in_the_query_string(chat_with_token: Path, start_service, open_session) -> None:
    running = start_service(chat_with_token)
    session, log = open_session(ConnectionTarget(running.url, query=(("token", token_of(chat_with_token)),)))
    session.send(HELLO)
    assert wait_received(log) == ['"hello world !"']


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [((), 401, "no identity source"), ((("token", "wrong"),), 403, "the authorizer denied")],
)
def test_a_refused_handshake_reports_its_status_and_body(
    chat_with_token: Path, start_service, query, status: int, words: str
) -> None:
    running = start_service(chat_with_token)
    failed = connect_and_fail(ConnectionTarget(running.url, query=query))
    assert failed.kind is FailureKind.HANDSHAKE and failed.status == status
    assert words in failed.body and words in failed.message and f"HTTP {status}" in failed.message


def test_the_token_travels_in_a_header(chat_with_token: Path, start_service, open_session) -> None:
    """The generated authorizer reads the query string; this copy gets one that reads a header."""
    (chat_with_token / "handlers" / "header_authorizer.py").write_text(HEADER_AUTHORIZER, encoding="utf-8")
    toml = chat_with_token / "wstui.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        .replace('"handlers.authorizer:handle"', '"handlers.header_authorizer:handle"')
        .replace('"route.request.querystring.token"', '"route.request.header.Authorization"'),
        encoding="utf-8",
    )
    running = start_service(chat_with_token)
    token = token_of(chat_with_token)
    session, log = open_session(ConnectionTarget(running.url, headers=(("Authorization", f"Bearer {token}"),)))
    session.send(HELLO)
    assert wait_received(log) == ['"hello world !"']
    refused = connect_and_fail(ConnectionTarget(running.url, headers=(("Authorization", "Bearer nope"),)))
    assert refused.status == 403


HEADER_AUTHORIZER = '''import os


def handle(event, context):
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    allowed = headers.get("authorization") == "Bearer " + os.environ["AUTH_TOKEN"]
    effect = "Allow" if allowed else "Deny"
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}
    return {"principalId": "header", "policyDocument": {"Version": "2012-10-17", "Statement": [statement]}}
'''


def connect_and_fail(target: ConnectionTarget) -> Failed:
    events: queue.Queue[object] = queue.Queue()
    session = ConsoleSession(target, events.put)
    session.start()
    assert session.wait(15)
    *_, outcome = list(events.queue)
    assert isinstance(outcome, Failed) and session.state is SessionState.FAILED
    return outcome



def test_a_closed_port_is_reported_as_refused() -> None:
    port = closed_port()
    failed = connect_and_fail(ConnectionTarget(f"ws://127.0.0.1:{port}/v1"))
    assert failed.kind is FailureKind.REFUSED
    assert failed.message == f"Connection refused: nothing listens on 127.0.0.1:{port}."


def test_a_close_by_the_server_reports_its_code_and_reason(chat: Path, start_service, open_session) -> None:
    running = start_service(chat)
    session, log = open_session(ConnectionTarget(running.url))
    session.send(json.dumps({"message": "nosuchroute"}))
    (forbidden,) = wait_received(log)
    connection_id = json.loads(forbidden)["connectionId"]
    request = urllib.request.Request(f"{running.management_url}/@connections/{connection_id}", method="DELETE")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 204
    closed = log.wait_for(lambda e: isinstance(e, Closed))
    assert (closed.code, closed.reason, closed.by) == (1000, "Deleted through @connections", ClosedBy.SERVER)
    assert closed.normal
    assert session.wait(10) and session.state is SessionState.CLOSED
    with pytest.raises(ConsoleError, match="not connected"):
        session.send(HELLO)


def test_a_message_too_big_is_closed_with_1009(chat: Path, start_service, open_session) -> None:
    running = start_service(chat, limits=Limits(max_message_bytes=64))
    session, log = open_session(ConnectionTarget(running.url))
    session.send("x" * 65)
    closed = log.wait_for(lambda e: isinstance(e, Closed))
    assert (closed.code, closed.reason, closed.by, closed.normal) == (1009, "Message too big", ClosedBy.SERVER, False)


def test_a_close_by_the_client_reaches_the_gateway_with_its_code(chat: Path, start_service, open_session) -> None:
    running = start_service(chat)
    session, log = open_session(ConnectionTarget(running.url))
    session.close(4000, "done here")
    closed = log.wait_for(lambda e: isinstance(e, Closed))
    assert (closed.code, closed.reason, closed.by) == (4000, "done here", ClosedBy.CLIENT)
    seen = running.wait_for(lambda e: isinstance(e, ConnectionClosed))
    assert seen.code == 4000
    assert [type(e) for e in log.events] == [Connecting, Connected, Closed]


def test_send_before_start_a_second_start_and_close_while_connecting(chat: Path, start_service) -> None:
    running = start_service(chat)
    events: queue.Queue[object] = queue.Queue()
    session = ConsoleSession(ConnectionTarget(running.url), events.put)
    with pytest.raises(ConsoleError, match="not connected"):
        session.send(HELLO)
    session.start()
    with pytest.raises(ConsoleError, match="already started"):
        session.start()
    session.close()  # while connecting: the session closes as soon as the handshake is done
    assert session.wait(10)
    *_, closed = list(events.queue)
    assert isinstance(closed, Closed) and (closed.code, closed.by) == (1000, ClosedBy.CLIENT)
