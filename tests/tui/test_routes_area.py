"""The Routes area edits wstui.toml on disk through the CLI's own edits, keeping the user's comments."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, Static

from tests.core.test_limits import FULL, with_routes
from tests.tui.conftest import USER_COMMENT, footer_keys, make_app, running, wait_until
from wstui.core.project.load import load_project
from wstui.tui.app import WstuiApp
from wstui.tui.routes.edit_form import EditForm
from wstui.tui.routes.screen import RoutesScreen


def form(app: WstuiApp) -> EditForm:
    assert isinstance(app.screen, EditForm), app.screen
    return app.screen


def text_of(app: WstuiApp, selector: str) -> str:
    return str(form(app).query_one(selector, Static).render())


async def fill(pilot, app: WstuiApp, field: str, value: str) -> None:  # type: ignore[no-untyped-def]
    form(app).query_one(f"#{field}", Input).value = value
    await pilot.pause()


async def add_form(pilot, app: WstuiApp, key: str, handler: str) -> None:  # type: ignore[no-untyped-def]
    """Open the add form, type a key and a handler, and wait for the check and preview."""
    await pilot.press("ctrl+n")
    await fill(pilot, app, "key", key)
    await fill(pilot, app, "handler", handler)
    await settle(pilot, app)


async def settle(pilot, app: WstuiApp) -> None:  # type: ignore[no-untyped-def]
    """Wait for the form's preview worker to finish."""
    await app.workers.wait_for_complete()
    await pilot.pause()


def routes_on_disk(project: Path) -> list[str]:
    return [route.key for route in load_project(project).routes]


async def test_add_a_route_with_an_existing_handler_previews_then_saves(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await add_form(pilot, app, "echo", "handlers.send_message:handle")
        await fill(pilot, app, "operation", "EchoRoute")
        await settle(pilot, app)
        assert text_of(app, "#form-error") == ""
        preview = text_of(app, "#preview")
        assert "+ " in preview and "ApiGatewayV2::Route" in preview
        assert routes_on_disk(chat) == ["$connect", "$disconnect", "sendmessage"], "nothing saved before Save"
        await pilot.click("#save")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
        assert routes_on_disk(chat) == ["$connect", "$disconnect", "sendmessage", "echo"]
        text = (chat / "wstui.toml").read_text()
        assert text.startswith(USER_COMMENT) and 'operation_name = "EchoRoute"' in text
        table = app.screen.query_one("#routes", DataTable)
        assert [str(cell) for cell in table.get_row_at(3)[:3]] == ["echo", "handlers.send_message:handle", "EchoRoute"]
        assert "Added route echo" in str(app.screen.query_one("#last-change", Static).render())


async def test_a_missing_handler_is_refused_inline_and_offered_as_a_stub(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await add_form(pilot, app, "join", "handlers.rooms:join")
        assert 'module "handlers.rooms" not found' in text_of(app, "#form-error")
        assert form(app).query_one("#save", Button).disabled
        stub = form(app).query_one("#stub", Button)
        assert stub.display
        await pilot.click("#stub")
        await settle(pilot, app)
        assert (chat / "handlers" / "rooms.py").is_file()
        assert text_of(app, "#form-error") == ""
        await pilot.click("#save")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
        assert "join" in routes_on_disk(chat)


@pytest.mark.parametrize(("routes_first", "key", "message"), [
    (0, "sendmessage", 'Route "sendmessage" already exists'),
    (0, "*", 'Route key "*" holds "*"'),  # it would widen the Lambda permission's ARN to every route
    (FULL, "one-more", "The stack would have 502 resources; CloudFormation allows 500"),
])
async def test_a_refused_key_gets_the_clis_message_and_writes_nothing(chat: Path, routes_first: int, key: str, message: str) -> None:
    with_routes(chat, routes_first)
    before = (chat / "wstui.toml").read_text()
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await add_form(pilot, app, key, "handlers.send_message:handle")
        assert message in text_of(app, "#form-error")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EditForm)
    assert (chat / "wstui.toml").read_text() == before


async def test_rename_then_delete_a_route(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        table = app.screen.query_one("#routes", DataTable)
        table.move_cursor(row=2)
        await pilot.press("ctrl+r")
        assert form(app).query_one("#key", Input).value == "sendmessage"
        await fill(pilot, app, "key", "talk")
        await settle(pilot, app)
        preview = text_of(app, "#preview").splitlines()
        assert "- RouteSendmessage  ApiGatewayV2::Route" in preview and "+ RouteTalk  ApiGatewayV2::Route" in preview
        assert "~ Stage  ApiGatewayV2::Stage" in preview, "a new deployment moves the stage"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
        assert routes_on_disk(chat) == ["$connect", "$disconnect", "talk"]
        app.screen.query_one("#routes", DataTable).move_cursor(row=2)
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        assert "- RouteTalk  ApiGatewayV2::Route" in text_of(app, "#preview").splitlines()
        await pilot.click("#save")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
        assert routes_on_disk(chat) == ["$connect", "$disconnect"]
        assert (chat / "wstui.toml").read_text().startswith(USER_COMMENT)


async def test_the_route_selection_expression_and_api_settings(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("ctrl+a")
        await fill(pilot, app, "expression", "$request.body.[")
        await settle(pilot, app)
        assert text_of(app, "#form-error"), "a broken expression is refused as you type"
        await fill(pilot, app, "expression", "$request.body.action")
        await fill(pilot, app, "api-name", "chat-api")
        await settle(pilot, app)
        assert text_of(app, "#form-error") == ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
        project = load_project(chat)
        assert (project.api.route_selection_expression, project.api.name) == ("$request.body.action", "chat-api")
        assert "$request.body.action" in str(app.screen.query_one("#api-summary", Static).render())
        text = (chat / "wstui.toml").read_text()
        assert text.startswith(USER_COMMENT) and "# Frames like" in text


async def test_an_invalid_project_opens_with_its_problems_shown(chat: Path) -> None:
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text().replace("handlers.send_message:handle", "handlers.gone:handle"))
    app = make_app(chat, chat)
    async with running(app) as pilot:
        summary = str(app.screen.query_one("#api-summary", Static).render())
        assert 'module "handlers.gone" not found' in summary
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, RoutesScreen), "no form on a project that does not validate"



async def test_a_hand_edit_made_while_a_form_is_open_is_kept_when_it_saves(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await add_form(pilot, app, "rooms", "handlers.send_message:handle")
        toml = chat / "wstui.toml"
        toml.write_text(toml.read_text().replace("memory = 256", "memory = 512  # by hand"))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
    text = (chat / "wstui.toml").read_text()
    assert "memory = 512  # by hand" in text and 'key = "rooms"' in text


async def test_a_refused_save_keeps_the_offer_of_a_stub(chat: Path) -> None:
    """Save with an error (ctrl+s, or a save that finds the change refused) leaves the stub button there."""
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await add_form(pilot, app, "join", "handlers.rooms:join")
        stub = form(app).query_one("#stub", Button)
        assert stub.display
        await wait_until(pilot, lambda: "ctrl+s" not in footer_keys(form(app)))  # no save key while Save cannot be pressed
        await pilot.press("ctrl+s")
        await pilot.press("enter")
        form(app).action_save()  # as when the key beats the preview of the last keystroke
        await pilot.pause()
        assert stub.display and 'module "handlers.rooms" not found' in text_of(app, "#form-error")
        assert routes_on_disk(chat) == ["$connect", "$disconnect", "sendmessage"]


async def test_after_an_add_or_a_rename_the_cursor_is_on_that_route(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        table = app.screen.query_one("#routes", DataTable)
        assert table.cursor_row == 0
        await add_form(pilot, app, "echo", "handlers.send_message:handle")
        await pilot.press("enter")  # in the handler field: the form's main action
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
        assert str(table.get_row_at(table.cursor_row)[0]) == "echo"
        table.move_cursor(row=0)
        await pilot.press("ctrl+r")
        await fill(pilot, app, "key", "$default")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
        assert str(table.get_row_at(table.cursor_row)[0]) == "$default"


async def test_the_footer_names_the_save_key_as_the_button_does(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await add_form(pilot, app, "echo", "handlers.send_message:handle")
        await wait_until(pilot, lambda: "ctrl+s" in footer_keys(form(app)))
        assert footer_keys(form(app))["ctrl+s"] == str(form(app).query_one("#save", Button).label) == "Add"
        await pilot.press("escape", "ctrl+d")
        await settle(pilot, app)
        await wait_until(pilot, lambda: "ctrl+s" in footer_keys(form(app)))
        assert footer_keys(form(app))["ctrl+s"] == str(form(app).query_one("#save", Button).label) == "Delete"
        await pilot.press("escape", "ctrl+e")
        await settle(pilot, app)
        await wait_until(pilot, lambda: "ctrl+s" in footer_keys(form(app)))
        assert footer_keys(form(app))["ctrl+s"] == str(form(app).query_one("#save", Button).label) == "Save"
