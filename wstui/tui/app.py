"""The wstui app: a project opened in areas (Textual modes), or a start screen that creates one.

Core work never runs in a widget: screens call `wstui.core` from workers (or the local gateway's own
thread) and render the typed values and events that come back.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import AwaitMount, Widget

from wstui.core.errors import Remedy, WstuiError
from wstui.core.project.load import ProjectFile
from wstui.core.project.model import Project
from wstui.tui.area_screen import AreaScreen
from wstui.tui.areas import AREAS, PRELOADED
from wstui.tui.config import UserConfig, save_theme
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.jump import JUMP, JumpOverlay, jump_targets
from wstui.tui.local.gateway import LocalGateway
from wstui.tui.project_state import ProjectState, load_state, save_state
from wstui.tui.remedies import remedy, said

if TYPE_CHECKING:
    from wstui.core.console.target import ConnectionTarget

CONSOLE = "console"


@dataclass(frozen=True)
class Notice:
    """A notification to show once the app runs (what went wrong reading the project at start-up)."""

    message: str
    title: str
    severity: SeverityLevel
    timeout: float


PRELOAD_AFTER = 1.0
"""Seconds after start-up, well after the first paint, when the preload starts."""
PRELOAD_PAUSE = 0.05
"""Seconds between two preloaded modules, in which the app handles keys and repaints."""


class WstuiApp(App[None], inherit_bindings=False):
    """Opens `project_dir` when given, else the start screen for `start_dir`.

    The app's keys come after the screen's in the footer, in this order: help, the areas, jump, quit
    (Textual's own ctrl+q, declared here again, would come first)."""

    CSS_PATH = "app.tcss"
    TITLE = "wstui"
    MODES: ClassVar = {area.mode: area.screen for area in AREAS}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="area.help", tooltip="What this area does, and every key it answers."),
        *(area.binding for area in AREAS),
        JUMP,
        Binding("ctrl+q", "quit", "Quit", id="app.quit",
                tooltip="Stop the local gateway if it runs, and quit (asks first while a stack operation is followed)."),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, project_dir: Path | None, start_dir: Path, config: UserConfig | None = None,
                 console_start: ConnectionTarget | None = None) -> None:
        self.console_start = console_start
        """Where the Console area connects as it opens (`wstui console URL`); the app then opens on it."""
        self.project_file: ProjectFile | None = None
        self.state = ProjectState()
        """The open project's remembered fields (`.wstui/app.json`)."""
        self.opening_notices = self.read_project(project_dir) if project_dir is not None else []
        """What went wrong reading the project, said once the app runs."""
        if self.project_file is not None or (project_dir is None and console_start is not None):
            # The app starts in its first area, not on a blank screen that it then leaves: switching away
            # from that screen would make Textual parse all the CSS twice more before the first paint.
            self.DEFAULT_MODE = self.first_area()
        super().__init__()
        self.config = config or UserConfig()
        # Theme and keys are in place before the first frame: set once the app runs, the keys would make
        # Textual build the footer again, and a theme restyle every widget, before the routes show.
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.set_keymap(self.config.keys)
        self.start_dir = start_dir
        self.initial_project = project_dir
        self.gateway = LocalGateway()
        self.preload_after: float | None = PRELOAD_AFTER
        """Seconds after start-up when the areas not yet open are imported (`preload`); None: never."""
        self.stack_operation = ""
        """The stack operation the Deploy area follows now ("Creating stack chat-v1"), or nothing."""
        self.stage = ""
        """The stage the Deploy area chose ("": the default); the Console's deployed URL is that stage's."""
        self.sub_title = self.area_title(self.DEFAULT_MODE)

    def on_mount(self) -> None:
        for notice in self.opening_notices:
            self.tell(notice)
        for problem in self.config.problems:
            self.notify(problem, title="Config", severity="warning", timeout=10, markup=False)
        if self.config.theme not in self.available_themes:
            self.notify(f"Unknown theme {self.config.theme!r}: using {self.theme}.", title="Config", severity="warning",
                        markup=False)
        if self.initial_project is None and self.console_start is None:
            from wstui.tui.start.screen import StartScreen

            self.push_screen(StartScreen(self.start_dir))
        if self.preload_after is not None:
            self.set_timer(self.preload_after, partial(self.preload, PRELOADED))

    def preload(self, modules: Sequence[str]) -> None:
        """Import the first of `modules`, then the rest after a pause, so that opening an area later does
        not wait for its imports.

        On the app's own thread, one module at a time, as opening an area would import it: not in a
        thread of its own, because on Python 3.11 two threads importing at once (a Deploy worker, say,
        in a fresh install without .pyc files) can fail with "AST constructor recursion depth mismatch"
        (CPython gh-106905). The pause between modules lets keys and repaints through; the longest steps
        (botocore's session, aiohttp) hold the app for about 0.1 s, 0.3 s on a busy 2-core machine."""
        if modules:
            importlib.import_module(modules[0])
            self.set_timer(PRELOAD_PAUSE, partial(self.preload, modules[1:]))

    def read_project(self, directory: Path) -> list[Notice]:
        """Open the project and its remembered fields; what went wrong, to be said to the user."""
        try:
            self.project_file = ProjectFile.open(directory)
        except WstuiError as error:
            return [Notice(said(error), "Cannot open the project", "error", 15)]
        self.state, problem = load_state(self.project_file.directory)
        return [Notice(problem, "Remembered fields", "warning", 10)] if problem else []

    def open_project(self, directory: Path) -> None:
        """Open a project while the app runs (the start screen made it) and go to its first area."""
        notices = self.read_project(directory)
        for notice in notices:
            self.tell(notice)
        if self.project_file is not None:
            self.switch_mode(self.first_area())

    def first_area(self) -> str:
        return CONSOLE if self.console_start else AREAS[0].mode

    def tell(self, notice: Notice) -> None:
        self.notify(notice.message, title=notice.title, severity=notice.severity, timeout=notice.timeout, markup=False)

    def remember(self) -> None:
        """Save the project's remembered fields; a failure is a notice, never lost work."""
        problem = save_state(self.project().directory, self.state)
        if problem:
            self.notify(problem, title="Remembered fields", severity="warning", markup=False)

    def watch_theme(self, theme: str) -> None:
        """A theme picked in the palette is the user's from now on: saved in their config."""
        if self.config.path is None or theme == self.config.theme or not self.is_mounted:
            return
        self.config = replace(self.config, theme=theme)
        problem = save_theme(self.config.path, theme)
        if problem:
            self.notify(problem, title="Config", severity="warning", markup=False)

    def project(self) -> ProjectFile:
        """The open project file; areas exist only once one is open."""
        assert self.project_file is not None, "an area is open without a project"
        return self.project_file

    def staged_project(self) -> Project:
        """The open project as the chosen stage deploys it."""
        return self.project().project.at_stage(self.stage)

    def local_url(self) -> str:
        """The Local area's gateway while it runs, else the project's URL under `wstui dev` ("" with no project)."""
        if self.gateway.running:
            return self.gateway.url
        from wstui.core.console import LOCAL_PORT, local_url

        port = self.config.local_port or LOCAL_PORT
        return local_url(self.project().project, port) if self.project_file else ""

    def reopen_project(self) -> ProjectFile:
        """Read wstui.toml again: the user may have edited it by hand since."""
        self.project_file = ProjectFile.open(self.project().directory)
        return self.project_file

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The area keys once a project is open, but the one of the area on screen; help in the areas;
        jump where there are fields: not on the start screen's one button (the forms, being modal,
        bind jump themselves and come here too)."""
        if action == "switch_area":
            return self.project_file is not None and parameters[0] != self.current_mode
        if action == "help":
            return isinstance(self.screen, AreaScreen)
        if action == "jump":
            return getattr(self.screen, "JUMPS", True)
        return True

    def action_help(self) -> None:
        if isinstance(self.screen, AreaScreen):
            self.screen.action_help()

    def action_switch_area(self, mode: str) -> None:
        self.switch_mode(mode)

    def switch_mode(self, mode: str) -> AwaitMount:
        """Every way into an area (its key, the palette, the Deploy area's Console action) comes here,
        so the header always names the area on screen, after the project."""
        self.sub_title = self.area_title(mode)
        return super().switch_mode(mode)

    def area_title(self, mode: str) -> str:
        """The header's sub-title in `mode`: the area, after the project."""
        area = next((area.title for area in AREAS if area.mode == mode), "")
        return f"{self.project_file.directory.name} · {area}" if self.project_file else area

    def action_jump(self) -> None:
        """Jump mode on the screen in front (bound on the screens with fields, see `wstui.tui.jump`)."""
        screen = self.screen

        def jumped(target: Widget | None) -> None:
            if target is not None:
                screen.set_focus(target)

        self.push_screen(JumpOverlay(jump_targets(screen)), jumped)

    async def action_quit(self) -> None:
        """Quitting stops the watching, never a stack operation: while one is followed, say so and ask."""
        if not self.stack_operation:
            await self.quit_now()
            return
        from wstui.core.deploy.stack_events import OPERATION_GOES_ON

        question = f"{self.stack_operation} is under way. {OPERATION_GOES_ON} {remedy(Remedy.FOLLOW_STACK)} Quit anyway?"

        async def answered(yes: bool | None) -> None:
            if yes:
                await self.quit_now()

        self.push_screen(ConfirmScreen(question, "Quit"), answered)

    async def quit_now(self) -> None:
        await self.gateway.stop()
        self.exit()

    async def on_unmount(self) -> None:
        """However the app ends, the local gateway stops with it: its connections close, its port is
        freed and the process's environment is the developer's again."""
        await self.gateway.stop()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.project_file is None:
            return
        for area in AREAS:
            yield SystemCommand(f"{area.title} area", area.summary[:1].upper() + area.summary[1:], lambda m=area.mode: self.switch_mode(m))
        if isinstance(screen, AreaScreen):
            yield from screen.commands()
