"""The Load area against the real local gateway on a free port, running the scaffolded chat service."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, Select, Sparkline, Static

from tests.tui.conftest import make_app, running, start_local_gateway, wait_until
from wstui.core.deploy.outputs import DeployedOutputs, save_outputs
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.load.screen import LoadScreen


def text_of(screen: LoadScreen, selector: str) -> str:
    widget = screen.query_one(selector)
    return str(widget.render()) if isinstance(widget, Label | Static) else ""


def summary(screen: LoadScreen) -> str:
    """The summary the screen shows (a Rich group of tables), as text."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen.query_one("#load-summary", Static).content)
    return console.export_text()


@contextlib.asynccontextmanager
async def load_of(project: Path, url: str, **fields: str) -> AsyncIterator[tuple[Pilot[None], LoadScreen]]:
    """The app on `project`, in the Load area, its URL set to `url` and the fields given."""
    async with running(make_app(project, project)) as pilot:
        await pilot.press("f6")
        screen = pilot.app.screen
        assert isinstance(screen, LoadScreen)
        for name, value in {"url": url, **fields}.items():
            screen.query_one(f"#load-{name}", Input).value = value
        await pilot.pause()
        yield pilot, screen


@contextlib.asynccontextmanager
async def held_run(project: Path, url: str) -> AsyncIterator[tuple[Pilot[None], LoadScreen]]:
    """A run of 5 connections for a minute, started and all open."""
    async with load_of(project, url, connections="5", rate="50", duration="60") as (pilot, screen):
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "5 open of 5" in text_of(screen, "#load-status"))
        yield pilot, screen


def load_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("wstui-load")]


async def test_a_run_against_the_local_areas_gateway_draws_its_charts_and_ends_with_every_delivery(chat_with_token: Path) -> None:
    """The Local target is the Local area's gateway, with the project's token where its authorizer reads it."""
    async with running(make_app(chat_with_token, chat_with_token)) as pilot:
        await start_local_gateway(pilot)
        await pilot.press("f6")
        screen = pilot.app.screen
        assert isinstance(screen, LoadScreen)
        assert pilot.app.sub_title == "chat · Load"
        assert screen.query_one("#load-url", Input).value == pilot.app.gateway.url
        for name, value in {"connections": "20", "rate": "100", "duration": "2", "every": "0.5"}.items():
            screen.query_one(f"#load-{name}", Input).value = value
        await pilot.press("ctrl+s")
        assert pilot.app.screen is screen, "a loopback URL needs no question"
        await wait_until(pilot, lambda: len(screen.query_one("#load-open Sparkline", Sparkline).data or []) > 1)
        await wait_until(pilot, lambda: not screen.active)
        figures = summary(screen)
        assert "Completeness     100.00% (" in figures, figures
        assert "Handshakes       20 of 20 ok" in figures and "token=***" in figures
        for row in ("Handshake        p50", "First recipient  p50", "Last recipient   p50", "Delivery latency, every recipient"):
            assert row in figures
        assert "20 of 20" in str(screen.query_one("#load-open").border_title)
        assert screen.query_one("#load-latency Sparkline", Sparkline).data, "the latency chart got deliveries"
        assert "Errors none" in text_of(screen, "#load-errors")
        assert "Finished after" in text_of(screen, "#load-status")
    assert not load_threads()


async def test_stop_during_a_run_still_shows_the_summary(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with held_run(chat, service.url) as (pilot, screen):
        button = screen.query_one("#load-toggle", Button)
        assert str(button.label) == "Stop"
        await pilot.click("#load-toggle")
        await wait_until(pilot, lambda: "Stopping (stopped)" in text_of(screen, "#load-status"))
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: not screen.active)
        assert "(stopped early)" in summary(screen)
        assert "Handshakes       5 of 5 ok" in summary(screen)
        assert not screen.query_one("#load-url", Input).disabled, "the fields are back for the next run"
        assert str(button.label) == "Start"


async def test_leaving_the_area_stops_the_run(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with held_run(chat, service.url) as (pilot, screen):
        await pilot.press("f4")
        await wait_until(pilot, lambda: not screen.active)
        await pilot.press("f6")
        assert "(stopped early)" in summary(screen)


async def test_quitting_during_a_run_leaves_no_thread(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with held_run(chat, service.url) as (pilot, screen):
        await pilot.press("ctrl+q")
    assert not load_threads()
    assert screen.ended.is_set()


async def test_a_url_not_on_this_machine_asks_first_and_no_never_connects(chat: Path) -> None:
    async with load_of(chat, "wss://abc123.execute-api.us-east-1.amazonaws.com/v1", connections="300", duration="30") as (pilot, screen):
        assert screen.query_one("#load-target", Select).value == "custom"
        await pilot.press("ctrl+s")
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        assert "opens 300 connections to wss://abc123.execute-api.us-east-1.amazonaws.com/v1" in question.question
        assert "(150.0 connection-minutes)" in question.question and "up to 29 messages" in question.question
        await pilot.press("n")
        assert pilot.app.screen is screen
        assert screen.load_run is None and not screen.active
        assert not load_threads()


async def test_a_plan_it_cannot_run_is_said_under_the_fields(chat: Path) -> None:
    async with load_of(chat, "ws://127.0.0.1:9/v1", connections="100", rate="1", duration="5") as (pilot, screen):
        await pilot.press("ctrl+s")
        assert "raise the rate or the duration" in text_of(screen, "#load-error")
        assert screen.load_run is None


async def test_refusals_are_counted_by_kind_and_a_url_holding_markup_is_shown_as_it_is(  # type: ignore[no-untyped-def]
    chat_with_token: Path, start_service,
) -> None:
    """A custom URL carries no token: the token authorizer refuses every client, and the run still ends
    with its summary."""
    url = start_service(chat_with_token).url + "?room=[bold]x[/bold]"
    async with load_of(chat_with_token, url, connections="2", duration="1") as (pilot, screen):
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.active)
        assert "http-401 2" in text_of(screen, "#load-errors")
        figures = summary(screen)
        assert url in figures and "http-401 2" in figures and "Handshakes       0 of 2 ok" in figures


async def test_nothing_listening_is_one_sentence_with_the_apps_way_to_start_the_gateway(chat: Path) -> None:
    """Port 1 on loopback refuses at once: no client is opened, and the status says what to start."""
    async with load_of(chat, "ws://127.0.0.1:1/v1", connections="2", duration="1") as (pilot, screen):
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "nothing listens" in text_of(screen, "#load-status"))
        assert text_of(screen, "#load-status") == ("Connection refused: nothing listens on 127.0.0.1:1. Start the local "
                                                   "gateway first: Start in the Local area (ctrl+s there).")
        await wait_until(pilot, lambda: not screen.active)


async def test_the_deployed_target_is_the_stages_recorded_url_or_says_why_there_is_none(
    chat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/wstui-tests")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    async with load_of(chat, "") as (pilot, screen):
        screen.query_one("#load-target", Select).value = "deployed"
        await pilot.pause()
        assert screen.query_one("#load-url", Input).value == ""
        assert "No deployment recorded" in text_of(screen, "#load-error")
        save_outputs(chat, DeployedOutputs("chat-v1", "eu-west-1", {"APIGatewayURL": "wss://abc.example/v1"}))
        screen.query_one("#load-target", Select).value = "local"
        await pilot.pause()
        screen.query_one("#load-target", Select).value = "deployed"
        await pilot.pause()
        assert screen.query_one("#load-url", Input).value == "wss://abc.example/v1"
        assert not screen.query_one("#load-error", Label).display
        assert screen.query_one("#load-target", Select).value == "deployed"
