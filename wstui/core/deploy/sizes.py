"""Sizes as people read them, the same in an error of the core and a line of the CLI or the app."""

from __future__ import annotations


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
