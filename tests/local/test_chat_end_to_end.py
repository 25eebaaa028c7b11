"""The scaffolded chat service, unchanged, run by `wstui dev` and used by real WebSocket clients."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import websocket

from wstui.core.local.activity import ConnectionClosed, Invoked

HELLO = json.dumps({"message": "sendmessage", "data": "hello world !"})


def test_every_client_receives_the_broadcast_including_the_sender(chat: Path, start_service) -> None:
    running = start_service(chat)
    clients = [websocket.create_connection(running.url, timeout=10) for _ in range(3)]
    clients[0].send(HELLO)
    assert [client.recv() for client in clients] == ['"hello world !"'] * 3
    for client in clients:
        client.close()


def test_a_connection_that_vanished_is_cleaned_up_by_the_next_broadcast(chat: Path, start_service) -> None:
    running = start_service(chat)
    table_name = running.service.spec.tables[0].name
    dynamodb = boto3.session.Session().resource(
        "dynamodb", endpoint_url=running.service.dynamodb.url, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )
    table = dynamodb.Table(table_name)
    table.put_item(Item={"connectionId": "vanishedAAAAAAA=", "ttl": 0})  # its $disconnect never ran
    sender = websocket.create_connection(running.url, timeout=10)
    sender.send(HELLO)
    assert sender.recv() == '"hello world !"'
    running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "sendmessage")
    ids = {item["connectionId"] for item in table.scan()["Items"]}
    assert "vanishedAAAAAAA=" not in ids and len(ids) == 1
    sender.close()
    running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "$disconnect")
    assert table.scan()["Items"] == []


def test_closing_runs_disconnect_with_the_close_code(chat: Path, start_service) -> None:
    running = start_service(chat)
    client = websocket.create_connection(running.url, timeout=10)
    client.close(status=4000)
    closed = running.wait_for(lambda e: isinstance(e, ConnectionClosed))
    assert isinstance(closed, ConnectionClosed) and closed.code == 4000
    invoked = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "$disconnect")
    assert isinstance(invoked, Invoked) and invoked.result.ok
