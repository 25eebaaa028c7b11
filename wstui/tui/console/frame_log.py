"""A session's frame log: the last frames in a bounded deque, drawn line by line, one of them selected.

Only the visible lines are drawn, so a batch of a thousand frames costs one refresh, and the deque's
cap keeps memory flat however long a session runs. Frames are numbered as they arrive; the selection
follows a number, so it stays on its frame while older ones fall off the front.
"""

from __future__ import annotations

import base64
import json
from collections import deque
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from wstui.cli.verbatim import verbatim
from wstui.core.console import Direction, Frame

KEPT_FRAMES = 1_000
PREVIEW_CHARS = 200
ARROWS = {Direction.SENT: ("→", "bold cyan"), Direction.RECEIVED: ("←", "bold green")}


def frame_line(frame: Frame) -> Text:
    """direction, time, size and the start of the data, on one line."""
    arrow, style = ARROWS[frame.direction]
    when = datetime.fromtimestamp(frame.wall).strftime("%H:%M:%S.%f")[:-3]
    preview = f"[binary {frame.size} B]" if isinstance(frame.data, bytes) else frame.data[:PREVIEW_CHARS]
    return Text.assemble((arrow, style), " ", (when, "dim"), f" {frame.size:>6} B  ",
                         verbatim(" ".join(preview.split())), no_wrap=True)


def frame_detail(frame: Frame) -> str:
    """The whole frame for a person: JSON indented, other text as it came, binary as base64."""
    if isinstance(frame.data, bytes):
        return f"binary, {frame.size} bytes, base64:\n{base64.b64encode(frame.data).decode()}"
    try:
        return json.dumps(json.loads(frame.data), indent=2, ensure_ascii=False)
    except ValueError:
        return frame.data


class FrameLog(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous frame", show=False, id="frames.up",
                tooltip="Select the frame before this one."),
        Binding("down", "move(1)", "Next frame", show=False, id="frames.down",
                tooltip="Select the frame after this one."),
        Binding("home", "first", "First frame", show=False, id="frames.first",
                tooltip="Select the oldest frame kept."),
        Binding("end", "last", "Follow", show=False, id="frames.last",
                tooltip="Select the newest frame, and keep following new ones."),
    ]

    class Selected(Message):
        def __init__(self, log: FrameLog, frame: Frame | None) -> None:
            super().__init__()
            self.log = log
            self.frame = frame

    def __init__(self, kept: int = KEPT_FRAMES, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.frames: deque[Frame] = deque(maxlen=kept)
        self.received = 0
        """Frames ever added; the newest one's number is `received - 1`."""
        self.selected: int | None = None
        """Number of the selected frame; None follows the newest."""

    @property
    def first_number(self) -> int:
        return self.received - len(self.frames)

    def add(self, frames: list[Frame]) -> None:
        following = self.selected is None
        self.frames.extend(frames)
        self.received += len(frames)
        self.virtual_size = Size(self.size.width, len(self.frames))
        if following:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            self.post_message(self.Selected(self, self.frames[-1] if self.frames else None))
        self.refresh()

    def selected_index(self) -> int | None:
        if not self.frames:
            return None
        if self.selected is None or self.selected < self.first_number:
            return len(self.frames) - 1
        return self.selected - self.first_number

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        style = self.rich_style
        if index >= len(self.frames):
            return Strip.blank(width, style)
        text = frame_line(self.frames[index])
        if index == self.selected_index() and self.selected is not None:
            text.stylize(Style(reverse=True))
        strip = Strip(text.render(self.app.console))
        return strip.crop_extend(scroll_x, scroll_x + width, style).apply_style(style)

    def select(self, index: int | None) -> None:
        if index is None or not self.frames:
            self.selected = None
        else:
            index = max(0, min(index, len(self.frames) - 1))
            self.selected = self.first_number + index
            self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True)
        current = self.selected_index()
        self.post_message(self.Selected(self, self.frames[current] if current is not None else None))
        self.refresh()

    def action_move(self, step: int) -> None:
        current = self.selected_index()
        if current is not None:
            self.select(current + step)

    def action_first(self) -> None:
        self.select(0)

    def action_last(self) -> None:
        self.select(None)
        self.scroll_end(animate=False, immediate=True, x_axis=False)
