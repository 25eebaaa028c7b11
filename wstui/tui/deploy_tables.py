"""The Deploy area's tables: the change-set preview, the stack events and the outputs.

Each knows its columns and how to show one kind of value from `wstui.core.deploy`, styled as the CLI
styles it (`deploy_render`), so the area itself only decides when to show what.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from wstui.cli.deploy_render import ACTION_STYLES, status_style
from wstui.core.deploy.events import Plan, StackEvent
from wstui.core.deploy.status import RecentEvent


def styled(status: str) -> Text:
    return Text(status, style=status_style(status))


class ChangeSetTable(DataTable[str | Text]):
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
        self.border_title = f"Change set for {plan.stack_name} ({plan.change_set_type}, {len(plan.changes)} changes)"
        for change in plan.changes:
            replacement = Text(change.replacement, style="red" if change.replacement == "True" else "")
            self.add_row(Text(change.action, style=ACTION_STYLES.get(change.action, "")), change.logical_id,
                         change.resource_type, replacement)


class StackEventsTable(DataTable[str | Text]):
    """Newest at the bottom, and kept in view: the cursor follows each event that arrives."""

    def on_mount(self) -> None:
        self.border_title = "Stack events"
        self.cursor_type = "row"
        self.add_columns("time", "done", "resource", "type", "status", "reason")

    def add_event(self, event: StackEvent) -> None:
        reason = Text(event.reason, style="bold red" if event.failed else "")
        done = f"{event.done}/{event.total}" if event.total else ""
        self.add_row(f"{event.elapsed:6.1f}s", done, event.logical_id, event.resource_type, styled(event.status), reason)
        self.move_cursor(row=self.row_count - 1)

    def show_recent(self, events: tuple[RecentEvent, ...]) -> None:
        self.clear()
        for event in events:
            self.add_row(event.timestamp.strftime("%H:%M:%S"), "", event.logical_id, event.resource_type,
                         styled(event.status), event.reason)
        self.move_cursor(row=self.row_count - 1)


class OutputsTable(DataTable[str]):
    def on_mount(self) -> None:
        self.border_title = "Outputs"
        self.cursor_type = "row"
        self.add_columns("output", "value")

    def show(self, outputs: dict[str, str]) -> None:
        self.clear()
        for key, value in sorted(outputs.items()):
            self.add_row(key, value, key=key)
