"""Per-invocation environment and output for handlers that run in threads of one process.

In Lambda each function has its own environment and its own log stream. Locally, handlers run warm
in a thread pool of the `wstui dev` process, so `os.environ` and `sys.stdout` are shared. These two
small overlays give each invocation its function's view: `os.environ` lookups see the function's
variables, over the settings every local function shares (local endpoints, fake credentials), over
the process's own variables less the developer's AWS_* ones, so nothing reaches a real account, not
even from a thread a handler starts, and less the WSTUI_SECRET_* ones, so a secret reaches only the
functions whose environment names it, as in Lambda. What a handler prints goes to that invocation's
log instead of the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

_ENVIRONMENT: ContextVar[dict[str, str] | None] = ContextVar("wstui_environment", default=None)
_REAL: ContextVar[bool] = ContextVar("wstui_real_environment", default=False)
_OUTPUT: ContextVar[Callable[[str], None] | None] = ContextVar("wstui_output", default=None)
HIDDEN_PREFIX = ("AWS_", "WSTUI_SECRET_")


class LayeredEnviron(MutableMapping[str, str]):
    """`os.environ` as: the invocation's variables, then `shared`, then the process's (less HIDDEN_PREFIX)."""

    def __init__(self, base: MutableMapping[str, str], shared: dict[str, str]) -> None:
        self.base = base
        self.shared = shared

    def _layers(self) -> list[MutableMapping[str, str]]:
        if _REAL.get():
            return []
        layer = _ENVIRONMENT.get()
        return [self.shared] if layer is None else [layer, self.shared]

    def __getitem__(self, key: str) -> str:
        for layer in self._layers():
            if key in layer:
                return layer[key]
        if key.startswith(HIDDEN_PREFIX) and not _REAL.get():
            raise KeyError(key)
        return self.base[key]

    def __setitem__(self, key: str, value: str) -> None:
        layer = _ENVIRONMENT.get()
        (self.base if layer is None else layer)[key] = value

    def __delitem__(self, key: str) -> None:
        layer = _ENVIRONMENT.get()
        del (self.base if layer is None else layer)[key]

    def __iter__(self) -> Iterator[str]:
        if _REAL.get():
            return iter(list(self.base))
        keys = [key for layer in self._layers() for key in layer]
        keys += [key for key in self.base if not key.startswith(HIDDEN_PREFIX)]
        return iter(dict.fromkeys(keys))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        return dict(self)


class RoutedStream:
    """A stand-in for sys.stdout/sys.stderr that sends an invocation's writes to its log."""

    def __init__(self, original: TextIO) -> None:
        self.original = original

    def write(self, text: str) -> int:
        sink = _OUTPUT.get()
        if sink is None:
            return self.original.write(text)
        sink(text)
        return len(text)

    def flush(self) -> None:
        if _OUTPUT.get() is None:
            self.original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


class Isolation:
    """Installs the overlays for as long as a local runtime runs, and removes them after."""

    def __init__(self, shared: dict[str, str]) -> None:
        self.shared = shared
        self._saved: tuple[Any, Any, Any] | None = None

    def install(self) -> None:
        if self._saved is not None:
            return
        self._saved = (os.environ, sys.stdout, sys.stderr)
        os.environ = LayeredEnviron(os.environ, self.shared)  # type: ignore[assignment]  # noqa: B003 (on purpose)
        sys.stdout = RoutedStream(sys.stdout)  # type: ignore[assignment]
        sys.stderr = RoutedStream(sys.stderr)  # type: ignore[assignment]
        _forget_default_boto3_session()

    def uninstall(self) -> None:
        if self._saved is None:
            return
        os.environ, sys.stdout, sys.stderr = self._saved  # type: ignore[assignment]
        self._saved = None
        _forget_default_boto3_session()


def _forget_default_boto3_session() -> None:
    """botocore reads the `os.environ` object it found when a session was made: a default session made
    before (by a deploy in the same app, say) would see the developer's real AWS settings, and one made
    while installed would keep the overlay after. Handlers then get a fresh one that sees the present."""
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None


@contextmanager
def real_environment() -> Iterator[None]:
    """The developer's own environment, AWS_* settings included, in the current thread while the
    local runtime's overlay is installed: what a deploy from the app needs while its Local area runs
    the gateway, so that it reaches the account the developer chose and not the local DynamoDB."""
    token = _REAL.set(True)
    try:
        yield
    finally:
        _REAL.reset(token)


def run_isolated(environment: dict[str, str], sink: Callable[[str], None], call: Callable[[], Any]) -> Any:
    """Run `call` seeing `environment` and writing to `sink` (in the current thread only)."""
    environment_token = _ENVIRONMENT.set(dict(environment))
    output_token = _OUTPUT.set(sink)
    try:
        return call()
    finally:
        _OUTPUT.reset(output_token)
        _ENVIRONMENT.reset(environment_token)
