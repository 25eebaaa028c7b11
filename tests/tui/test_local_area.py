"""The Local area runs the real gateway on a free loopback port; real clients show up in it."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
from pathlib import Path

import websocket
from textual.widgets import Button, DataTable, Input, Label, Log

from tests.tui.conftest import make_app, running, wait_until
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import add_route
from wstui.tui.app import WstuiApp
from wstui.tui.local.screen import LocalScreen


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


def port_is_free(port: int) -> bool:
    """Free to listen on again, as the gateway would (SO_REUSEADDR: closed connections may linger in TIME_WAIT)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def local_area(pilot, app: WstuiApp) -> LocalScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f3")
    assert isinstance(app.screen, LocalScreen)
    return app.screen


async def test_start_connect_send_see_it_then_stop_frees_the_port(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await local_area(pilot, app)
        assert screen.query_one("#port", Input).value == "0"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: str(screen.query_one("#status", Label).render()).startswith("ws://"), 90)
        url = app.gateway.url
        assert str(screen.query_one("#toggle", Button).label) == "Stop"

        client = await asyncio.to_thread(websocket.create_connection, url, timeout=10)
        table = screen.query_one("#connections", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        connection_id, source, connected_at, _ = map(str, table.get_row_at(0))
        assert source == "127.0.0.1" and connected_at

        frame = json.dumps({"message": "sendmessage", "data": "hello"})
        await asyncio.to_thread(client.send, frame)
        assert await asyncio.to_thread(client.recv) == '"hello"'
        log = screen.query_one(Log)
        await wait_until(pilot, lambda: any("sendmessage" in line and connection_id in line for line in log.lines))
        invocation = next(line for line in log.lines if "sendmessage" in line)
        assert " ok " in invocation and " ms" in invocation

        await asyncio.to_thread(client.close)
        await wait_until(pilot, lambda: table.row_count == 0)
        assert any(f"- {connection_id} closed 1000" in line for line in log.lines)

        port = port_of(url)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: str(screen.query_one("#status", Label).render()) == "stopped", 60)
        assert not app.gateway.running
        assert port_is_free(port)


async def test_quitting_the_app_stops_the_gateway(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f3")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.gateway.running and app.gateway.url.startswith("ws://"), 90)
        port = port_of(app.gateway.url)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.gateway.running, 60)
    assert port_is_free(port)


async def test_a_busy_port_is_reported_in_the_area(chat: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        app = make_app(chat, chat, local_port=busy)
        async with running(app) as pilot:
            await pilot.press("f3")
            screen = app.screen
            await pilot.press("ctrl+s")
            status = screen.query_one("#status", Label)
            await wait_until(pilot, lambda: "Cannot listen" in str(status.render()), 90)
            assert status.has_class("error")
            assert re.search(r"Set Port to \d+ \(free now\) or 0 \(any free port\), then start\.", str(status.render()))
            assert not app.gateway.running


async def test_a_broken_wstui_toml_runs_the_last_good_configuration_and_says_so(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await local_area(pilot, app)
        toml = chat / "wstui.toml"
        toml.write_text(toml.read_text().replace('runtime = "python3.12"', 'runtime = "python3.99"'))
        await pilot.press("ctrl+s")
        status = screen.query_one("#status", Label)
        await wait_until(pilot, lambda: str(status.render()).startswith("ws://"), 90)
        assert "wstui.toml has problems, so this runs the last configuration that loaded" in str(status.render())
        assert status.has_class("error")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not app.gateway.running, 30)


async def test_a_route_added_while_the_gateway_runs_answers_and_the_log_says_what_was_applied(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await local_area(pilot, app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: str(screen.query_one("#status", Label).render()).startswith("ws://"), 90)
        client = await asyncio.to_thread(websocket.create_connection, app.gateway.url, timeout=10)
        (chat / "handlers" / "version.py").write_text('def handle(event, context):\n    return {"body": "v1"}\n')
        add_route(ProjectFile.open(chat), "version", "handlers.version:handle", two_way=True)
        log = screen.query_one(Log)
        await wait_until(pilot, lambda: any("wstui.toml applied: routes: + version; expression unchanged" in line
                                            for line in log.lines))
        await asyncio.to_thread(client.send, json.dumps({"message": "version"}))
        assert await asyncio.to_thread(client.recv) == "v1"
        await asyncio.to_thread(client.close)


async def test_a_fix_saved_while_the_last_good_configuration_runs_clears_the_warning(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await local_area(pilot, app)
        toml = chat / "wstui.toml"
        good = toml.read_text()
        toml.write_text(good.replace('runtime = "python3.12"', 'runtime = "python3.99"'))
        await pilot.press("ctrl+s")
        status = screen.query_one("#status", Label)
        await wait_until(pilot, lambda: str(status.render()).startswith("ws://"), 90)
        assert status.has_class("error")
        toml.write_text(good)
        await wait_until(pilot, lambda: not status.has_class("error"))
        assert str(status.render()) == app.gateway.url


async def started_in_area(pilot, app: WstuiApp) -> tuple[LocalScreen, Label]:  # type: ignore[no-untyped-def]
    """The Local area once its gateway runs, and its status line."""
    screen = await local_area(pilot, app)
    await pilot.press("ctrl+s")
    status = screen.query_one("#status", Label)
    await wait_until(pilot, lambda: str(status.render()).startswith("ws://"), 90)
    return screen, status


async def test_a_port_typed_while_the_gateway_runs_says_it_applies_at_the_next_start(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen, status = await started_in_area(pilot, app)
        screen.query_one("#port", Input).value = "4123"
        await pilot.pause()
        assert str(status.render()) == f"{app.gateway.url}  (port 4123 applies at the next start: stop and start the gateway)"
        screen.query_one("#port", Input).value = str(port_of(app.gateway.url))
        await pilot.pause()
        assert str(status.render()) == app.gateway.url


async def test_an_app_that_ends_with_the_gateway_running_stops_it_and_gives_the_environment_back(chat: Path) -> None:
    """Not only ctrl+q: however the app ends, the port is freed and os.environ is the process's own again
    (the gateway replaces it while it runs, to keep handlers away from a real account)."""
    environment = type(os.environ)
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await local_area(pilot, app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: str(screen.query_one("#status", Label).render()).startswith("ws://"), 90)
        port = port_of(app.gateway.url)
        assert type(os.environ) is not environment
    assert type(os.environ) is environment
    assert port_is_free(port)


async def test_the_latency_profile_of_wstui_toml_applies_and_shows_in_the_status(chat: Path) -> None:
    """The area starts the same LocalService as `wstui dev`: [dev] latency applies here too, and says so."""
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text() + "\n[dev.latency]\ncold_start_ms = 250\n")
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen, status = await started_in_area(pilot, app)
        profile = "custom (@connections 0 ms, DynamoDB 0 ms, cold start 250 ms, integration 0 ms)"
        assert str(status.render()) == f"{app.gateway.url}  latency: {profile}"
        assert app.gateway.service is not None and app.gateway.service.runtime.cold_start == 0.25
        await wait_until(pilot, lambda: any(line.endswith(f"latency: {profile}") for line in screen.query_one(Log).lines))
        client = await asyncio.to_thread(websocket.create_connection, app.gateway.url, timeout=10)
        await wait_until(pilot, lambda: any("(cold start)" in line for line in screen.query_one(Log).lines), 30)
        await asyncio.to_thread(client.close)
