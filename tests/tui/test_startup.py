"""The first paint waits only for what the Routes area needs: each other area pays for its imports later."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
}


def test_the_routes_show_before_the_other_areas_imports_are_paid(chat: Path) -> None:
    result = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(chat)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    imported = set(json.loads(result.stdout.splitlines()[-1]))
    assert "wstui.tui.routes.screen" in imported
    assert not LATER & imported

