"""What the app remembers: the theme picked in the palette (user config), and per project the
Console's and the Deploy area's fields (`.wstui/app.json`), never a credential."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Checkbox, Input

from tests.tui.conftest import make_app, running, wait_until
from wstui.core.deploy.aws import AwsTarget
from wstui.tui.config import load_config
from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.deploy.screen import DeployScreen


async def test_a_theme_picked_in_the_app_is_saved_in_the_user_config_keeping_its_comments(chat: Path, tmp_path: Path) -> None:
    path = tmp_path / "config" / "wstui" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("# mine\ncursor_blink = false  # no blinking\n")
    app = make_app(chat, chat, path=path)
    async with running(app) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert path.read_text() == '# mine\ncursor_blink = false  # no blinking\ntheme = "nord"\n'
    assert load_config(path).theme == "nord"


async def test_the_consoles_fields_are_remembered_without_credentials(chat: Path) -> None:
    fields = {"url": "ws://127.0.0.1:9/v1?room=1&token=abc", "query": "token=abc&room=2&key=${secret:auth_token}",
              "header": "Authorization: Bearer abc; X-Trace: 7"}
    async with running(make_app(chat, chat)) as pilot:
        await pilot.press("f4")
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        for name, value in fields.items():
            screen.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+n")
    saved = (chat / ".wstui" / "app.json").read_text()
    assert "abc" not in saved and "Bearer" not in saved
    async with running(make_app(chat, chat)) as pilot:
        await pilot.press("f4")
        screen = pilot.app.screen
        assert {name: screen.query_one(f"#{name}", Input).value for name in fields} == {
            "url": "ws://127.0.0.1:9/v1?room=1", "query": "room=2&key=${secret:auth_token}", "header": "X-Trace: 7"}
        screen.query_one("#url", Input).value = screen.local_url()
        await pilot.press("ctrl+n")
    assert json.loads((chat / ".wstui" / "app.json").read_text())["console"]["url"] == "", \
        "the local gateway's URL is followed, not kept: its port may change"


async def test_the_deploy_areas_fields_are_remembered_and_a_corrupt_file_is_a_notice(chat: Path, aws: AwsTarget) -> None:
    async with running(make_app(chat, chat)) as pilot:
        await pilot.press("f5")
        screen = pilot.app.screen
        assert isinstance(screen, DeployScreen)
        screen.query_one("#region", Input).value = "eu-west-1"
        screen.query_one("#endpoint", Input).value = aws.endpoint_url
        screen.query_one("#bucket", Input).value = "my-artifacts"
        screen.query_one(Checkbox).value = True
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: not screen.busy and "There is no stack" in str(screen.query_one("#deploy-state").render()))
    assert json.loads((chat / ".wstui" / "app.json").read_text())["deploy"] == {
        "stack": "chat-v1", "region": "eu-west-1", "profile": "", "endpoint": aws.endpoint_url, "bucket": "my-artifacts",
        "create_bucket": True}
    async with running(make_app(chat, chat)) as pilot:
        await pilot.press("f5")
        screen = pilot.app.screen
        assert [screen.query_one(f"#{n}", Input).value for n in ("region", "endpoint", "bucket")] == [
            "eu-west-1", aws.endpoint_url, "my-artifacts"]
        assert screen.query_one(Checkbox).value
    (chat / ".wstui" / "app.json").write_text("{not json")
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f5")
        assert pilot.app.screen.query_one("#region", Input).value == ""
        assert [n.title for n in app._notifications] == ["Remembered fields"]
