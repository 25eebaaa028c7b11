"""What every area screen shares: the header and footer, the F1 help page, and its own palette commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widgets import Header

from wstui.tui.footer import AppFooter
from wstui.tui.running_app import apply_cursor_setting


def palette_text(text: str) -> str:
    """Outside text (a route key, a stack name, a URL) in a palette command's title or help, which
    Textual reads as markup and which must stay a `str`: each "[" escaped, so it shows as it is.
    (`textual.markup.escape` would double a trailing backslash.)"""
    return text.replace("[", "\\[")


class AreaScreen(Screen[None]):
    """Subclasses set HELP (markdown) and compose their body in `compose_body`."""

    HELP: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield AppFooter()

    def compose_body(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        apply_cursor_setting(self)

    def action_help(self) -> None:
        """F1 (bound on the app, so that its key follows this screen's own in the footer). The help
        screen's module is imported here, not with the app: its Markdown widget (markdown-it, pygments)
        would add about 40 ms to the first paint."""
        from wstui.tui.help_screen import HelpScreen

        self.app.push_screen(HelpScreen(self.HELP, self.active_bindings, self))

    def commands(self) -> Iterable[SystemCommand]:
        """Palette commands that make sense in this area now; outside text in them goes through `palette_text`."""
        return iter(())
