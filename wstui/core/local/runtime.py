"""The warm handler runtime: handlers imported once, called in threads, reloaded when files change.

A handler is a plain `def handle(event, context)` written for Lambda. It runs in a thread of a pool
so a slow one never blocks the gateway, with its function's environment and its own log (see
`isolation.py`), and under its function's timeout: past it the caller gets a timeout result at once
(Lambda would stop the function; a thread cannot be stopped, so it finishes in the background).

Whatever a handler raises, `KeyboardInterrupt` and `SystemExit` included, is that invocation's error:
in Lambda an invocation cannot stop the service, and here all handlers share one process with the
gateway. A call still waiting for a free thread when its deadline passes never runs: the caller has
given up on it, and a `$connect` that ran after its client had been refused would leave a row no
`$disconnect` removes.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wstui.core.errors import Remedy
from wstui.core.local.isolation import run_isolated
from wstui.core.local.spec import FunctionSpec, function_arn

INSTALLED_PARTS = frozenset({"site-packages", "dist-packages"})


@dataclass(frozen=True)
class InvocationResult:
    """How one call of a handler went: status is "ok", "error", "timeout", or "waited" when no
    handler thread was free before the deadline and the handler never ran."""

    function: str
    status: str
    response: Any
    error: str
    output: str
    duration_ms: float
    cold_start: bool = False
    """Whether this call paid the latency profile's cold start (its duration includes it)."""

    @property
    def remedies(self) -> tuple[Remedy, ...]:
        """What the developer can do about this result, for the CLI and the app to word."""
        return (Remedy.HANDLER_THREADS,) if self.status == "waited" else ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class LambdaContext:
    """The parts of Lambda's context object handlers use."""

    function_name: str
    memory_limit_in_mb: int
    timeout: float
    aws_request_id: str
    invoked_function_arn: str
    started: float

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.started + self.timeout - time.monotonic()) * 1000))


class HandlerRuntime:
    """Calls the project's handlers, keeping their modules loaded between calls."""

    def __init__(self, project_dir: Path, region: str, max_workers: int = 64) -> None:
        self.project_dir = project_dir.resolve()
        self.region = region
        self.max_workers = max_workers
        self.cold_start = 0.0
        """Seconds a function's first call waits (a latency profile's cold start), in its own thread."""
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="wstui-handler")
        self._handlers: dict[tuple[str, str], Callable[..., Any]] = {}
        self._warm: set[str] = set()
        self._lock = threading.Lock()
        self._pool_default: int | None = None

    def start(self, modules: list[str]) -> None:
        """Put the project first on the import path; forget same-named modules of another project."""
        packages = {name.split(".")[0] for name in modules}
        for name, module in list(sys.modules.items()):
            if name.split(".")[0] in packages and not self._is_project_module(module):
                del sys.modules[name]
        if str(self.project_dir) not in sys.path:
            sys.path.insert(0, str(self.project_dir))
        self._pool_default = _set_botocore_pool_size(self.max_workers)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._pool_default is not None:
            _set_botocore_pool_size(self._pool_default)
            self._pool_default = None
        self.reload()
        if str(self.project_dir) in sys.path:
            sys.path.remove(str(self.project_dir))

    def reload(self) -> list[str]:
        """Forget every module loaded from the project, so the next call imports the files afresh."""
        with self._lock:
            self._handlers.clear()
            self._warm.clear()
            stale = [name for name, module in list(sys.modules.items()) if self._is_project_module(module)]
            for name in stale:
                del sys.modules[name]
            importlib.invalidate_caches()
        return sorted(stale)

    def _is_project_module(self, module: Any) -> bool:
        """A module of the project's own code; packages installed in a virtual environment inside the
        project directory (site-packages) are not, and must never be dropped."""
        path = getattr(module, "__file__", None)
        if not path:
            return False
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.project_dir):
            return False
        return not INSTALLED_PARTS.intersection(resolved.relative_to(self.project_dir).parts)

    async def invoke(
        self, spec: FunctionSpec, event: dict[str, Any], timeout: float | None = None, patient: bool = False
    ) -> InvocationResult:
        """Call the handler; past `timeout` (default: the function's own) the result is a timeout.

        The timeout counts from the call's submission, and a call still waiting for a free thread
        when it passes never runs: its caller has given up. A `patient` call is one nobody waits on
        ($disconnect, whose client has gone): it waits for a thread as long as it takes, since
        dropping it would leave what it cleans up behind, and its timeout counts from its start.
        """
        limit = spec.timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        output = io.StringIO()
        started = time.monotonic()
        began = asyncio.Event()
        ticket = Ticket(lambda: loop.call_soon_threadsafe(began.set)) if patient else Ticket()
        future = loop.run_in_executor(self._pool, self._call, spec, event, output.write, ticket)
        # A call given up on (timed out) may still fail later: its error is taken here, not reported
        # by asyncio as "Future exception was never retrieved".
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
        counted_from = started
        if patient:
            waiting = asyncio.ensure_future(began.wait())
            await asyncio.wait([future, waiting], return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            counted_from = ticket.started_at or time.monotonic()
        try:
            response = await asyncio.wait_for(asyncio.shield(future), timeout=max(0.0, counted_from + limit - time.monotonic()))
        except TimeoutError:
            if ticket.abandon():
                waited = (
                    f"Waited {limit:.2f} seconds for a free handler thread (all {self.max_workers} were busy): "
                    "the handler did not run."
                )
                return self._result(spec, "waited", None, waited, output, started)
            return self._result(spec, "timeout", None, f"Task timed out after {limit:.2f} seconds", output, started, ticket.cold)
        except HandlerFailed as failure:
            return self._result(spec, "error", None, failure.traceback, output, started, ticket.cold)
        return self._result(spec, "ok", response, "", output, started, ticket.cold)

    def _result(
        self, spec: FunctionSpec, status: str, response: Any, error: str, output: io.StringIO, started: float, cold: bool = False
    ) -> InvocationResult:
        duration = (time.monotonic() - started) * 1000
        return InvocationResult(spec.logical_id, status, response, error, output.getvalue(), duration, cold)

    def _call(self, spec: FunctionSpec, event: dict[str, Any], sink: Callable[[str], Any], ticket: Ticket) -> Any:
        if not ticket.start():
            return None
        if self.cold_start and self._first_call(spec.logical_id):
            ticket.cold = True
            time.sleep(self.cold_start)
        context = LambdaContext(
            function_name=spec.logical_id,
            memory_limit_in_mb=spec.memory,
            timeout=spec.timeout,
            aws_request_id=str(uuid.uuid4()),
            invoked_function_arn=function_arn(self.region, spec.logical_id),
            started=time.monotonic(),
        )

        def call() -> Any:
            try:
                return self._handler(spec)(event, context)
            except BaseException as error:  # noqa: BLE001 (an invocation must never stop the gateway)
                raise HandlerFailed(_handler_traceback(error)) from None

        return run_isolated(spec.environment, sink, call)

    def _first_call(self, function: str) -> bool:
        """Whether this is the function's first call since the start or the last reload: the one that
        pays the cold start, as the first call to a new Lambda instance does (later ones are warm)."""
        with self._lock:
            first = function not in self._warm
            self._warm.add(function)
        return first

    def _handler(self, spec: FunctionSpec) -> Callable[..., Any]:
        key = (spec.module, spec.function)
        found = self._handlers.get(key)
        if found is None:
            module = importlib.import_module(spec.module)
            found = getattr(module, spec.function)
            self._handlers[key] = found
        return found


class HandlerFailed(Exception):
    """What a handler raised, as a plain error carrying its traceback: a `BaseException` that left the
    handler thread as itself would end the event loop awaiting it."""

    def __init__(self, traceback_text: str) -> None:
        super().__init__(traceback_text)
        self.traceback = traceback_text


class Ticket:
    """Whether a call submitted to the pool may still start. The waiting side abandons it at its
    deadline; a call that finds itself abandoned never runs. The lock makes the two exclusive.
    `on_start` is called, in the handler thread, when the call starts."""

    def __init__(self, on_start: Callable[[], object] | None = None) -> None:
        self._lock = threading.Lock()
        self._state = "waiting"
        self._on_start = on_start
        self.started_at: float | None = None
        self.cold = False

    def start(self) -> bool:
        with self._lock:
            if self._state == "abandoned":
                return False
            self._state = "started"
            self.started_at = time.monotonic()
        if self._on_start is not None:
            self._on_start()
        return True

    def abandon(self) -> bool:
        """True when the call had not started (and now never will)."""
        with self._lock:
            if self._state != "waiting":
                return False
            self._state = "abandoned"
            return True


def _set_botocore_pool_size(size: int) -> int:
    """Let every boto3 client made while the runtime runs keep as many connections as there are
    handler threads. botocore keeps 10 by default: past that, each call to the local DynamoDB opened
    a new TCP connection and dropped it after, which cost more than the call. In Lambda each instance
    runs one invocation at a time, so the default never bites there. Returns the size it replaced."""
    from botocore.config import Config

    previous = int(Config.OPTION_DEFAULTS["max_pool_connections"])
    Config.OPTION_DEFAULTS["max_pool_connections"] = size
    return previous


def _handler_traceback(error: BaseException) -> str:
    """The traceback from the handler's own frames on: the runtime's frames say nothing to the user."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = {__file__, run_isolated.__code__.co_filename}
    last_ours = max((index for index, frame in enumerate(frames) if frame.filename in ours), default=-1)
    kept = traceback.StackSummary.from_list(frames[last_ours + 1:])
    lines = ["Traceback (most recent call last):\n", *kept.format(), *traceback.format_exception_only(error)]
    return "".join(lines)
