"""How `wstui logs` shows its events; the app's Logs view shows the same lines through these functions.

A line: the time (UTC, to the millisecond), the route or function it came from (each in its own colour),
the first 8 characters of the request id (the whole id is in `--json`, and in Lambda's START, END and
REPORT lines), then the message as it was logged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text

from wstui.cli.deploy_render import duration_text
from wstui.cli.verbatim import verbatim
from wstui.core.logs.events import Following, LogEvent, LogLine, NoLogGroup, Sampled
from wstui.core.logs.sources import LogSource

PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "bright_red", "bright_cyan", "bright_magenta", "bright_green")
SHORT_ID = 8
MAX_LABEL = 24


@dataclass(frozen=True)
class LineStyle:
    """Each source's colour, by its place in the list, and the width the labels are padded to."""

    colours: dict[str, str]
    width: int

    @classmethod
    def of(cls, sources: Sequence[LogSource]) -> LineStyle:
        colours = {source.label: PALETTE[index % len(PALETTE)] for index, source in enumerate(sources)}
        return cls(colours, min(MAX_LABEL, max((len(s.label) for s in sources), default=0)))


def line_text(line: LogLine, style: LineStyle) -> Text:
    text = Text(line.timestamp.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], style="dim")
    text.append(" ")
    text.append(verbatim(line.label.ljust(style.width), style.colours.get(line.label, "")))
    text.append(" ")
    text.append(line.request_id[:SHORT_ID].ljust(SHORT_ID), style="dim")
    text.append(" ")
    text.append(verbatim(line.message))
    return text


def notice_text(event: LogEvent) -> Text | None:
    """What a reader should know besides the lines; None for a line."""
    if isinstance(event, NoLogGroup):
        return verbatim(f"No log group {event.source.group} yet: {event.source.label} has not been invoked since it was "
                        "deployed (Lambda creates the group at the first invocation).", "yellow")
    if isinstance(event, Following):
        if event.live:
            return verbatim("Following with CloudWatch Logs live tail; Ctrl-C stops.", "dim")
        return verbatim(f"Following by polling every {duration_text(event.interval)} ({event.reason}); Ctrl-C stops.", "dim")
    if isinstance(event, Sampled):
        return verbatim("CloudWatch is sending a sample of the lines: more than live tail passes on. "
                        "Narrow them with --filter or --function.", "yellow")
    return None


def line_document(line: LogLine) -> dict[str, str]:
    return {
        "timestamp": line.timestamp.isoformat(timespec="milliseconds"),
        "source": line.label,
        "request_id": line.request_id,
        "message": line.message,
        "log_group": line.group,
        "log_stream": line.stream,
    }


@dataclass
class LogsView:
    """Lines to `out` (text, or JSON Lines with `as_json`), everything else to `notes`, so that a pipe
    gets the lines alone."""

    out: Console
    notes: Console
    style: LineStyle
    as_json: bool = False
    lines: int = field(default=0, init=False)

    def show(self, event: LogEvent) -> None:
        if isinstance(event, LogLine):
            self.lines += 1
            if self.as_json:
                self.out.print(verbatim(json.dumps(line_document(event))), soft_wrap=True)
            else:
                self.out.print(line_text(event, self.style), soft_wrap=True)
            return
        notice = notice_text(event)
        if notice is not None:
            self.notes.print(notice, soft_wrap=True)
