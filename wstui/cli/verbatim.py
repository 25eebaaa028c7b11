"""Text from outside wstui, shown as it is by Rich and Textual: never read as markup.

A `str` given to `Console.print`, to a rich `Table` cell, to a Textual `Label`, `Static` or `DataTable`
cell is parsed as markup: a CloudFormation reason holding `[/aws/lambda/x]` raised `MarkupError`, and
`[bold]v1[/bold]` in an output value lost its brackets. A `Text` is never parsed, so every value that
came from AWS, a client, a handler, a file or the user reaches a renderer through `verbatim`. Escaping
(`rich.markup.escape`) is not enough: it doubles a trailing backslash.

Control characters other than newline and tab become U+FFFD, so an escape sequence in a message
cannot drive the terminal. Tabs become spaces: a rich table measures a cell before it would expand
them, and cut what did not fit.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def verbatim(text: str, style: str = "") -> Text:
    shown = Text(_CONTROL.sub(REPLACEMENT, text), style=style)
    shown.expand_tabs()
    return shown
