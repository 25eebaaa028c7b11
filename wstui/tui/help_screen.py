"""F1: an area's help and the keys it answers now (after the user's rebinding)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Markdown

from wstui.cli.verbatim import verbatim


class HelpScreen(ModalScreen[None]):
    """Lists the bindings that have an id: the ones a user can rebind in the config file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "dismiss", "Close help", id="help.close", tooltip="Back to the area."),
    ]

    def __init__(self, text: str, bindings: Mapping[str, ActiveBinding]) -> None:
        super().__init__()
        self.text = text
        self.rows = sorted(
            {(key, b.binding.description, b.binding.id, b.binding.tooltip)
             for key, b in bindings.items() if b.binding.id},
            key=lambda row: row[2],
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(self.text)
            yield DataTable(id="help-keys", show_cursor=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("key", "does", "binding id", "")
        for row in self.rows:
            table.add_row(*(verbatim(cell or "") for cell in row))
