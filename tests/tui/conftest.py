"""The app against real parts: a scaffolded chat project in tmp_path, the real local gateway on port 0."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import shutil
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer

from wstui.core.console.target import ConnectionTarget
from wstui.core.deploy.aws import AwsTarget
from wstui.core.scaffold import Template, scaffold
from wstui.tui.app import WstuiApp
from wstui.tui.config import UserConfig
from wstui.tui.local.screen import LocalScreen

SIZE = (140, 40)
# Comments a user wrote; every edit from the app must keep them.
USER_COMMENT = "# Kept by every edit: written by the user.\n"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on a fresh event loop, as `App.run_test` needs (no async plugin required)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True


@pytest.fixture(scope="session")
def scaffolded_chat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scaffold("chat", tmp_path_factory.mktemp("tui"), {}, Template.load(None)).directory


@pytest.fixture
def chat(scaffolded_chat: Path, tmp_path: Path) -> Path:
    project = Path(shutil.copytree(scaffolded_chat, tmp_path / "chat"))
    toml = project / "wstui.toml"
    toml.write_text(USER_COMMENT + toml.read_text())
    return project


@pytest.fixture
def shell(aws: AwsTarget, monkeypatch: pytest.MonkeyPatch) -> AwsTarget:
    """moto (tests/conftest.py) reached the way a user's shell reaches it: through the environment."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.endpoint_url)
    monkeypatch.setenv("AWS_REGION", aws.region)
    return aws


def make_app(project: Path | None, start_dir: Path, console_start: ConnectionTarget | None = None, **config: object) -> WstuiApp:
    """The app with cursors that do not blink (stable pictures) and the Local area on a free port. No
    preload of the areas: each test opens what it uses, with no imports in between to slow it."""
    settings: dict[str, object] = {"cursor_blink": False, "local_port": 0, **config}
    app = WstuiApp(project, start_dir, UserConfig(**settings), console_start)  # type: ignore[arg-type]
    app.preload_after = None
    return app


@contextlib.asynccontextmanager
async def running(app: WstuiApp) -> AsyncIterator[Pilot[None]]:
    """The app under Pilot at the tests' size, laid out (so clicks land where they should)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        yield pilot


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30) -> None:
    """Let the app process messages until `condition` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app never reached the expected state"
        await pilot.pause()


async def start_local_gateway(pilot: Pilot[None]) -> LocalScreen:
    """Start the Local area's gateway (ctrl+s there) and wait until it listens; the Local area's screen."""
    await pilot.press("f3")
    local = pilot.app.screen
    assert isinstance(local, LocalScreen)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: pilot.app.gateway.running and not local.busy, 60)  # type: ignore[attr-defined]
    return local


def footer_keys(screen: Screen) -> dict[str, str]:
    """What the screen's own footer shows now: key -> description."""
    return {key.key: key.description for key in screen.query_one(Footer).query("FooterKey")}
