"""A yes/no question over the area, for the steps the CLI asks about before it acts (remove, re-create).

It has no text field, so it answers single letters; its own footer shows them (the area's keys do
nothing while it is open).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from wstui.cli.verbatim import verbatim
from wstui.tui.footer import AppFooter


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True only by the button that names the action (or `y`); No is focused first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Go ahead with what the question says."),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Leave everything as it is."),
    ]

    def __init__(self, question: str, action: str) -> None:
        super().__init__()
        self.question = question
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(verbatim(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.action, id="yes", variant="error")
                yield Button("No", id="no")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
