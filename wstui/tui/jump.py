"""Jump mode (`ctrl+o`, as in posting): a key on every field, button and table of the screen; pressing it
moves the focus there, so any part of a screen is two keys away wherever the focus is now."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Label

from wstui.tui.footer import AppFooter

JUMP_KEYS = "1234567890abcdefghijklmnopqrstuvwxyz"
JUMP = Binding("ctrl+o", "app.jump", "Jump", id="app.jump",
               tooltip="Show a key on every field, button and table; press one to move the focus there.")
"""On each screen with fields (areas, forms, the wizard): a modal screen stops the app's own bindings."""


def jump_targets(screen: Screen) -> dict[str, Widget]:
    """What Tab would reach and shows now, in Tab's order, each with a key of its own."""
    shown = [widget for widget in screen.focus_chain if widget.region.area]
    return dict(zip(JUMP_KEYS, shown))


class JumpOverlay(ModalScreen[Widget | None]):
    """Dismissed with the widget whose key was pressed, or None (escape); other keys do nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+o", "dismiss(None)", "Close", id="jump.close", tooltip="Leave jump mode; the focus stays."),
    ]

    def __init__(self, targets: dict[str, Widget]) -> None:
        super().__init__()
        self.targets = targets

    def compose(self) -> ComposeResult:
        for key, widget in self.targets.items():
            label = Label(key, classes="jump-key")
            label.styles.offset = widget.region.offset
            yield label
        yield AppFooter()

    def on_key(self, event: events.Key) -> None:
        target = self.targets.get(event.key)
        if target is not None:
            event.stop()
            self.dismiss(target)
