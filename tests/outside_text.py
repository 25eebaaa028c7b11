"""Text from outside wstui as AWS, a client, a handler or a user may send it, and the check that a
renderer showed it as it is: never read as markup, never a crash.

The nasty strings are the ones reviews found: a CloudFormation reason that lost its cause, one that
raised MarkupError, an output that turned bold, a route key listed as "sayhi", an unclosed IPv6 bracket.
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

from wstui.cli.verbatim import REPLACEMENT

NASTY = (
    "[/x]",
    "[bold]v1[/bold]",
    "Properties validation failed for resource Fn with message: [#/Runtime: python3.99 is not a valid enum value]",
    "Resource handler returned message: Log group [/aws/lambda/x] already exists",
    "say[bold]hi[/bold]",
    "ws://[::1",
    "back\\[slash] and a trailing backslash\\",
    "[link=https://example.com]click[/link] [@click=app.quit]quit[/] [on red]x",
    ":thumbs_up: $name %s {0} \\",
    "esc \x1b[31mred\x1b[0m bell\x07 nul\x00 del\x7f csi\x9b",
)
# Route keys must pass the project's checks (no whitespace, no control characters, no *, ?, $).
NASTY_KEYS = ("[/x]", "say[bold]hi[/bold]", "[#/Runtime]", "back\\[slash]\\")


def outside_text() -> st.SearchStrategy[str]:
    """Any text, spliced with the nasty strings so that brackets, backslashes and escapes meet."""
    return st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=24)), max_size=4).map("".join)


def outside_line() -> st.SearchStrategy[str]:
    """Outside text on one line: what a table cell or a status line shows."""
    return outside_text().map(lambda text: " ".join(text.splitlines()))


def shown(value: str, output: str) -> bool:
    """Every line of `value` stands whole in `output`: never a bracket or a character lost or added
    because markup was read. Whitespace aside (renderers pad, wrap, expand tabs, and split lines where
    Python does), and control characters aside: they may stand as they are, be replaced by U+FFFD (as
    `verbatim` does) or be dropped."""
    flat = _printable(output)
    return all(_printable(line) in flat for line in value.splitlines())


def _printable(text: str) -> str:
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c) == "Cc" or c == REPLACEMENT))
