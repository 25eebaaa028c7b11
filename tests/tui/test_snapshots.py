"""Pictures of each area, with cursors that do not blink and the project in a directory named `chat`.

Baselines live in __snapshots__/; after a deliberate change of layout, rewrite them with
`pytest tests/tui/test_snapshots.py --snapshot-update` and look at the SVGs before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from tests.tui.conftest import SIZE, make_app, wait_until
from wstui.core.deploy.aws import AwsTarget
from wstui.tui.deploy.screen import DeployScreen
from wstui.tui.console.payload_editor import PayloadEditor
from wstui.tui.console.session_panel import SessionPanel


def test_routes_area(snap_compare, chat: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(chat, chat), terminal_size=SIZE)


def test_route_form_previews_the_template(snap_compare, chat: Path) -> None:  # type: ignore[no-untyped-def]
    async def add_echo(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("ctrl+n")
        pilot.app.screen.query_one("#key", Input).value = "echo"
        pilot.app.screen.query_one("#handler", Input).value = "handlers.send_message:handle"
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(chat, chat), terminal_size=SIZE, run_before=add_echo)


def test_local_area_stopped(snap_compare, chat: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(chat, chat), terminal_size=SIZE, press=["f3"])


def test_new_project_wizard(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(None, tmp_path), terminal_size=SIZE, press=["ctrl+n"])


def test_console_area_with_a_refused_session(snap_compare, chat: Path) -> None:  # type: ignore[no-untyped-def]
    """Port 1 on loopback refuses at once, so the failed session reads the same on every machine."""

    async def refused_session(pilot: Pilot[None]) -> None:
        await pilot.press("f4")
        screen = pilot.app.screen
        screen.query_one("#url", Input).value = "ws://127.0.0.1:1/v1"
        screen.query_one("#query", Input).value = "token=abc"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: screen.query_one(SessionPanel).has_class("state-error"))
        screen.query_one(PayloadEditor).load('{"message": "sendmessage", "data": "hello world !"}')
        await pilot.pause()

    assert snap_compare(make_app(chat, chat), terminal_size=SIZE, run_before=refused_session)


def test_deploy_area_plan(snap_compare, chat: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The plan of a fixed project against moto: no ids or times of moto's reach the screen before apply.
    moto's port changes from run to run, and the area shows an endpoint in effect from AWS_ENDPOINT_URL:
    the calls reach moto through the per-service variables instead, which the area does not name."""
    monkeypatch.setenv("AWS_REGION", aws.region)
    for service in ("CLOUDFORMATION", "S3", "STS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", aws.endpoint_url)

    async def plan(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.press("f5")
        screen = pilot.app.screen
        assert isinstance(screen, DeployScreen)
        screen.query_one(Checkbox).value = True
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: screen.plan is not None and not screen.busy, 120)
        await pilot.pause()

    assert snap_compare(make_app(chat, chat), terminal_size=SIZE, run_before=plan)


def test_load_area_before_a_run(snap_compare, chat: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(chat, chat), terminal_size=SIZE, press=["f6"])
