"""What every area screen shares: the header and footer, F1 help, and its own palette commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header

from wstui.tui.help_screen import HelpScreen
from wstui.tui.running_app import apply_cursor_setting


def palette_text(text: str) -> str:
    """Outside text (a route key, a stack name, a URL) in a palette command's title or help, which
    Textual reads as markup and which must stay a `str`: each "[" escaped, so it shows as it is.
    (`textual.markup.escape` would double a trailing backslash.)"""
    return text.replace("[", "\\[")


class AreaScreen(Screen[None]):
    """Subclasses set HELP (markdown) and compose their body in `compose_body`."""

    HELP: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="area.help", tooltip="What this area does, and every key it answers."),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        apply_cursor_setting(self)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.HELP, self.active_bindings))

    def commands(self) -> Iterable[SystemCommand]:
        """Palette commands that make sense in this area now; outside text in them goes through `palette_text`."""
        return iter(())
