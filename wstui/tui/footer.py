"""The footer every screen of the app uses: Textual's, compact on narrow terminals so the keys still fit.

Compact, it also leaves out the palette's key (F1 lists it): at 100 columns the area keys fit only so.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

COMPACT_BELOW = 120
"""Columns under which the footer drops the padding around each key."""


class AppFooter(Footer):
    shown: Hashable = None
    """What the footer's keys were last built from (`keys_shown`)."""

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        self.show_command_palette = not self.compact

    def keys_shown(self, screen: Screen) -> Hashable:
        return self.show_command_palette, tuple(
            (binding, enabled, tooltip) for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show
        )

    def compose(self) -> ComposeResult:
        self.shown = self.keys_shown(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        """Textual builds the footer again whenever the screen's bindings may have changed (at each focus
        change, three times before the first paint), restyling every key: here only when what it would
        show changed."""
        if self.children and screen is self.screen and self.keys_shown(screen) == self.shown:
            return
        super().bindings_changed(screen)
