"""One `ast.parse` at a time in this process, on the Pythons whose AST converter shares its state.

CPython before 3.13 counts the AST converter's recursion depth in interpreter-wide state (gh-106905).
When a garbage collection during one thread's parse runs Python code (a finaliser) and the interpreter
switches threads, a second thread's parse moves the same counter, and one of them fails with
`SystemError: AST constructor recursion depth mismatch`. wstui parses handler modules on worker threads
(validation, archives, `wstui sync`) while Textual parses action strings (`ast.literal_eval`) on the
app's thread: seen in the app when the Deploy area's worker checked the handlers. `ast.literal_eval`
looks `parse` up in the `ast` module when it is called, so wrapping that one name covers every caller.
"""

from __future__ import annotations

import ast
import functools
import sys
import threading
from typing import Any

AFFECTED = sys.version_info < (3, 13)


def serialize_ast_parsing() -> None:
    """Make `ast.parse` take a process-wide lock (re-entrant: a finaliser may parse on the same thread)."""
    if not AFFECTED or getattr(ast.parse, "serialized", False):
        return
    parse = ast.parse
    lock = threading.RLock()

    @functools.wraps(parse)
    def serialized_parse(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return parse(*args, **kwargs)

    serialized_parse.serialized = True  # type: ignore[attr-defined]
    ast.parse = serialized_parse  # type: ignore[assignment]
