"""The authorizer, reloading, slow clients and load, against the real gateway and real clients."""

from __future__ import annotations

import gc
import json
import socket
import threading
import time
from pathlib import Path

import pytest
import websocket

from tests.local.frames import FRAME_LIMIT, send_in_frames
from tests.project_secrets import token_of
from wstui.core.local.activity import ConnectionClosed, HandlersReloaded, Invoked
from wstui.core.local.gateway import Limits
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import add_route

ECHO = '''\
import json


def echo(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}
'''


def test_the_authorizer_guards_the_handshake_and_its_context_follows(chat_with_token: Path, start_service) -> None:
    (chat_with_token / "handlers" / "whoami.py").write_text(ECHO)
    add_route(ProjectFile.open(chat_with_token), "whoami", "handlers.whoami:echo", two_way=True)
    running = start_service(chat_with_token)
    for query, status in [("", 401), ("?token=wrong", 403)]:
        with pytest.raises(websocket.WebSocketBadStatusException) as caught:
            websocket.create_connection(running.url + query, timeout=10)
        assert caught.value.status_code == status
    client = websocket.create_connection(f"{running.url}?token={token_of(chat_with_token)}", timeout=10)
    client.send(json.dumps({"message": "whoami"}))
    authorizer = json.loads(client.recv())
    assert authorizer["principalId"].startswith("token-") and authorizer["authorizedBy"] == "token"


def test_a_changed_handler_is_reloaded_without_dropping_connections(chat: Path, start_service) -> None:
    handler = chat / "handlers" / "version.py"
    handler.write_text('def handle(event, context):\n    return {"statusCode": 200, "body": "v1"}\n')
    add_route(ProjectFile.open(chat), "version", "handlers.version:handle", two_way=True)
    running = start_service(chat, reload=True)
    client = websocket.create_connection(running.url, timeout=10)
    client.send(json.dumps({"message": "version"}))
    assert client.recv() == "v1"
    handler.write_text('def handle(event, context):\n    return {"statusCode": 200, "body": "v2"}\n')
    reloaded = running.wait_for(lambda e: isinstance(e, HandlersReloaded))
    assert "handlers/version.py" in reloaded.changed
    client.send(json.dumps({"message": "version"}))
    assert client.recv() == "v2"
    assert not any(isinstance(e, ConnectionClosed) for e in running.events)


def test_a_save_made_as_the_service_starts_is_seen(chat: Path, start_service) -> None:
    """The watcher is in place before the service says it started (and `wstui dev` prints its URL)."""
    handler = chat / "handlers" / "send_message.py"
    running = start_service(chat, reload=True, on_started=lambda: handler.write_text(handler.read_text() + "\n"))
    reloaded = running.wait_for(lambda e: isinstance(e, HandlersReloaded))
    assert reloaded.changed == ("handlers/send_message.py",)


def test_a_stalled_client_is_closed_and_never_delays_the_others(chat: Path, start_service) -> None:
    running = start_service(chat, limits=Limits(send_queue_frames=50))
    stalled = websocket.create_connection(running.url, timeout=10)
    stalled.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    reader = websocket.create_connection(running.url, timeout=10)
    big = "y" * 60_000
    slowest = 0.0
    for index in range(300):
        sent = time.monotonic()
        send_in_frames(reader, json.dumps({"message": "sendmessage", "data": f"{index}:{big}"}), FRAME_LIMIT)
        assert json.loads(reader.recv()).startswith(f"{index}:")
        slowest = max(slowest, time.monotonic() - sent)
    closed = running.wait_for(lambda e: isinstance(e, ConnectionClosed) and e.code == 1008)
    assert "reads too slowly" in closed.reason
    # A broadcast that waited for the stalled client would take until it was closed (seconds).
    assert slowest < 1.0, f"a broadcast took {slowest * 1000:.0f} ms to reach the client that reads"


def test_load_every_frame_arrives_once_at_every_client(chat: Path, start_service) -> None:
    """Order is not promised: API Gateway invokes the handler for each message independently, so two
    messages of one sender may be broadcast in either order, in AWS as here."""
    running = start_service(chat)
    clients = [websocket.create_connection(running.url, timeout=30) for _ in range(200)]
    senders = clients[:5]
    per_sender = 10
    received: list[list[str]] = [[] for _ in clients]

    def read(index: int) -> None:
        for _ in range(len(senders) * per_sender):
            received[index].append(json.loads(clients[index].recv()))

    readers = [threading.Thread(target=read, args=(i,)) for i in range(len(clients))]
    for thread in readers:
        thread.start()
    for number in range(per_sender):
        for s, sender in enumerate(senders):
            sender.send(json.dumps({"message": "sendmessage", "data": f"{s}:{number}"}))
    for thread in readers:
        thread.join(timeout=120)
    sent = {f"{s}:{n}" for s in range(len(senders)) for n in range(per_sender)}
    for frames in received:
        assert len(frames) == len(sent) and set(frames) == sent
    assert all(e.result.ok for e in running.events if isinstance(e, Invoked))


def test_an_empty_token_counts_as_no_identity(chat_with_token: Path, start_service) -> None:
    running = start_service(chat_with_token)
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        websocket.create_connection(running.url + "?token=", timeout=10)
    assert caught.value.status_code == 401


def test_a_policy_for_another_resource_does_not_let_the_client_in(chat_with_token: Path, start_service) -> None:
    authorizer = chat_with_token / "handlers" / "authorizer.py"
    authorizer.write_text(authorizer.read_text().replace('"Resource": event["methodArn"]', '"Resource": "arn:aws:execute-api:*:*:other/*"'))
    running = start_service(chat_with_token)
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        websocket.create_connection(f"{running.url}?token={token_of(chat_with_token)}", timeout=10)
    assert caught.value.status_code == 403


def test_a_wildcard_policy_lets_the_client_in_and_method_arn_names_the_region(chat_with_token: Path, start_service) -> None:
    authorizer = chat_with_token / "handlers" / "authorizer.py"
    source = authorizer.read_text()
    assert '"Resource": event["methodArn"]' in source
    allowed = source.replace('"Resource": event["methodArn"]', '"Resource": "arn:aws:execute-api:us-east-1:*:*/v1/*"')
    authorizer.write_text(allowed)
    running = start_service(chat_with_token, reload=True)
    client = websocket.create_connection(f"{running.url}?token={token_of(chat_with_token)}", timeout=10)
    client.send(json.dumps({"message": "sendmessage", "data": "in"}))
    assert client.recv() == '"in"'
    authorizer.write_text(allowed.replace("us-east-1", "eu-west-1"))
    running.wait_for(lambda e: isinstance(e, HandlersReloaded))
    with pytest.raises(websocket.WebSocketBadStatusException) as caught:
        websocket.create_connection(f"{running.url}?token={token_of(chat_with_token)}", timeout=10)
    assert caught.value.status_code == 403, "the same policy for another region lets no one in"


def test_the_collector_settings_are_the_callers_again_after_stop(chat: Path, start_service) -> None:
    """The service keeps what exists at start out of the collector's passes; the TUI runs it in its
    own process, so stopping must give the process its collector back."""
    before = gc.get_threshold()
    running = start_service(chat)
    assert gc.get_freeze_count() > 0 and gc.get_threshold() != before
    running.call(running.service.stop(), timeout=30)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before
