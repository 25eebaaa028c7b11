"""An edited wstui.toml reaches the running gateway: the real service on 127.0.0.1, real clients, the
edits made through ProjectFile (as the app's Routes area and `wstui routes` make them) or by hand."""

from __future__ import annotations

import json
from pathlib import Path

import websocket

from wstui.core.local.activity import ConfigApplied, ConfigNeedsRestart, ConfigRefused, ConnectionClosed
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import add_route, remove_route, set_expression

VERSION = 'def handle(event, context):\n    return {"statusCode": 200, "body": "v1"}\n'


def answers(client: websocket.WebSocket, frame: dict[str, str]) -> str:
    client.send(json.dumps(frame))
    return str(client.recv())


def test_a_route_added_while_clients_are_connected_answers_and_they_stay_connected(chat: Path, start_service) -> None:
    running = start_service(chat, reload=True)
    client = websocket.create_connection(running.url, timeout=10)
    assert answers(client, {"message": "sendmessage", "data": "before"}) == '"before"'

    (chat / "handlers" / "version.py").write_text(VERSION)
    add_route(ProjectFile.open(chat), "version", "handlers.version:handle", two_way=True)
    applied = running.wait_for(lambda e: isinstance(e, ConfigApplied))

    assert applied.changes == ("routes: + version", "expression unchanged", "authorizer unchanged")
    assert answers(client, {"message": "version"}) == "v1"
    assert answers(client, {"message": "sendmessage", "data": "after"}) == '"after"'
    assert not any(isinstance(e, ConnectionClosed) for e in running.events)


def test_a_removed_route_and_a_new_expression_apply_at_once(chat: Path, start_service) -> None:
    running = start_service(chat, reload=True)
    client = websocket.create_connection(running.url, timeout=10)
    project_file = ProjectFile.open(chat)
    remove_route(project_file, "sendmessage")
    assert running.wait_for(lambda e: isinstance(e, ConfigApplied)).changes[0] == "routes: - sendmessage"
    assert json.loads(answers(client, {"message": "sendmessage"}))["message"] == "Forbidden"

    add_route(project_file, "sendmessage", "handlers.send_message:handle")
    set_expression(project_file, "$request.body.action")
    running.wait_for(lambda e: isinstance(e, ConfigApplied) and "expression $request.body.message → $request.body.action" in e.changes)
    assert answers(client, {"action": "sendmessage", "data": "routed"}) == '"routed"'


def test_a_half_edited_file_keeps_the_running_configuration_and_says_where_it_breaks(chat: Path, start_service) -> None:
    running = start_service(chat, reload=True)
    client = websocket.create_connection(running.url, timeout=10)
    toml = chat / "wstui.toml"
    good = toml.read_text()
    lines = good.splitlines()
    broken_line = lines.index('key = "sendmessage"') + 1
    lines[broken_line - 1] = 'key = "sendmessage'
    toml.write_text("\n".join(lines) + "\n")

    refused = running.wait_for(lambda e: isinstance(e, ConfigRefused))
    assert refused.problem.startswith(f"wstui.toml:{broken_line}: TOML syntax error")
    assert answers(client, {"message": "sendmessage", "data": "still"}) == '"still"'

    toml.write_text(good)
    running.wait_for(lambda e: isinstance(e, ConfigApplied))
    assert answers(client, {"message": "sendmessage", "data": "again"}) == '"again"'


def test_a_route_to_a_handler_not_yet_written_applies_once_the_file_exists(chat: Path, start_service) -> None:
    running = start_service(chat, reload=True)
    client = websocket.create_connection(running.url, timeout=10)
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text() + '\n[[routes]]\nkey = "version"\nhandler = "handlers.version:handle"\ntwo_way = true\n')
    refused = running.wait_for(lambda e: isinstance(e, ConfigRefused))
    assert refused.problem.startswith("wstui.toml:") and "handlers/version.py" in refused.problem

    (chat / "handlers" / "version.py").write_text(VERSION)
    running.wait_for(lambda e: isinstance(e, ConfigApplied))
    assert answers(client, {"message": "version"}) == "v1"


def test_a_change_only_a_restart_applies_is_reported_and_nothing_of_it_runs(chat: Path, start_service) -> None:
    running = start_service(chat, reload=True)
    client = websocket.create_connection(running.url, timeout=10)
    toml = chat / "wstui.toml"
    (chat / "handlers" / "version.py").write_text(VERSION)
    edited = toml.read_text().replace('[stage]\nname = "v1"', '[stage]\nname = "v2"')
    toml.write_text(edited + '\n[[routes]]\nkey = "version"\nhandler = "handlers.version:handle"\ntwo_way = true\n')

    restart = running.wait_for(lambda e: isinstance(e, ConfigNeedsRestart))
    assert restart.reasons == ("stage v1 → v2 (the URL changes)",)
    assert json.loads(answers(client, {"message": "version"}))["message"] == "Forbidden"
    assert answers(client, {"message": "sendmessage", "data": "same"}) == '"same"'
