"""The Deploy area's Sync and its Watch switch, on the real app against a real moto server (tests/conftest.py).

The stack is deployed with `wstui deploy` first, as a user would have; the area's fields are left
empty, so boto3's chain reaches moto through AWS_ENDPOINT_URL and AWS_REGION (the `shell` fixture).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Select, Switch

from tests.deploy.test_deploy_cli import run
from tests.deploy.test_sync import FUNCTIONS, append, code_by_function
from tests.tui.conftest import make_app, running, wait_until
from tests.tui.test_deploy_area import in_log, log_text, open_deploy, state
from wstui.core.deploy.aws import AwsTarget
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.deploy import syncing
from wstui.tui.deploy.screen import DeployScreen

SEND = "HandlersSendMessageHandleFunction"
PROTECTED_PROD = "\n[stages.prod]\nprotected = true\n"


@pytest.fixture
def deployed(chat: Path, shell: AwsTarget) -> Path:
    created = run(chat, shell, "deploy", "--create-bucket", "--yes")
    assert created.exit_code == 0, created.output
    return chat


@pytest.fixture
def watcher_ended(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once the Watch's thread has left the real watcher (`saves`): nothing of it runs any more."""
    ended = threading.Event()
    real_saves = syncing.saves

    def saves(directory: Path, ready: Callable[[], None], stop: threading.Event | None = None) -> Iterator[list[str]]:
        try:
            yield from real_saves(directory, ready, stop)
        finally:
            ended.set()

    monkeypatch.setattr(syncing, "saves", saves)
    return ended


async def synced(pilot: Pilot[None], screen: DeployScreen, sentence: str) -> None:
    await wait_until(pilot, lambda: not screen.busy and in_log(screen, sentence), 120)


async def test_sync_puts_a_handler_edit_into_its_function_and_says_so_as_the_cli_does(deployed: Path, shell: AwsTarget) -> None:
    before = code_by_function(shell)
    append(deployed / "handlers" / "send_message.py", "\n# a fix\n")
    app = make_app(deployed, deployed)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.press("ctrl+y")
        await synced(pilot, screen, "Synced 1 of 3 functions of chat-v1")
        after = code_by_function(shell)
        assert {name for name in FUNCTIONS if after[name] != before[name]} == {SEND}
        assert in_log(screen, f"Updated {SEND} (")
        assert in_log(screen, "The stack still records the last deploy's code. A deploy (Plan, then Apply) makes them match again.")
        assert "wstuideploy" not in log_text(screen), "the app's words, not the CLI's"

        await pilot.press("ctrl+y")
        await synced(pilot, screen, "is up to date: nothing to sync.")
        assert state(screen) == "The code of chat-v1's 3 functions is up to date: nothing to sync."


async def test_a_template_change_says_what_changed_and_offers_the_plan_instead(deployed: Path, shell: AwsTarget) -> None:
    before = code_by_function(shell)
    toml = deployed / "wstui.toml"
    toml.write_text(toml.read_text() + '\n[[routes]]\nkey = "echo"\nhandler = "handlers.send_message:handle"\n')
    app = make_app(deployed, deployed)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), 120)
        assert in_log(screen, "The template of chat-v1 changed since its last deploy, so this takes CloudFormation:")
        assert in_log(screen, "+ RouteEcho (AWS::ApiGatewayV2::Route)")
        assert code_by_function(shell) == before, "nothing synced"

        await pilot.press("y")
        await wait_until(pilot, lambda: not screen.busy and screen.plan is not None, 120)
        changes = screen.query_one("#changes", DataTable)
        assert "RouteEcho" in {str(changes.get_row_at(row)[1]) for row in range(changes.row_count)}


async def test_watch_syncs_each_save_and_stops_when_turned_off(deployed: Path, shell: AwsTarget, watcher_ended: threading.Event) -> None:
    before = code_by_function(shell)
    app = make_app(deployed, deployed)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.click("#watch")
        await wait_until(pilot, lambda: in_log(screen, "for changes (turn Watch off to stop).") and not screen.busy, 120)
        assert in_log(screen, "is up to date: nothing to sync."), "turning Watch on syncs once"

        append(deployed / "handlers" / "send_message.py", "\n# saved\n")
        await synced(pilot, screen, "Synced 1 of 3 functions of chat-v1")
        assert in_log(screen, "Changed: handlers/send_message.py")
        assert log_text(screen).count(f"Updated{SEND}(") == 1
        assert {name for name in FUNCTIONS if code_by_function(shell)[name] != before[name]} == {SEND}

        await pilot.click("#watch")
        await wait_until(pilot, lambda: in_log(screen, "Stopped watching."))
        assert watcher_ended.is_set() and screen.session is None


async def test_another_stage_stops_the_watch_and_a_protected_one_is_synced_only_after_asking(
    deployed: Path, shell: AwsTarget, watcher_ended: threading.Event
) -> None:
    toml = deployed / "wstui.toml"
    toml.write_text(toml.read_text() + PROTECTED_PROD)
    app = make_app(deployed, deployed)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.click("#watch")
        await wait_until(pilot, lambda: in_log(screen, "for changes (turn Watch off to stop).") and not screen.busy, 120)
        screen.query_one("#stage", Select).value = "prod"
        await wait_until(pilot, lambda: in_log(screen, "Stopped watching."))
        assert watcher_ended.is_set() and not screen.query_one("#watch", Switch).value

        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Stage prod is protected (protected = true in wstui.toml)" in app.screen.question
        await pilot.press("n")
        assert not screen.busy and not in_log(screen, "No stack chat-prod")

        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: not screen.busy and "No stack chat-prod" in state(screen), 120)
        assert "Plan (ctrl+n), then Apply (ctrl+g)" in state(screen)
        assert in_log(screen, "No stack chat-prod in us-east-1: deploy it first. Plan (ctrl+n), then Apply (ctrl+g)."), "as the CLI's red line"


async def test_quitting_the_app_ends_the_watch(deployed: Path, shell: AwsTarget, watcher_ended: threading.Event) -> None:
    app = make_app(deployed, deployed)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.click("#watch")
        await wait_until(pilot, lambda: in_log(screen, "for changes (turn Watch off to stop).") and not screen.busy, 120)
        assert not watcher_ended.is_set()
    assert watcher_ended.wait(10), "the watcher's thread outlived the app"
