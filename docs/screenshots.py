"""Writes the pictures of docs/app.md: the real app on a scaffolded chat project, the gateway really running,
and a deploy planned against a moto server on a free loopback port (made-up credentials).

Run from the repository: `python docs/screenshots.py` (it scaffolds into a temporary directory).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
from pathlib import Path

import websocket
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Log

from wstui.core.scaffold import Template, scaffold
from wstui.tui.app import WstuiApp
from wstui.tui.config import UserConfig
from wstui.tui.deploy.screen import DeployScreen
from wstui.tui.load.screen import LoadScreen
from wstui.tui.console.payload_editor import PayloadEditor
from wstui.tui.console.session_panel import SessionPanel

IMAGES = Path(__file__).parent / "images"
SIZE = (140, 36)


async def until(pilot: Pilot[None], condition) -> None:  # type: ignore[no-untyped-def]
    while not condition():
        await pilot.pause()


async def shoot_load(pilot: Pilot[None]) -> None:
    """A finished run against the running gateway: 50 connections, a broadcast every half second."""
    app = pilot.app
    await pilot.press("f6")
    screen = app.screen
    assert isinstance(screen, LoadScreen)
    for name, value in {"connections": "50", "duration": "6", "every": "0.5"}.items():
        screen.query_one(f"#load-{name}", Input).value = value
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not screen.active)
    await pilot.pause()
    app.save_screenshot("load.svg", str(IMAGES))


async def shoot_console(pilot: Pilot[None]) -> None:
    """Two sessions on the running gateway: the second sends, both show the broadcast."""
    app = pilot.app
    await pilot.press("f4")
    screen = app.screen
    for _ in range(2):
        await pilot.press("ctrl+n")
    await until(pilot, lambda: len(screen.query(SessionPanel)) == 2 and all(p.is_open for p in screen.query(SessionPanel)))
    panels = list(screen.query(SessionPanel))
    screen.query_one(PayloadEditor).load('{"message": "sendmessage", "data": "hello world !"}')
    await pilot.press("ctrl+s")
    await until(pilot, lambda: all(panel.frame_log.received for panel in panels))
    await pilot.pause()
    app.save_screenshot("console.svg", str(IMAGES))
    for panel in panels:
        panel.session.close()


async def shoot(project: Path, start: Path) -> None:
    config = UserConfig(cursor_blink=False, local_port=0)
    app = WstuiApp(project, project, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.save_screenshot("routes.svg", str(IMAGES))
        await pilot.press("ctrl+n")
        app.screen.query_one("#key", Input).value = "join"
        app.screen.query_one("#handler", Input).value = "handlers.rooms:join"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("route-form.svg", str(IMAGES))
        await pilot.press("escape")
        await pilot.press("f3")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.gateway.url.startswith("ws://"))
        clients = [await asyncio.to_thread(websocket.create_connection, app.gateway.url) for _ in range(2)]
        frame = json.dumps({"message": "sendmessage", "data": "hello"})
        await asyncio.to_thread(clients[0].send, frame)
        await asyncio.to_thread(clients[1].recv)
        await until(pilot, lambda: app.screen.query_one(DataTable).row_count == 2
                    and any("sendmessage" in line for line in app.screen.query_one(Log).lines))
        app.save_screenshot("local.svg", str(IMAGES))
        await pilot.press("f1")
        await pilot.pause()
        app.save_screenshot("help.svg", str(IMAGES))
        await pilot.press("escape")
        for client in clients:
            await asyncio.to_thread(client.close)
        await shoot_console(pilot)
        await shoot_load(pilot)
        await app.gateway.stop()
        await pilot.press("f5")
        deploy = app.screen
        assert isinstance(deploy, DeployScreen)
        deploy.query_one(Checkbox).value = True
        await pilot.press("ctrl+n")
        await until(pilot, lambda: deploy.plan is not None and not deploy.busy)
        await pilot.pause()  # the footer recomposes after the refresh that follows the plan
        app.save_screenshot("deploy.svg", str(IMAGES))
        await pilot.press("ctrl+z")
        await until(pilot, lambda: not deploy.busy)
    app = WstuiApp(None, start, config)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.save_screenshot("start.svg", str(IMAGES))
        await pilot.press("ctrl+n")
        await pilot.pause()
        app.save_screenshot("wizard.svg", str(IMAGES))


def main() -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    })
    try:
        shoot_all()
    finally:
        server.stop()


def shoot_all() -> None:
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        project = scaffold("chat", base, {}, Template.load(None)).directory
        (base / "empty").mkdir()
        asyncio.run(shoot(project, base / "empty"))


if __name__ == "__main__":
    main()
