"""The app shows outside text as it came, and stays up whatever it is: AWS's reasons and outputs, route
keys, typed names and URLs, headers, the user's config, frames. An error wstui did not foresee in a
worker ends that step, said in its area, never the app.

The nasty strings are a fixed list (`tests/outside_text.py`): the pure renderers get hypothesis's
examples in tests/deploy and tests/cli, and a run of the app costs too much for hundreds of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import websocket
from outside_text import NASTY, NASTY_KEYS, shown
from stubbed import STACK, broken_pages_for, event, newest_first, stack, stack_event
from textual.app import SystemCommand
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Log, RichLog, Static
from textual.widgets._toast import Toast

from tests.tui.conftest import SIZE, make_app, wait_until
from tests.tui.test_deploy_area import applied, open_deploy, state, stubbed, stubbed_deploy
from wstui.core.deploy.aws import AwsIdentity, AwsTarget
from wstui.core.deploy.events import (
    ArtifactStored,
    Deployed,
    DeployEvent,
    OperationFailed,
    Plan,
    PlanReady,
    PluginProgress,
    ResourceChange,
    ResourceFailure,
    StackEvent,
    UploadProgress,
    UploadRetrying,
)
from wstui.core.deploy.status import RecentEvent, StackStatus
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import add_route
from wstui.core.template.ids import URL_OUTPUT
from wstui.tui.app import WstuiApp
from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.deploy.screen import DeployScreen
from wstui.tui.routes.edit_form import EditForm
from wstui.tui.local.screen import LocalScreen
from wstui.tui.routes.screen import RoutesScreen
from wstui.tui.start.screen import StartScreen
from wstui.tui.start.wizard import WizardScreen

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HANDLER = "handlers.send_message:handle"


@contextlib.asynccontextmanager
async def running(app: WstuiApp) -> AsyncIterator[Pilot[None]]:
    """The app under Pilot, laid out, with its notifications drawn (run_test leaves them out by default)."""
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        yield pilot


def rows(table: DataTable) -> str:
    """Every cell's text, row by row; a `str` cell would be markup, so every cell must be a Text."""
    return "\n".join(" ".join(cell.plain for cell in table.get_row_at(row)) for row in range(table.row_count))


def log_of(screen: DeployScreen) -> str:
    return "\n".join(line.text for line in screen.query_one("#deploy-log", RichLog).lines)


async def toasts(pilot: Pilot[None]) -> str:
    """The notifications as drawn on screen (drawing one is where markup in it would raise)."""
    app = pilot.app
    await wait_until(pilot, lambda: len(app.screen.query(Toast)) >= len(app._notifications) > 0)
    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


def all_shown(texts: tuple[str, ...], output: str) -> bool:
    return all(shown(text, output) for text in texts)


def breaks(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, error: Exception) -> None:
    """Make the core function a worker calls raise `error`, as a bug or a library would."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(owner, name, broken)


# The Deploy area.

def engine_events() -> list[DeployEvent]:
    """Every kind of event the Deploy area draws, each text in it one of the nasty strings."""
    changes = tuple(ResourceChange("Add", text, text) for text in NASTY)
    failures = tuple(ResourceFailure(text, "AWS::IAM::Role", "CREATE_FAILED", text) for text in NASTY)
    return [
        PlanReady(Plan(STACK, "arn", "CREATE", changes, "bucket")),
        UploadProgress("bucket", NASTY[0], 5, 10),
        UploadRetrying("bucket", NASTY[0], 2, 4, NASTY[3]),
        ArtifactStored("bucket", NASTY[0], 10, uploaded=True),
        *(StackEvent(text, text, "CREATE_FAILED", text, NOW, 1.0, 1, 2) for text in NASTY),
        OperationFailed(STACK, "ROLLBACK_COMPLETE", failures),
        Deployed(STACK, "CREATE_COMPLETE", (), {URL_OUTPUT: NASTY[5]}, "", not_saved=NASTY[2]),
        Deployed(STACK, "CREATE_COMPLETE", tuple((text, 1.0) for text in NASTY), {text: text for text in NASTY}, NASTY[5]),
        PluginProgress(NASTY[1], "wstui_after_deploy", NASTY[9]),
    ]


async def test_the_deploy_area_draws_every_event_and_the_status_as_they_came(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        screen.post_message(DeployScreen.Identified(AwsIdentity("", NASTY[7], NASTY[5], NASTY[8])))
        for deploy_event in engine_events():
            screen.post_message(DeployScreen.Engine(deploy_event))
        await pilot.pause()
        assert all_shown(NASTY, log_of(screen))
        assert shown(f"Account unknown, region {NASTY[7]}, endpoint {NASTY[5]}: {NASTY[8]}", log_of(screen))
        assert shown(f"again (attempt 2 of 4): {NASTY[3]}", log_of(screen))
        assert shown(f"Plugin {NASTY[1]}: {NASTY[9]}", log_of(screen))
        assert shown(f"Its record could not be written: {NASTY[2]} The Console's Deployed URL (ctrl+r)", log_of(screen))
        assert all_shown(NASTY, rows(screen.query_one("#changes", DataTable)))
        assert all_shown(NASTY, rows(screen.query_one("#events", DataTable)))
        assert all_shown(NASTY, rows(screen.query_one("#outputs", DataTable)))

        recent = tuple(RecentEvent(NOW, text, text, "UPDATE_FAILED", text) for text in NASTY)
        screen.post_message(DeployScreen.StatusRead(StackStatus(STACK, "UPDATE_ROLLBACK_COMPLETE", {"Version": NASTY[1]}, recent), NASTY[7]))
        await pilot.pause()
        assert all_shown(NASTY, rows(screen.query_one("#events", DataTable)))
        assert rows(screen.query_one("#outputs", DataTable)) == f"Version {NASTY[1]}"
        assert isinstance(app.screen, DeployScreen)


async def test_an_apply_that_fails_shows_cloudformations_reasons_as_they_came(chat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    aws = stubbed_deploy(
        monkeypatch,
        event(1, "ConnectRole", "AWS::IAM::Role", "CREATE_FAILED", NASTY[2]),
        event(2, "ConnectionTable", "AWS::DynamoDB::Table", "CREATE_FAILED", NASTY[3]),
        stack_event(3, "ROLLBACK_COMPLETE", NASTY[0]),
    )
    async with applied(chat, aws) as (pilot, screen):
        assert state(screen) == "Stack chat-v1 ended in ROLLBACK_COMPLETE: the reasons are in the log."
        assert all_shown((NASTY[2], NASTY[3]), log_of(screen))
        assert all_shown((NASTY[0], NASTY[2], NASTY[3]), rows(screen.query_one("#events", DataTable)))


async def test_status_shows_outputs_and_reasons_as_they_came(chat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    aws = stubbed(monkeypatch)
    aws.cloudformation.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE", {URL_OUTPUT: NASTY[5], "Version": NASTY[1]}))
    aws.cloudformation.add_response("describe_stack_events", newest_first(
        event(1, "ConnectRole", "AWS::IAM::Role", "UPDATE_FAILED", NASTY[3]), stack_event(2, "UPDATE_ROLLBACK_COMPLETE")))
    async with running(make_app(chat, chat)) as pilot:
        screen = await open_deploy(pilot)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: not screen.busy and state(screen) == "Stack chat-v1: UPDATE_ROLLBACK_COMPLETE")
        aws.verify()
        assert rows(screen.query_one("#outputs", DataTable)) == f"{URL_OUTPUT} {NASTY[5]}\nVersion {NASTY[1]}"
        assert shown(NASTY[3], rows(screen.query_one("#events", DataTable)))
        commands = {command.title: command.help for command in app_commands(pilot.app)}
        assert Content.from_markup(commands["Open the Console on the deployed URL"]).plain == NASTY[5]


def app_commands(app: WstuiApp) -> list[SystemCommand]:
    return list(app.get_system_commands(app.screen))


@pytest.mark.parametrize(("key", "field", "value", "sentence"), [
    ("ctrl+n", "#bucket", "s3://my-bucket", '"s3://my-bucket" is not a valid S3 bucket name'),
    ("ctrl+n", "#bucket", "my bucket", '"my bucket" is not a valid S3 bucket name'),
    ("ctrl+n", "#stack", "my[/x]", 'Stack name "my[/x]" must start with a letter'),
    ("ctrl+t", "#stack", "my[/x]", 'Stack name "my[/x]" must start with a letter'),
    ("ctrl+r", "#stack", "my[/x]", 'Stack name "my[/x]" must start with a letter'),
])
async def test_names_aws_would_refuse_are_said_in_the_area_before_any_call(
    chat: Path, shell: AwsTarget, key: str, field: str, value: str, sentence: str
) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        screen.query_one(field, Input).value = value
        await pilot.press(key)
        await pilot.pause()
        assert state(screen).startswith(sentence) and screen.query_one("#deploy-state", Label).has_class("error")
        assert sentence in await toasts(pilot)
        assert app.screen is screen and not screen.busy


async def test_an_answer_aws_botocore_cannot_read_ends_the_step_not_the_app(
    chat: Path, shell: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_pages_for(monkeypatch, "DescribeStacks")  # moto behind it answers the rest
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: not screen.busy and "Planning" not in state(screen))
        assert state(screen).startswith("Unexpected error (ResponseParserError: Unable to parse response")
        assert "Unexpected error (ResponseParserError" in await toasts(pilot)
        await pilot.press("ctrl+n")  # the area still works
        await wait_until(pilot, lambda: not screen.busy and "Planning" not in state(screen))
        assert app.screen is screen


# The Routes area and its forms.

@pytest.fixture
def nasty_routes(chat: Path) -> Path:
    for key in NASTY_KEYS:
        add_route(ProjectFile.open(chat), key, HANDLER, operation_name=key)
    return chat


async def test_route_keys_holding_markup_are_listed_edited_and_offered_as_they_are(nasty_routes: Path) -> None:
    app = make_app(nasty_routes, nasty_routes)
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, RoutesScreen)
        table = screen.query_one("#routes", DataTable)
        assert [table.get_row_at(row)[0].plain for row in range(table.row_count)][3:] == list(NASTY_KEYS)
        assert [table.get_row_at(row)[2].plain for row in range(table.row_count)][3:] == list(NASTY_KEYS)
        table.move_cursor(row=3)
        await pilot.pause()
        palette = [Content.from_markup(command.title).plain for command in app_commands(app)]
        assert f"Edit route {NASTY_KEYS[0]}" in palette and f"Delete route {NASTY_KEYS[0]}" in palette
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditForm))
        assert str(app.screen.query_one("#form-heading", Label).render()) == f"Route {NASTY_KEYS[0]}"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        assert f"Updated route {NASTY_KEYS[0]}." in await toasts(pilot)


async def test_an_error_the_preview_did_not_foresee_is_said_in_the_form(chat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wstui.tui.routes.edit_form

    breaks(monkeypatch, wstui.tui.routes.edit_form, "preview_edit", ValueError("Maximum number of resources [500] reached"))
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("ctrl+n")
        form = app.screen
        assert isinstance(form, EditForm)
        form.query_one("#key", Input).value = "echo"
        form.query_one("#handler", Input).value = HANDLER
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = str(form.query_one("#form-error", Static).render())
        assert error == "Unexpected error (ValueError: Maximum number of resources [500] reached)."
        assert app.screen is form


# The Console area.

async def console(pilot: Pilot[None]) -> ConsoleScreen:
    await pilot.press("f4")
    screen = pilot.app.screen
    assert isinstance(screen, ConsoleScreen)
    return screen


async def test_a_header_holding_markup_is_copied_as_wscat_and_shown_as_it_is(chat: Path) -> None:
    async with running(make_app(chat, chat)) as pilot:
        screen = await console(pilot)
        screen.query_one("#header", Input).value = "X-Test: [/x]"
        await pilot.press("ctrl+b")
        assert "-H 'X-Test: [/x]'" in await toasts(pilot)


@pytest.mark.parametrize("url", ["ws://[::1", "ws://[::1]:99999/v1"])
async def test_a_url_that_does_not_parse_is_said_under_the_fields_typed_or_deployed(chat: Path, url: str) -> None:
    (chat / ".wstui").mkdir()
    outputs = {"stack_name": "chat-v1", "region": "us-east-1", "outputs": {URL_OUTPUT: url}}
    (chat / ".wstui" / "outputs.json").write_text(json.dumps(outputs), encoding="utf-8")
    async with running(make_app(chat, chat)) as pilot:
        screen = await console(pilot)
        error = screen.query_one("#target-error", Label)
        screen.query_one("#url", Input).value = url
        await pilot.press("ctrl+n")
        assert str(error.render()).startswith(f"Not a WebSocket URL: {url!r}: ")
        screen.query_one("#url", Input).value = ""
        await pilot.press("ctrl+r")
        assert screen.query_one("#url", Input).value == url
        await pilot.press("ctrl+n")
        assert str(error.render()).startswith(f"Not a WebSocket URL: {url!r}: ")
        assert pilot.app.is_running and pilot.app.screen is screen


async def test_frames_and_closes_holding_markup_are_shown_as_they_came(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    running_service = start_service(chat)
    async with running(make_app(chat, chat)) as pilot:
        screen = await console(pilot)
        screen.query_one("#url", Input).value = running_service.url
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: screen.current is not None and screen.current.is_open)
        panel = screen.current
        assert panel is not None
        data = " ".join(NASTY)
        panel.session.send(json.dumps({"message": "sendmessage", "data": data}))
        await wait_until(pilot, lambda: panel.frame_log.received == 2)
        await pilot.pause()
        sent_back = json.dumps(data, ensure_ascii=False)  # the chat service sends the data back as JSON
        lines = "\n".join(panel.frame_log.render_line(y).text for y in range(2))
        assert shown(sent_back[:40], lines), lines  # the line is cut at the panel's width
        await wait_until(pilot, lambda: shown(sent_back, str(screen.query_one("#detail", Static).render())))


# The Local area.

SHOUT = """\
import json


def handle(event, context):
    print(json.loads(event["body"])["text"])
    return {"statusCode": 200}
"""


async def test_what_a_handler_prints_reaches_the_local_log_as_it_came(chat: Path) -> None:
    (chat / "handlers" / "shout.py").write_text(SHOUT, encoding="utf-8")
    add_route(ProjectFile.open(chat), "shout", "handlers.shout:handle")
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, LocalScreen)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.gateway.running and str(screen.query_one("#status", Label).render()).startswith("ws://"), 90)
        client = await asyncio.to_thread(websocket.create_connection, app.gateway.url, timeout=10)
        await asyncio.to_thread(client.send, json.dumps({"message": "shout", "text": " ".join(NASTY)}))
        log = screen.query_one(Log)
        await wait_until(pilot, lambda: any("shout" in line for line in log.lines) and any("|" in line for line in log.lines))
        await asyncio.to_thread(client.close)
        assert all_shown(NASTY, "\n".join(log.lines))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not app.gateway.running, 60)


async def test_a_gateway_that_fails_to_start_for_an_unforeseen_reason_is_said_in_the_area(
    chat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wstui.core.template import builder

    breaks(monkeypatch, builder, "build_template", ValueError("troposphere says [/x] is wrong"))
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, LocalScreen)
        await pilot.press("ctrl+s")
        status = screen.query_one("#status", Label)
        await wait_until(pilot, lambda: not screen.busy and "starting" not in str(status.render()))
        assert str(status.render()) == "Unexpected error (ValueError: troposphere says [/x] is wrong)."
        assert "troposphere says [/x] is wrong" in await toasts(pilot)
        assert app.screen is screen and not app.gateway.running


# The shell: the user's config, the start screen and the wizard.

async def test_a_theme_holding_markup_is_reported_and_the_app_opens(chat: Path) -> None:
    app = make_app(chat, chat, theme="[/x]")
    async with running(app) as pilot:
        assert isinstance(app.screen, RoutesScreen)
        assert "Unknown theme '[/x]'" in await toasts(pilot)


async def test_a_directory_holding_markup_is_named_as_it_is(tmp_path: Path) -> None:
    where = tmp_path / "[red]x [link=y]z \\"
    where.mkdir()
    app = make_app(None, where)
    async with running(app) as pilot:
        assert isinstance(app.screen, StartScreen)
        assert str(app.screen.query_one("#start-where", Static).render()).startswith(f"No wstui.toml in {where}")
        assert pilot.app.is_running


async def test_an_error_the_wizard_did_not_foresee_is_said_in_the_wizard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wstui.tui.start.wizard

    breaks(monkeypatch, wstui.tui.start.wizard, "scaffold", RuntimeError("cookiecutter hook failed [/x]"))
    app = make_app(None, tmp_path)
    async with running(app) as pilot:
        await pilot.press("ctrl+n")
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await pilot.press("ctrl+s")
        error = wizard.query_one("#wizard-error", Static)
        await wait_until(pilot, lambda: "Unexpected" in str(error.render()))
        assert str(error.render()) == "Unexpected error (RuntimeError: cookiecutter hook failed [/x])."
        assert app.screen is wizard
