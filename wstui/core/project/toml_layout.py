"""Structural edits of a tomlkit document that keep the user's comments where the user put them.

tomlkit files a comment written above a table header under the *previous* table, after its last key.
Appending a key or a table, or deleting a table, naively would then move "# Deploy settings" below
the new route, or delete it with the route above it. These helpers treat that trailing run of
comments and blank lines ("trivia") as belonging to what follows, and carry it along.
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Comment, Item, Table, Whitespace
from tomlkit.toml_document import TOMLDocument


def pop_trailing_trivia(container: Container) -> list[Item]:
    """Remove and return the comments and blank lines after the last key of `container`."""
    trailing: list[Item] = []
    while container.body and container.body[-1][0] is None and isinstance(container.body[-1][1], (Comment, Whitespace)):
        trailing.insert(0, container.body.pop()[1])
    return trailing


def append_trivia(container: Container, items: list[Item]) -> None:
    for item in items:
        container.append(None, item)


def set_value(table: Table, key: str, value: Any) -> None:
    """Set `key`; a new key goes after the last key, above the comments that lead into what follows."""
    if key in table:
        table[key] = value
        return
    trailing = pop_trailing_trivia(table.value)
    table[key] = value
    append_trivia(table.value, trailing)


def append_table(tables: AoT, table: Table) -> None:
    """Append to an array of tables, a blank line apart, before the comments that lead into what follows."""
    if len(tables):
        last: Table = tables[-1]
        trailing = pop_trailing_trivia(last.value)
        last.value.append(None, tomlkit.ws("\n"))
        append_trivia(table.value, trailing)
    tables.append(table)


def remove_table(document: TOMLDocument, tables: AoT, index: int) -> None:
    """Delete one table of an array; the comments it carried for what follows move to the table before.

    Comments are never dropped, even one that described the deleted table: which table a comment
    describes is a guess, and a stale comment costs less than a lost one.
    """
    trailing = pop_trailing_trivia(tables[index].value)
    previous = tables[index - 1] if index > 0 else _table_before(document, tables)
    if previous is not None:
        if previous.value.body and previous.value.body[-1][0] is None:
            trailing = _without_leading_whitespace(trailing)
        append_trivia(previous.value, trailing)
    del tables[index]


def _without_leading_whitespace(items: list[Item]) -> list[Item]:
    """The trivia after the first comment: the blank lines before it already stand in the file."""
    while items and isinstance(items[0], Whitespace):
        items = items[1:]
    return items


def _table_before(document: TOMLDocument, tables: AoT) -> Table | None:
    before: Table | None = None
    for _key, item in document.body:
        if item is tables:
            return before
        if isinstance(item, Table):
            before = item
        elif isinstance(item, AoT) and len(item):
            before = item[-1]
    return None
