"""The app's top-level areas: each is a Textual mode with a function key, a palette entry and F1 help.

An area plugs in by adding one `Area` to `AREAS`: the app derives its MODES, its switching bindings
(ids `app.<mode>`) and its command-palette entries from this list.

Each area's module is imported when the area first opens (or by `preload` after the first paint), not
with the app: the Local area's aiohttp, boto3 and moto transport and the Deploy area's deployer cost
0.7 s that the first screen would otherwise wait for.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.binding import Binding
from textual.screen import Screen


@dataclass(frozen=True)
class Area:
    mode: str
    title: str
    key: str
    screen_class: str
    """`module:Class` of the area's screen."""
    summary: str

    def screen(self) -> Screen:
        module, _, name = self.screen_class.partition(":")
        screen: Screen = getattr(importlib.import_module(module), name)()
        return screen

    @property
    def binding(self) -> Binding:
        return Binding(
            self.key, f"switch_area('{self.mode}')", self.title, id=f"app.{self.mode}",
            tooltip=f"Switch to the {self.title} area: {self.summary}",
        )


AREAS = (
    Area("routes", "Routes", "f2", "wstui.tui.routes.screen:RoutesScreen", "edit the routes and API settings in wstui.toml"),
    Area("local", "Local", "f3", "wstui.tui.local.screen:LocalScreen", "run the service on this machine and watch it"),
    Area("console", "Console", "f4", "wstui.tui.console.screen:ConsoleScreen", "talk to the service as WebSocket clients"),
    Area("deploy", "Deploy", "f5", "wstui.tui.deploy.screen:DeployScreen", "plan, apply and follow a deploy to AWS; status and remove"),
    Area("load", "Load", "f6", "wstui.tui.load.screen:LoadScreen", "many clients at once against the local or deployed URL, live"),
)


def preload() -> None:
    """Import every area's module, and the local service the Local area starts: run in a thread after
    the first paint, so that opening an area later does not wait for its imports."""
    for area in AREAS:
        importlib.import_module(area.screen_class.partition(":")[0])
    importlib.import_module("wstui.core.local.service")
