"""The app's top-level areas: each is a Textual mode with a function key, a palette entry and F1 help.

An area plugs in by adding one `Area` to `AREAS`: the app derives its MODES, its switching bindings
(ids `app.<mode>`) and its command-palette entries from this list.

Each area's module is imported when the area first opens (or by the app's preload, after the first
paint), not with the app: the Local area's aiohttp, boto3 and moto transport and the Deploy area's
deployer cost 0.7 s that the first screen would otherwise wait for.
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

    @property
    def module(self) -> str:
        """The module of the area's screen."""
        return self.screen_class.partition(":")[0]

    def screen(self) -> Screen:
        screen: Screen = getattr(importlib.import_module(self.module), self.screen_class.partition(":")[2])()
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


PRELOADED = (
    AREAS[1].module, AREAS[2].module,
    "troposphere", "botocore.session", "boto3", "wstui.core.template.builder", "wstui.core.deploy.deployer",
    AREAS[3].module,
    "aiohttp", "moto.core", "wstui.core.local.management", "wstui.core.local.dynamodb_transport",
    "wstui.core.local.service",
    AREAS[4].module,
)
"""What the app's preload imports after the first paint, one module at a time: every area's module but
the first (which the first paint needs), and the local service the Local area starts. The heavy
libraries come one by one before the modules that need them (troposphere and boto3 before the Deploy
area, aiohttp and moto before the local service), so that no single step holds the app for long."""
