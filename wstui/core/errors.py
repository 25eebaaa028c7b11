"""One root error for everything a user can fix or act on.

The CLI turns a `WstuiError` into its message and `exit_code`; the TUI shows it as a notification.
Anything else that escapes is a bug in wstui, or an answer it cannot read: both show it as an
`UnexpectedError` sentence (the CLI's `--debug` shows the traceback instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Remedy(Enum):
    """What a user can do about a problem, named here and worded by each interface: the CLI with its
    commands and options (`wstui.cli.remedies`), the app with its fields and keys
    (`wstui.tui.remedies`). Core never words a remedy, so the app never tells anyone to pass an option
    it does not have. A remedy's words are one sentence; `{name}` in them is filled from the error's
    `details`."""

    AWS_CREDENTIALS = "aws-credentials"
    AWS_REGION_NAME = "aws-region-name"
    AWS_PROFILE_NAME = "aws-profile-name"
    AWS_ENDPOINT = "aws-endpoint"
    CREATE_BUCKET = "create-bucket"
    DRY_RUN_BUCKET = "dry-run-bucket"
    OTHER_BUCKET = "other-bucket"
    BUCKET_REGION = "bucket-region"
    FOLLOW_STACK = "follow-stack"
    PLAN_AGAIN = "plan-again"
    REMOVE_AGAIN = "remove-again"
    PARAMETER_VALUE = "parameter-value"
    DEPLOY = "deploy"
    DEPLOY_OR_REGION = "deploy-or-region"
    STACK_OUTPUTS = "stack-outputs"
    OUTPUTS_LATER = "outputs-later"
    OUTPUTS_UNSAVED = "outputs-unsaved"
    RECORD_UNWRITTEN = "record-unwritten"
    NO_FAILURE_REASON = "no-failure-reason"
    EDIT_ROUTE = "edit-route"
    ADD_ROUTE = "add-route"
    NAME_PROJECT = "name-project"
    NAME_NOT_PATH = "name-not-path"
    OTHER_TARGET = "other-target"
    OVERWRITE = "overwrite"
    OPEN_PROJECT = "open-project"
    HANDLER_THREADS = "handler-threads"
    PASS_TOKEN = "pass-token"
    DEPLOY_FIRST = "deploy-first"
    DEPLOY_MATCHES = "deploy-matches"
    START_LOCAL = "start-local"
    LOAD_WORKERS = "load-workers"


Words = Mapping[Remedy, str]


def told(message: str, remedies: tuple[Remedy, ...], words: Words, details: Mapping[str, str] | None = None) -> str:
    """`message` followed by each remedy in an interface's `words` (an interface without a way to
    follow a remedy words it as nothing)."""
    return " ".join([message, *(words[remedy].format(**(details or {})) for remedy in remedies if words[remedy])])


class WstuiError(Exception):
    """A problem with a message written for the user. Exit code 1: the operation failed.

    `message` says what is wrong; `remedies` name what the user can do about it, for the CLI and the
    app to say in their own words (`told`). `str()` is the message alone."""

    exit_code = 1

    def __init__(self, message: str, *remedies: Remedy, **details: str) -> None:
        super().__init__(message)
        self.message = message
        self.remedies = remedies
        self.details = details

    def __str__(self) -> str:
        return self.message

    def told(self, words: Words) -> str:
        """The message and its remedies, in the words of one interface."""
        return told(self.message, self.remedies, words, self.details)


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
    remedies: tuple[Remedy, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        return self._located(self.message)

    def told(self, words: Words) -> str:
        return self._located(told(self.message, self.remedies, words))

    def _located(self, text: str) -> str:
        if self.file is None:
            return text
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {text}"


class ProjectError(UsageError):
    """The project is invalid; carries every problem found so the user can fix them in one pass."""

    def __init__(self, problems: list[Problem], headline: str = "") -> None:
        self.problems = problems
        self.headline = headline
        super().__init__("\n".join([headline] * bool(headline) + [str(p) for p in problems]))

    def told(self, words: Words) -> str:
        return "\n".join([self.headline] * bool(self.headline) + [p.told(words) for p in self.problems])


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
