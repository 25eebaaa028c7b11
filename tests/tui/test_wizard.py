"""The new-project wizard: the template's questions, checked as you type by the core, rendered by `scaffold`."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, DataTable, Input, Select, Static

from tests.tui.conftest import footer_keys, make_app, running, wait_until
from wstui.core.project.load import load_project
from wstui.tui.routes.screen import RoutesScreen
from wstui.tui.start.screen import StartScreen
from wstui.tui.start.wizard import WizardScreen


async def test_the_wizard_checks_as_you_type_then_creates_and_opens_the_project(tmp_path: Path) -> None:
    app = make_app(None, tmp_path)
    async with running(app) as pilot:
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        create = wizard.query_one("#create", Button)

        name = wizard.query_one("#q-name", Input)
        name.value = "1chat"
        await pilot.pause()
        assert "must start with a letter" in str(wizard.query_one("#e-name", Static).render())
        assert create.disabled

        name.value = "rooms"
        wizard.query_one("#q-aws_region", Input).value = "moon-1"
        await pilot.pause()
        assert "AWS region" in str(wizard.query_one("#e-aws_region", Static).render())
        assert create.disabled

        wizard.query_one("#q-aws_region", Input).value = "eu-west-1"
        wizard.query_one("#q-output", Input).value = "work"
        wizard.query_one("#q-authorization", Select).value = "token"
        await pilot.pause()
        assert str(wizard.query_one("#e-name", Static).render()) == ""
        assert not create.disabled
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen) and bool(app.screen.query("#routes")))
        routes = app.screen.query_one("#routes", DataTable)
        assert str(routes.get_row_at(0)[0]) == "$connect" and str(routes.get_row_at(0)[4]) == "handlers.authorizer:handle"

    project = load_project(tmp_path / "work" / "rooms")
    assert (project.project.name, project.project.region) == ("rooms", "eu-west-1")
    assert project.route("$connect").authorizer is not None
    assert app.project_file is not None and app.project_file.directory == (tmp_path / "work" / "rooms").resolve()


async def test_a_taken_directory_is_refused_in_the_wizard(tmp_path: Path) -> None:
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "notes.txt").write_text("mine")
    app = make_app(None, tmp_path)
    async with running(app) as pilot:
        await pilot.press("ctrl+n")
        wizard = app.screen
        await pilot.click("#create")
        error = wizard.query_one("#wizard-error", Static)
        await wait_until(pilot, lambda: "already exists and is not empty" in str(error.render()))
        assert str(error.render()).endswith("not empty. Choose another Project name or Directory to create it in.")
        assert isinstance(app.screen, WizardScreen)

        name = wizard.query_one("#q-name", Input)
        name.value = "work/chat"
        await pilot.pause()
        assert str(wizard.query_one("#e-name", Static).render()) == (
            '"work/chat" is a path, not a name. Type a name here, and the folder in Directory to create it in.')
    assert (tmp_path / "chat" / "notes.txt").read_text() == "mine"


async def test_the_wizard_says_what_the_token_authorizer_does_and_names_fields_by_their_labels(tmp_path: Path) -> None:
    app = make_app(None, tmp_path)
    async with running(app) as pilot:
        await pilot.press("ctrl+n")
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        hint = " ".join(str(hint.render()) for hint in wizard.query(".wizard-hint").results(Static))
        assert "?token=" in hint and ".wstui/secrets.toml" in hint and "any client can connect" in hint
        wizard.query_one("#q-aws_region", Input).value = "moon-1"
        await pilot.pause()
        error = str(wizard.query_one("#e-aws_region", Static).render())
        assert error == 'AWS region must be an AWS region name such as "us-east-1", not "moon-1".'
        await wait_until(pilot, lambda: "ctrl+s" not in footer_keys(wizard))  # no Create key while an answer is refused
        await pilot.press("enter")
        assert app.screen is wizard and not (tmp_path / "chat").exists()

        wizard.query_one("#q-aws_region", Input).value = "eu-west-1"
        wizard.query_one("#q-aws_region", Input).focus()
        await pilot.pause()
        await pilot.press("enter")  # in a field: Create
        await wait_until(pilot, lambda: isinstance(app.screen, RoutesScreen))
    assert load_project(tmp_path / "chat").project.region == "eu-west-1"
