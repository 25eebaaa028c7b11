"""The app's top-level areas: each is a Textual mode with a function key, a palette entry and F1 help.

An area plugs in by adding one `Area` to `AREAS`: the app derives its MODES, its switching bindings
(ids `app.<mode>`) and its command-palette entries from this list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding
from textual.screen import Screen

from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.deploy.screen import DeployScreen
from wstui.tui.local.screen import LocalScreen
from wstui.tui.routes.screen import RoutesScreen


@dataclass(frozen=True)
class Area:
    mode: str
    title: str
    key: str
    screen: Callable[[], Screen]
    summary: str

    @property
    def binding(self) -> Binding:
        return Binding(
            self.key, f"switch_area('{self.mode}')", self.title, id=f"app.{self.mode}",
            tooltip=f"Switch to the {self.title} area: {self.summary}",
        )


AREAS = (
    Area("routes", "Routes", "f2", RoutesScreen, "edit the routes and API settings in wstui.toml"),
    Area("local", "Local", "f3", LocalScreen, "run the service on this machine and watch it"),
    Area("console", "Console", "f4", ConsoleScreen, "talk to the service as WebSocket clients"),
    Area("deploy", "Deploy", "f5", DeployScreen, "plan, apply and follow a deploy to AWS; status and remove"),
)
