"""The live charts: the Local area's figures of its running gateway, and each Console session's
frames per second and reply time, against the real gateway and real clients."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import websocket
from textual.widgets import Label, Sparkline

from tests.tui.conftest import make_app, running, wait_until
from tests.tui.test_console_area import connect, console_of
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import add_route
from wstui.tui.local.charts import Chart, RouteRow

WHOAMI = 'def handle(event, context):\n    return {"body": event["requestContext"]["connectionId"]}\n'


async def test_the_local_area_charts_connections_frames_and_latency_per_route(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f3")
        screen = app.screen
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: str(screen.query_one("#status", Label).render()).startswith("ws://"), 90)
        clients = [await asyncio.to_thread(websocket.create_connection, app.gateway.url, timeout=10) for _ in range(2)]
        for number in range(5):
            await asyncio.to_thread(clients[0].send, json.dumps({"message": "sendmessage", "data": number}))
            for client in clients:
                await asyncio.to_thread(client.recv)

        def title(chart_id: str) -> str:
            return str(screen.query_one(chart_id, Chart).border_title)

        await wait_until(pilot, lambda: title("#chart-connections") == "Connections 2")

        def sendmessage() -> RouteRow | None:
            return next((row for row in screen.query(RouteRow) if row.route == "sendmessage"), None)

        await wait_until(pilot, lambda: (row := sendmessage()) is not None and max(row.query_one(Sparkline).data or [0]) > 0)
        assert sum(screen.stats.received.values) > 0 and sum(screen.stats.sent.values) > 0
        row = sendmessage()
        assert row is not None and "idle" not in str(row.query_one(Label).render())
        for client in clients:
            await asyncio.to_thread(client.close)


async def test_a_console_session_shows_its_frames_per_second_and_reply_time(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    (chat / "handlers" / "whoami.py").write_text(WHOAMI)
    add_route(ProjectFile.open(chat), "whoami", "handlers.whoami:handle", two_way=True)
    service = start_service(chat)
    async with console_of(chat, service.url) as (pilot, screen):
        (panel,) = await connect(pilot, screen, 1)
        screen.editor.load('{"message": "whoami"}')
        await pilot.press("ctrl+s")
        figures = panel.query_one(".rates-figures", Label)
        await wait_until(pilot, lambda: "reply" in str(figures.render()))
        assert panel.rates.last_round_trip_ms is not None and panel.rates.last_round_trip_ms > 0
        await wait_until(pilot, lambda: sum(panel.rates.received.values) > 0)
        assert str(figures.render()).startswith("in ")


def test_a_chart_with_one_value_draws_a_flat_line_not_a_full_bar() -> None:
    """Textual draws a one-value series as a full bar: a chart just started would read as at its peak."""
    from wstui.tui.sparkline import sparkline_data

    assert sparkline_data([0.0]) == [] and sparkline_data([]) == []
    assert sparkline_data(iter([0.0, 2.0])) == [0.0, 2.0]
