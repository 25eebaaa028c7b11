"""The footer every screen of the app uses: Textual's, compact on narrow terminals so the keys still fit.

Compact, it also leaves out the palette's key and quit's (F1 lists both): at 100 columns the area keys fit
only so, whether the app started narrow or the terminal was narrowed later.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

COMPACT_BELOW = 120
"""Columns under which the footer drops the padding around each key."""
QUIT_KEY = "ctrl+q"


class AppFooter(Footer):
    shown: Hashable = None
    """What the footer's keys were last built from (`keys_shown`)."""

    def on_resize(self, event: events.Resize) -> None:
        """Textual builds the palette's key only in `compose`, so a resize across the line builds it again."""
        compact = event.size.width < COMPACT_BELOW
        if compact == self.compact and self.show_command_palette is not compact:
            return
        self.compact = compact
        self.show_command_palette = not compact
        if self.children:
            self.call_after_refresh(self.recompose)

    def keys_shown(self, screen: Screen) -> Hashable:
        return self.show_command_palette, tuple(
            (binding, enabled, tooltip) for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show
        )

    def compose(self) -> ComposeResult:
        """Compact, the footer leaves out quit too: at 100 columns its label was cut ("^q Q"), and every
        terminal user knows ctrl+q; F1 lists it."""
        self.shown = self.keys_shown(self.screen)
        for widget in super().compose():
            if self.compact and getattr(widget, "key", None) == QUIT_KEY:  # a FooterKey (not public in textual.widgets)
                self.styles.grid_size_columns = max(1, (self.styles.grid_size_columns or 1) - 1)
                continue
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        """Textual builds the footer again whenever the screen's bindings may have changed (at each focus
        change, three times before the first paint), restyling every key: here only when what it would
        show changed."""
        if self.children and screen is self.screen and self.keys_shown(screen) == self.shown:
            return
        super().bindings_changed(screen)
