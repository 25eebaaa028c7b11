"""sendmessage broadcasts the JSON text of "data" to everyone and cleans up gone connections."""

import json
import time

from conftest import DOMAIN, STAGE, event

from handlers import connections, send_message

MESSAGE = json.dumps({"{{ cookiecutter.route_field }}": "sendmessage", "data": "hello world !"})


def connect(*ids, seconds_ago=60):
    for connection_id in ids:
        connections.add(connection_id, now=time.time() - seconds_ago)


def test_every_connection_receives_the_data_including_the_sender(gateway, monkeypatch):
    monkeypatch.setattr(connections, "PAGE_SIZE", 2)  # several scan pages
    connect("A", "B", "C", "D", "E")
    result = send_message.handle(event("sendmessage", "A", MESSAGE), None)
    assert result["statusCode"] == 200
    assert gateway.posts == {cid: [b'"hello world !"'] for cid in "ABCDE"}
    assert set(gateway.endpoints) == {f"https://{DOMAIN}/{STAGE}"}


def test_object_data_is_sent_as_json_text(gateway):
    connect("A")
    send_message.handle(event("sendmessage", "A", json.dumps({"data": {"text": "hé", "n": 1}})), None)
    assert gateway.posts["A"] == ['{"text":"hé","n":1}'.encode()]


def test_gone_connections_are_deleted_before_returning(gateway, table):
    connect("A", "B", "C")
    gateway.gone = {"B"}
    result = send_message.handle(event("sendmessage", "A", MESSAGE), None)
    assert json.loads(result["body"]) == {"sent": 2, "gone": 1}
    assert sorted(connections.all_ids()) == ["A", "C"]
    assert set(gateway.posts) == {"A", "C"}


def test_a_connection_still_connecting_is_not_deleted_when_it_answers_gone(gateway):
    connect("A")
    connect("B", seconds_ago=0)  # its $connect wrote the row moments ago and has not returned yet
    gateway.gone = {"B"}
    send_message.handle(event("sendmessage", "A", MESSAGE), None)
    assert sorted(connections.all_ids()) == ["A", "B"]


def test_invalid_json_gets_an_error_frame_and_nothing_is_broadcast(gateway):
    connect("A", "B")
    result = send_message.handle(event("sendmessage", "A", "not json"), None)
    assert result["statusCode"] == 400
    (frame,) = gateway.posts["A"]
    assert json.loads(frame)["error"] == "The message is not JSON."
    assert "B" not in gateway.posts


def test_missing_data_gets_an_error_frame(gateway):
    connect("A", "B")
    body = json.dumps({"{{ cookiecutter.route_field }}": "sendmessage"})
    result = send_message.handle(event("sendmessage", "A", body), None)
    assert result["statusCode"] == 400
    assert json.loads(gateway.posts["A"][0])["error"] == 'The message has no "data" to send.'
    assert "B" not in gateway.posts


def test_a_sender_that_is_already_gone_does_not_crash_the_handler(gateway):
    gateway.gone = {"A"}
    assert send_message.handle(event("sendmessage", "A", "{}"), None)["statusCode"] == 400
