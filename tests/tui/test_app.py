"""The app's shell: areas by function key and palette, F1 help, rebinding and themes from the config."""

from __future__ import annotations

import re
from pathlib import Path

from textual.binding import Binding
from textual.widgets import DataTable, TextArea

from tests.tui.conftest import make_app, running, wait_until
from wstui.tui.app import WstuiApp
from wstui.tui.area_screen import AreaScreen
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.deploy.logs_screen import LogsScreen
from wstui.tui.deploy.screen import DeployScreen
from wstui.tui.jump import JumpOverlay
from wstui.tui.routes.edit_form import EditForm
from wstui.tui.routes.forms import AddRouteForm, DeleteRouteForm
from wstui.tui.console.frame_log import FrameLog
from wstui.tui.help_screen import HelpScreen
from wstui.tui.load.screen import LoadScreen
from wstui.tui.local.screen import LocalScreen
from wstui.tui.routes.screen import RoutesScreen
from wstui.tui.start.screen import StartScreen
from wstui.tui.start.wizard import WizardScreen

BINDING_OWNERS = (
    WstuiApp, AreaScreen, RoutesScreen, LocalScreen, ConsoleScreen, FrameLog, DeployScreen, ConfirmScreen, EditForm,
    AddRouteForm, DeleteRouteForm, HelpScreen, StartScreen, WizardScreen, JumpOverlay, LogsScreen, LoadScreen,
)


def own_bindings() -> list[Binding]:
    """Each binding the app declares, once (a form's save key, or jump, is one binding on several screens)."""
    found: dict[int, Binding] = {}
    for cls in BINDING_OWNERS:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), binding
            found.setdefault(id(binding), binding)
    return [binding for binding in found.values() if not binding.system]


async def test_a_project_opens_on_the_routes_area_and_function_keys_switch_areas(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        assert isinstance(app.screen, RoutesScreen)
        table = app.screen.query_one("#routes", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["$connect", "$disconnect", "sendmessage"]
        await pilot.press("f3")
        assert isinstance(app.screen, LocalScreen)
        await pilot.press("f5")
        assert isinstance(app.screen, DeployScreen)
        await pilot.press("f4")
        assert isinstance(app.focused, TextArea), "the Console's payload editor, which binds f6 itself (select the line)"
        await pilot.press("f6")
        assert isinstance(app.screen, LoadScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, RoutesScreen)


async def test_f1_lists_the_areas_keys_with_their_ids(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        ids = {row.binding_id for _, rows in app.screen.groups for row in rows}
        assert {"routes.add", "routes.delete", "routes.api", "app.local", "area.help"} <= ids
        assert all(row.tooltip for _, rows in app.screen.groups for row in rows), "every key says what it does"
        await pilot.press("escape")
        assert isinstance(app.screen, RoutesScreen)


async def test_the_palette_offers_the_areas(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Routes area", "Local area", "Deploy area", "Add a route", "Delete route $connect"} <= set(titles)
        await pilot.press("ctrl+p")
        await pilot.press(*"Local area")
        await wait_until(pilot, lambda: "Local area" in str(app.screen.query("CommandList").first().get_option_at_index(0).prompt))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LocalScreen))


async def test_the_config_rebinds_keys_by_id_and_picks_the_theme(chat: Path) -> None:
    app = make_app(chat, chat, theme="gruvbox", keys={"app.local": "f9", "routes.add": "n"})
    async with running(app) as pilot:
        assert app.theme == "gruvbox"
        await pilot.press("f3")
        assert isinstance(app.screen, RoutesScreen), "f3 no longer switches: the user moved it"
        await pilot.press("n")
        assert type(app.screen).__name__ == "AddRouteForm"
        await pilot.press("escape")
        await pilot.press("f9")
        assert isinstance(app.screen, LocalScreen)


async def test_an_unknown_theme_is_a_notification_not_a_crash(chat: Path) -> None:
    app = make_app(chat, chat, theme="no-such-theme", problems=("config.toml: unknown setting 'x' ignored.",))
    async with running(app):
        messages = [n.message for n in app._notifications]
        assert any("Unknown theme 'no-such-theme'" in m for m in messages)
        assert any("unknown setting 'x'" in m for m in messages)
        assert isinstance(app.screen, RoutesScreen)


async def test_without_a_project_the_start_screen_shows_and_areas_are_off(tmp_path: Path) -> None:
    app = make_app(None, tmp_path)
    async with running(app) as pilot:
        assert isinstance(app.screen, StartScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, StartScreen)
        assert not any(c.title.endswith("area") for c in app.get_system_commands(app.screen))


def test_every_binding_has_an_id_a_description_and_a_tooltip() -> None:
    bindings = own_bindings()
    assert len(bindings) >= 15
    for binding in bindings:
        assert binding.id and binding.description and binding.tooltip, binding
    meanings = {(binding.id, binding.action) for binding in bindings}
    assert len(meanings) == len({binding.id for binding in bindings}), "an id means one action, so a keymap entry means one thing"


def test_the_keys_table_of_the_docs_names_every_binding() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "app.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| [^|]+ \| `([a-z]+\.[a-z_]+)` \|", page, re.MULTILINE))
    defined = {binding.id for binding in own_bindings()}
    assert documented == defined
