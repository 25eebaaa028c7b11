"""Keys that never fight typing: ctrl keys that act wherever the focus is, `enter` in a field for the
screen's main action, a footer with the keys that work now (compact, area keys kept, at 100 columns),
jump mode, and F1 help grouped and unclipped."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Label, Static

from tests.tui.conftest import footer_keys, make_app, running, wait_until
from tests.tui.test_deploy_area import open_deploy, state
from wstui.core.deploy.aws import AwsTarget
from wstui.tui.app import WstuiApp
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.deploy.screen import DeployScreen
from wstui.tui.help_screen import HelpScreen
from wstui.tui.jump import JumpOverlay
from wstui.tui.local.screen import LocalScreen
from wstui.tui.routes.edit_form import EditForm

NARROW = (100, 30)


def key_of(screen: type, binding_id: str) -> str:
    return next(b.key for b in screen.BINDINGS if b.id == binding_id)  # type: ignore[union-attr]


async def focus_by_tab(pilot: Pilot[None], widget_id: str) -> None:
    """Move the focus as a user would, with shift+tab, until it is on `widget_id`."""
    for _ in range(20):
        if pilot.app.focused is not None and pilot.app.focused.id == widget_id:
            return
        await pilot.press("shift+tab")
    raise AssertionError(f"shift+tab never reached #{widget_id}")


async def test_the_plan_key_plans_with_the_focus_in_the_stack_field_and_enter_plans_too(chat: Path, shell: AwsTarget) -> None:
    """The issue's reproduction: Tab to Stack, press the plan key; the plan runs and the name stays."""
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await focus_by_tab(pilot, "stack")
        plan_key = key_of(DeployScreen, "deploy.plan")
        assert len(plan_key) > 1, "not a letter, which the field would take"
        await pilot.press(plan_key)
        await wait_until(pilot, lambda: screen.plan is not None and not screen.busy, 120)
        assert screen.query_one("#stack", Input).value == "chat-v1"
        await wait_until(pilot, lambda: footer_keys(screen).keys() >= {"ctrl+g", "ctrl+z"})
        assert "ctrl+n" not in footer_keys(screen), "no Plan while a plan waits"
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: not screen.busy and state(screen).startswith("Nothing applied"))

        await focus_by_tab(pilot, "region")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.plan is not None and not screen.busy, 120)
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: not screen.busy and state(screen).startswith("Nothing applied"))


async def test_with_the_focus_in_the_port_field_the_start_key_and_enter_both_start(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, LocalScreen)
        status = screen.query_one("#status", Label)
        for start in (key_of(LocalScreen, "local.toggle"), "enter"):
            screen.query_one("#port", Input).focus()
            await pilot.press(start)
            await wait_until(pilot, lambda: str(status.render()).startswith("ws://"), 90)
            assert screen.query_one("#port", Input).value == "0", "the key went to the action, not the field"
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: str(status.render()) == "stopped", 60)


async def test_jump_mode_reaches_any_field_in_two_keys_and_escape_leaves_the_focus(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        before = app.focused
        await pilot.press("ctrl+o")
        overlay = app.screen
        assert isinstance(overlay, JumpOverlay)
        assert {"stack", "region", "bucket", "plan", "changes"} <= {w.id for w in overlay.targets.values()}
        await wait_until(pilot, lambda: footer_keys(overlay) == {"escape": "Close"})
        await pilot.press("escape")
        assert app.screen is screen and app.focused is before

        await pilot.press("ctrl+o")
        bucket_key = next(k for k, w in app.screen.targets.items() if w.id == "bucket")  # type: ignore[attr-defined]
        await pilot.press(bucket_key)
        assert app.screen is screen and app.focused is screen.query_one("#bucket", Input)

        await pilot.press("f2", "ctrl+n")
        form = app.screen
        assert isinstance(form, EditForm)
        await pilot.press("ctrl+o")
        operation_key = next(k for k, w in app.screen.targets.items() if w.id == "operation")  # type: ignore[attr-defined]
        await pilot.press(operation_key)
        assert app.screen is form and app.focused is form.query_one("#operation", Input)


async def test_the_remove_question_shows_its_own_keys_not_the_areas(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await wait_until(pilot, lambda: footer_keys(screen).get("ctrl+n") == "Plan")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await wait_until(pilot, lambda: footer_keys(app.screen) == {"y": "Yes", "n": "No"})
        await pilot.press("n")
        assert app.screen is screen


def words(text: str) -> list[str]:
    return text.split()


async def test_f1_groups_the_keys_and_cuts_no_description_at_100_columns(chat: Path) -> None:
    app = make_app(chat, chat)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert [title for title, _ in help_screen.groups] == ["Areas and the app", "Keys of this area", "Moving around"]
        areas, actions, moving = (rows for _, rows in help_screen.groups)
        assert [row.keys for row in areas] == ["f1", "f2", "f3", "f4", "f6", "^o", "^p", "^q"]
        assert [row.binding_id for row in actions] == ["deploy.plan", "deploy.sync", "deploy.status", "deploy.remove", "deploy.console", "deploy.logs"]
        assert moving[0].keys == "tab, shift+tab"
        await pilot.pause()
        shown: list[str] = []
        for table in help_screen.query(".help-keys").results(Static):
            strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
            shown.extend(words(" ".join(strip.text for strip in strips)))
        for _, rows in help_screen.groups:
            for row in rows:
                assert set(words(row.tooltip)) <= set(shown), f"{row.keys}: {row.tooltip!r} is cut"
        assert help_screen.query_one("#help").max_scroll_x == 0


async def test_the_load_areas_f1_shows_start_before_a_run_and_every_description_whole(chat: Path) -> None:
    app = make_app(chat, chat)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("f6")
        assert footer_keys(app.screen)["ctrl+s"] == "Start" and "ctrl+t" not in footer_keys(app.screen)
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        areas, actions, _ = (rows for _, rows in help_screen.groups)
        assert [row.keys for row in areas] == ["f1", "f2", "f3", "f4", "f5", "^o", "^p", "^q"]
        assert [row.binding_id for row in actions] == ["load.start"]
        assert help_screen.query_one("#help").max_scroll_x == 0


async def test_the_palette_keeps_the_capitals_of_the_area_summaries(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app):
        helps = {c.title: Text.from_markup(c.help).plain for c in app.get_system_commands(app.screen)}
        assert helps["Deploy area"] == "Plan, apply and follow a deploy to AWS; status and remove"
        assert helps["Routes area"] == "Edit the routes and API settings in wstui.toml"
        assert helps["Console area"] == "Talk to the service as WebSocket clients"
        assert helps["Load area"] == "Many clients at once against the local or deployed URL, live"


async def test_at_100_columns_the_compact_footer_still_shows_every_other_areas_key(chat: Path) -> None:
    app = make_app(chat, chat)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        for key, mode in (("f2", "routes"), ("f3", "local"), ("f4", "console"), ("f5", "deploy"), ("f6", "load")):
            await pilot.press(key)
            others = {"f2", "f3", "f4", "f5", "f6"} - {key}

            def keys_shown() -> dict[str, Region]:
                return {k.key: k.region for k in app.screen.query_one(Footer).query("FooterKey")}

            # An area's first opening imports its modules (slow in a fresh venv, before any .pyc): the
            # footer shows the area's keys once its screen is up; it must come to show every other area's.
            await wait_until(pilot, lambda: app.current_mode == mode and others <= keys_shown().keys()
                             and key not in keys_shown())
            await pilot.pause()
            assert app.screen.query_one(Footer).compact
            shown = keys_shown()
            assert all(shown[k].right <= NARROW[0] for k in others), f"an area key is cut in {mode}: {shown}"
            assert "ctrl+q" not in shown, "quit (whose label was cut) is left to F1 when compact"


async def test_narrowing_the_terminal_hides_the_palettes_key_and_widening_brings_it_back(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:

        def palette_key_shown() -> bool:
            return bool(app.screen.query_one(Footer).query(".-command-palette"))

        await wait_until(pilot, palette_key_shown)
        await pilot.resize_terminal(*NARROW)
        await wait_until(pilot, lambda: app.screen.query_one(Footer).compact and not palette_key_shown())
        assert "ctrl+q" not in footer_keys(app.screen)
        await pilot.resize_terminal(160, 45)
        await wait_until(pilot, lambda: not app.screen.query_one(Footer).compact and palette_key_shown())
        assert "ctrl+q" in footer_keys(app.screen)


async def test_the_header_names_the_area_however_it_was_opened(chat: Path) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        assert app.sub_title == "chat · Routes"
        await pilot.press("f5")
        assert app.sub_title == "chat · Deploy"
        local = next(c for c in app.get_system_commands(app.screen) if c.title == "Local area")
        local.callback()
        await wait_until(pilot, lambda: isinstance(app.screen, LocalScreen))
        assert app.sub_title == "chat · Local"


def test_no_area_action_is_a_plain_letter() -> None:
    """The one scheme: a screen with text fields acts on ctrl keys (or function keys), never on letters."""
    import importlib

    from wstui.tui.areas import AREAS

    for area in AREAS:
        module, _, name = area.screen_class.partition(":")
        for binding in getattr(importlib.import_module(module), name).BINDINGS:
            for key in binding.key.split(","):
                assert len(key) > 1, f"{area.title}: {binding.id} is bound to the letter {key!r}"
    assert WstuiApp.BINDINGS
