"""What `wstui` shows outside a project: where it looked, and the way to create one."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Static

from wstui.cli.verbatim import verbatim
from wstui.core.project.load import PROJECT_FILE
from wstui.tui.footer import AppFooter
from wstui.tui.start.wizard import WizardScreen


class StartScreen(Screen[None]):
    JUMPS = False
    """One button: the jump overlay (ctrl+o) has nothing to reach here."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new", "New project", id="start.new", tooltip="Answer the template's questions and create a project."),
    ]

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self.directory = directory

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="start"):
            yield Static("[b]wstui[/b]: WebSocket services on AWS API Gateway", id="start-title")
            yield Static(verbatim(f"No {PROJECT_FILE} in {self.directory} or any directory above it."), id="start-where")
            yield Button("Create a project", id="new", variant="primary", tooltip="Open the new-project wizard (ctrl+n).")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#new").focus()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.action_new()

    def action_new(self) -> None:
        self.app.push_screen(WizardScreen(self.directory))
