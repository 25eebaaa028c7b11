"""F1: an area's help and the keys it answers now (after the user's rebinding), in three groups.

The groups follow what a user looks for: how to get to another area (and the app-wide keys), what
this area does, and how to move around in it. Descriptions wrap, so nothing is cut at any width.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown, Static

from wstui.cli.verbatim import verbatim
from wstui.tui.footer import AppFooter

KEY_SCHEME = """\
Keys that act are function keys or `ctrl` with a letter, and work wherever the focus is: a plain
letter always goes into the field you type in. `enter` in a field does the screen's main action.
Dialogs without a text field (such as a yes/no question) answer single letters, shown in their footer.
"""
PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})
PALETTE_ID = "app.palette"
"""Textual's palette binding has no id (its key is `App.COMMAND_PALETTE_BINDING`); the help names it so."""


@dataclass(frozen=True)
class HelpRow:
    keys: str
    description: str
    tooltip: str
    binding_id: str


NAVIGATION = (
    HelpRow("tab, shift+tab", "Next, previous", "Move to the next (previous) field, button or table.", ""),
    HelpRow("enter", "Main action", "In a field: the screen's main action. On a button: press it. In a table: open the row.", ""),
)


def key_order(keys: str) -> tuple[int, int, str]:
    """Function keys first, in their numbers' order (f2 before f10), then the rest by name."""
    first = keys.split(",")[0].strip()
    if first.startswith("f") and first[1:].isdigit():
        return 0, int(first[1:]), ""
    return 1, 0, first


def help_groups(bindings: Mapping[str, ActiveBinding], screen: DOMNode) -> list[tuple[str, list[HelpRow]]]:
    """The keys in effect, by group: the app's (area keys, help, jump, palette, quit) sorted by key,
    then the screen's own in the order it declares them, then moving around. A binding several keys
    trigger is one row."""
    groups: tuple[dict[str, tuple[Binding, list[str]]], ...] = ({}, {}, {})
    for key, active in bindings.items():
        binding = active.binding
        if binding.action in PALETTE_ACTIONS:
            name = PALETTE_ID
            binding = Binding(key, binding.action, "Palette", tooltip="Commands: the areas, and what makes sense where you are.")
        elif binding.id:
            name = binding.id
        else:
            continue
        if name.startswith(("app.", "area.")) or active.node is screen.app:
            group = groups[0]
        elif active.node is screen:
            group = groups[1]
        else:
            group = groups[2]
        group.setdefault(name, (binding, []))[1].append(screen.app.get_key_display(binding))

    def rows(group: dict[str, tuple[Binding, list[str]]]) -> list[HelpRow]:
        return [HelpRow(", ".join(keys), binding.description, binding.tooltip, "" if name == PALETTE_ID else name)
                for name, (binding, keys) in group.items()]

    areas = sorted(rows(groups[0]), key=lambda row: key_order(row.keys))
    return [("Areas and the app", areas), ("Keys of this area", rows(groups[1])), ("Moving around", [*NAVIGATION, *rows(groups[2])])]


def keys_table(rows: list[HelpRow]) -> Table:
    table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
    table.add_column("key", no_wrap=True, style="bold")
    table.add_column("does", ratio=1)
    table.add_column("binding id", no_wrap=True, style="dim")
    for row in rows:
        does = verbatim(row.description, "bold") + Text("  ") + verbatim(row.tooltip)
        table.add_row(verbatim(row.keys), does, verbatim(row.binding_id))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the bindings that have an id (the ones a user can rebind in the config file) and the palette."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "dismiss", "Close help", id="help.close", tooltip="Back to the area."),
    ]

    def __init__(self, text: str, bindings: Mapping[str, ActiveBinding], screen: DOMNode) -> None:
        super().__init__()
        self.text = text
        self.groups = help_groups(bindings, screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(self.text)
            yield Markdown(KEY_SCHEME, id="help-scheme")
            for title, rows in self.groups:
                if rows:
                    yield Label(title, classes="pane-title help-group")
                    yield Static(keys_table(rows), classes="help-keys")
        yield AppFooter()
