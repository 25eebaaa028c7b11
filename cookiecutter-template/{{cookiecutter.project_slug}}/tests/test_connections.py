"""$connect stores the connection with an expiry; $disconnect removes it."""

import time

from conftest import event

from handlers import connect, connections, disconnect


def test_connect_stores_the_connection_with_a_ttl(table):
    before = int(time.time())
    assert connect.handle(event("$connect", "conn-A"), None) == {"statusCode": 200}
    item = table.get_item(Key={connections.KEY: "conn-A"})["Item"]
    assert before + connections.TTL_SECONDS <= item[connections.TTL_ATTRIBUTE] <= int(time.time()) + connections.TTL_SECONDS


def test_disconnect_removes_only_that_connection(table):
    connect.handle(event("$connect", "conn-A"), None)
    connect.handle(event("$connect", "conn-B"), None)
    assert disconnect.handle(event("$disconnect", "conn-A"), None) == {"statusCode": 200}
    assert sorted(connections.all_ids()) == ["conn-B"]


def test_all_ids_reads_every_page(table, monkeypatch):
    monkeypatch.setattr(connections, "PAGE_SIZE", 2)
    ids = [f"conn-{i}" for i in range(7)]
    for connection_id in ids:
        connections.add(connection_id)
    assert sorted(connections.all_ids()) == ids
