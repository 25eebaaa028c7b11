"""Typed access to the wstui app from its screens, which cannot import app.py (it imports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode
from textual.widgets import Input

if TYPE_CHECKING:
    from wstui.tui.app import WstuiApp


def running_app(node: DOMNode) -> WstuiApp:
    return cast("WstuiApp", node.app)


def apply_cursor_setting(node: DOMNode) -> None:
    """Make the text fields under `node` blink, or not, as the user's config says."""
    blink = running_app(node).config.cursor_blink
    for text_input in node.query(Input):
        text_input.cursor_blink = blink
