"""The first paint waits only for what the Routes area needs: each other area pays for its imports later."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.tui.conftest import make_app, running
from wstui.tui.footer import AppFooter

# The app on a project, headless in a fresh interpreter, with the preload off: once the routes are on
# screen, which of the other areas' heavy modules did it import?
FIRST_PAINT = """
import asyncio, json, sys
from pathlib import Path
from textual.widgets import DataTable
from wstui.tui.app import WstuiApp
from wstui.tui.config import UserConfig

async def main():
    project = Path(sys.argv[1])
    app = WstuiApp(project, project, UserConfig(cursor_blink=False))
    app.preload_after = None
    async with app.run_test(size=(160, 45)) as pilot:
        while not (app.screen.query("#routes") and app.screen.query_one("#routes", DataTable).row_count):
            await pilot.pause(0.01)
        print(json.dumps(sorted(sys.modules)))

asyncio.run(main())
"""
LATER = {
    "aiohttp", "boto3", "botocore", "moto", "websocket", "wstui.core.local.service", "wstui.core.deploy.deployer",
    "wstui.tui.local.screen", "wstui.tui.deploy.screen", "wstui.tui.console.screen", "wstui.tui.start.screen",
    "wstui.tui.help_screen", "markdown_it", "pygments", "pathspec", "wstui.tui.routes.forms",
}


def test_the_routes_show_before_the_other_areas_imports_are_paid(chat: Path) -> None:
    result = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(chat)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    imported = set(json.loads(result.stdout.splitlines()[-1]))
    assert "wstui.tui.routes.screen" in imported
    assert not LATER & imported



# The app on a project, headless in a fresh interpreter, with the preload soon after start: on which
# threads were the areas' modules imported, once all of them are?
PRELOAD = """
import asyncio, json, sys, threading
from pathlib import Path
from wstui.tui.app import WstuiApp
from wstui.tui.areas import AREAS
from wstui.tui.config import UserConfig

PRELOADED = [area.screen_class.partition(":")[0] for area in AREAS[1:]]
threads = {}

class Recorder:  # first on sys.meta_path: notes the thread looking for an area's module, finds nothing
    def find_spec(self, name, path, target=None):
        if name in PRELOADED:
            threads[name] = threading.current_thread().name
        return None

sys.meta_path.insert(0, Recorder())

async def main():
    project = Path(sys.argv[1])
    app = WstuiApp(project, project, UserConfig(cursor_blink=False))
    app.preload_after = 0.1
    async with app.run_test(size=(160, 45)) as pilot:
        while not all(name in sys.modules for name in PRELOADED):
            await pilot.pause(0.05)
    print(json.dumps(threads))

asyncio.run(main())
"""


def test_the_preload_names_every_area_but_the_first() -> None:
    from wstui.tui.areas import AREAS, PRELOADED

    assert {area.module for area in AREAS[1:]} <= set(PRELOADED)


def test_the_areas_are_preloaded_on_the_apps_own_thread_never_beside_a_worker(chat: Path) -> None:
    """On Python 3.11 a thread that imports (compiles) while another does can fail with "AST constructor
    recursion depth mismatch" (CPython gh-106905): the preload adds no such thread to the Deploy area's
    workers, it imports where opening an area would."""
    result = subprocess.run([sys.executable, "-c", PRELOAD, str(chat)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    threads = json.loads(result.stdout.splitlines()[-1])
    assert threads and set(threads.values()) == {"MainThread"}


async def test_the_footer_is_built_again_only_when_its_keys_change(chat: Path) -> None:
    """Textual rebuilds the footer at each focus change, restyling every key (three times before the
    first paint): the keys stay as they are while what they show does not change."""
    async with running(make_app(chat, chat)) as pilot:
        footer = pilot.app.screen.query_one(AppFooter)
        keys = list(footer.query("FooterKey"))
        pilot.app.screen.refresh_bindings()
        await pilot.pause()
        assert list(footer.query("FooterKey")) == keys
        await pilot.press("f5")
        await pilot.pause()
        assert "Plan" in [key.description for key in pilot.app.screen.query("FooterKey")]
