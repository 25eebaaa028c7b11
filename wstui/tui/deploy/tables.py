"""The Deploy area's tables: the change-set preview, the stack events and the outputs.

Each knows its columns and how to show one kind of value from `wstui.core.deploy`, styled as the CLI
styles it (`deploy_render`), so the area itself only decides when to show what. Every cell is a
`Text`: a `str` cell would be parsed as markup, and the values come from AWS.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from wstui.cli.deploy_render import plan_row, plan_title, styled_status
from wstui.cli.verbatim import verbatim
from wstui.core.deploy.events import Plan, StackEvent
from wstui.core.deploy.status import RecentEvent


class ChangeSetTable(DataTable[Text]):
    TITLE = "Change set"

    def on_mount(self) -> None:
        self.border_title = self.TITLE
        self.cursor_type = "row"
        self.add_columns("action", "logical id", "type", "replacement")

    def reset(self) -> None:
        self.clear()
        self.border_title = self.TITLE

    def show(self, plan: Plan) -> None:
        self.reset()
        self.border_title = plan_title(plan)
        for change in plan.changes:
            self.add_row(*plan_row(change))


class StackEventsTable(DataTable[Text]):
    """Newest at the bottom, and kept in view: the cursor follows each event that arrives."""

    def on_mount(self) -> None:
        self.border_title = "Stack events"
        self.cursor_type = "row"
        self.add_columns("time", "done", "resource", "type", "status", "reason")

    def add_event(self, event: StackEvent) -> None:
        reason = verbatim(event.reason, "bold red" if event.failed else "")
        done = f"{event.done}/{event.total}" if event.total else ""
        self.add_row(Text(f"{event.elapsed:6.1f}s"), Text(done), verbatim(event.logical_id), verbatim(event.resource_type),
                     styled_status(event.status), reason)
        self.move_cursor(row=self.row_count - 1)

    def show_recent(self, events: tuple[RecentEvent, ...]) -> None:
        self.clear()
        for event in events:
            self.add_row(Text(event.timestamp.strftime("%H:%M:%S")), Text(), verbatim(event.logical_id),
                         verbatim(event.resource_type), styled_status(event.status), verbatim(event.reason))
        self.move_cursor(row=self.row_count - 1)


class OutputsTable(DataTable[Text]):
    def on_mount(self) -> None:
        self.border_title = "Outputs"
        self.cursor_type = "row"
        self.add_columns("output", "value")

    def show(self, outputs: dict[str, str]) -> None:
        self.clear()
        for key, value in sorted(outputs.items()):
            self.add_row(verbatim(key), verbatim(value), key=key)
