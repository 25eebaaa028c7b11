"""The footer every screen of the app uses: Textual's, compact on narrow terminals so the keys still fit.

Compact, it also leaves out the palette's key (F1 lists it): at 100 columns the area keys fit only so.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

COMPACT_BELOW = 120
"""Columns under which the footer drops the padding around each key."""


class AppFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        self.show_command_palette = not self.compact
