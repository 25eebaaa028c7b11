"""One root error for everything a user can fix or act on.

The CLI turns a `WstuiError` into its message and `exit_code`; the TUI shows it as a notification.
Anything else that escapes is a bug in wstui, or an answer it cannot read: both show it as an
`UnexpectedError` sentence (the CLI's `--debug` shows the traceback instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WstuiError(Exception):
    """A problem with a message written for the user. Exit code 1: the operation failed."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnexpectedError(WstuiError):
    """An exception wstui did not foresee (a bug, or an answer from AWS or a library it cannot read),
    told in one sentence so that it ends an operation, not the app: its kind and the first line of
    its message (a botocore parser error carries a whole HTML page after that)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(f"Unexpected error ({exception_summary(cause)}).")
        self.cause = cause


MAX_DETAIL = 200


def exception_summary(cause: BaseException) -> str:
    """An exception's kind and the first line of its message, at most MAX_DETAIL characters of it."""
    first_line = next(iter(str(cause).strip().splitlines()), "").rstrip(".: ")
    if len(first_line) > MAX_DETAIL:
        first_line = first_line[: MAX_DETAIL - 1] + "…"
    return f"{type(cause).__name__}: {first_line}" if first_line else type(cause).__name__


class UsageError(WstuiError):
    """Bad input on the command line or in a request: exit code 2."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the project, with where it is when that is known."""

    message: str
    file: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.message}"


class ProjectError(UsageError):
    """The project is invalid; carries every problem found so the user can fix them in one pass."""

    def __init__(self, problems: list[Problem], headline: str = "") -> None:
        self.problems = problems
        super().__init__("\n".join([headline] * bool(headline) + [str(p) for p in problems]))


class ExpressionError(UsageError):
    """A route selection expression that does not parse."""


class PluginError(WstuiError):
    """Raised by a plugin (in a hook or a command) to stop wstui with the plugin's own message.

    wstui shows the message after the plugin's name, without a traceback, and exits with code 1.
    """


class PluginFailure(WstuiError):
    """A plugin's hook or command raised: the message names the plugin (`plugin`) and the hook. `cause` is the
    exception the plugin raised when wstui did not expect it (the CLI's --debug shows its traceback);
    None when the plugin stopped on purpose with a WstuiError such as PluginError."""

    def __init__(self, message: str, plugin: str, cause: BaseException | None = None, exit_code: int = 1) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.cause = cause
        self.exit_code = exit_code


class PluginWarning(UserWarning):
    """A plugin wstui skipped (it failed to load, or to list its commands): the rest goes on without it.
    The core warns through `warnings`; the CLI shows each as one `Warning:` line."""
