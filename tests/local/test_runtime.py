"""The warm handler runtime, apart from the gateway."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from botocore.config import Config

from wstui.core.local.isolation import Isolation
from wstui.core.local.runtime import HandlerRuntime, InvocationResult
from wstui.core.local.spec import FunctionSpec


def test_clients_made_while_it_runs_keep_a_connection_per_handler_thread(tmp_path: Path) -> None:
    before = Config.OPTION_DEFAULTS["max_pool_connections"]
    runtime = HandlerRuntime(tmp_path, "us-east-1", max_workers=48)
    runtime.start([])
    try:
        assert Config().max_pool_connections == 48
    finally:
        runtime.close()
    assert Config.OPTION_DEFAULTS["max_pool_connections"] == before


T = TypeVar("T")

HANDLERS = '''\
import sys
import threading

gate = threading.Event()


def ok(event, context):
    print("got", event["n"])
    return {"statusCode": 200, "remaining": context.get_remaining_time_in_millis()}


def raises(event, context):
    raise ValueError("bad input")


def interrupts(event, context):
    raise KeyboardInterrupt


def exits(event, context):
    sys.exit(2)


def blocks(event, context):
    gate.wait(10)
    return "done"


failed = threading.Event()


def raises_late(event, context):
    gate.wait(10)
    try:
        raise ValueError("after the timeout")
    finally:
        failed.set()
'''


def spec(function: str, timeout: float = 5, module: str = "handlers_rt") -> FunctionSpec:
    return FunctionSpec(f"F{function}", module, function, timeout, 128, {})


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[HandlerRuntime]:
    (tmp_path / "handlers_rt.py").write_text(HANDLERS)
    running = HandlerRuntime(tmp_path, "us-east-1", max_workers=1)
    running.start(["handlers_rt"])
    yield running
    if "handlers_rt" in sys.modules:
        sys.modules["handlers_rt"].gate.set()
    running.close()


def isolated(calls: Awaitable[T]) -> T:
    """Run with what a handler prints routed to its call's output, as LocalService does. Installed in
    the test's own phase: pytest puts its capture back on sys.stdout between a fixture and the test."""
    isolation = Isolation({})
    isolation.install()
    try:
        return asyncio.run(calls)
    finally:
        isolation.uninstall()


def invoke(runtime: HandlerRuntime, function_spec: FunctionSpec, event: dict | None = None, timeout: float | None = None) -> InvocationResult:
    return isolated(runtime.invoke(function_spec, event or {"n": 1}, timeout))


def test_a_call_returns_what_the_handler_returned_and_keeps_what_it_printed(runtime: HandlerRuntime) -> None:
    result = invoke(runtime, spec("ok"), {"n": 7})
    assert result.ok and result.response["statusCode"] == 200 and 0 < result.response["remaining"] <= 5000
    assert result.output == "got 7\n"


@pytest.mark.parametrize(("function", "last_line"), [
    ("raises", "ValueError: bad input"),
    ("interrupts", "KeyboardInterrupt"),
    ("exits", "SystemExit: 2"),
])
def test_what_a_handler_raises_is_an_error_result_with_its_own_frames(runtime: HandlerRuntime, function: str, last_line: str) -> None:
    result = invoke(runtime, spec(function))
    assert result.status == "error" and result.response is None
    assert result.error.rstrip().splitlines()[-1] == last_line
    assert "handlers_rt.py" in result.error and "runtime.py" not in result.error


@pytest.mark.parametrize(("handler", "message"), [
    (spec("ok", module="handlers_missing"), "ModuleNotFoundError: No module named 'handlers_missing'"),
    (spec("nope"), "AttributeError: module 'handlers_rt' has no attribute 'nope'"),
])
def test_a_handler_that_cannot_be_found_is_an_error_result(runtime: HandlerRuntime, handler: FunctionSpec, message: str) -> None:
    result = invoke(runtime, handler)
    assert result.status == "error" and message in result.error


def test_a_call_past_its_timeout_is_a_timeout_and_one_that_never_started_is_waited(runtime: HandlerRuntime) -> None:
    async def both() -> tuple[InvocationResult, InvocationResult]:
        running = asyncio.ensure_future(runtime.invoke(spec("blocks"), {}, 0.5))
        queued = asyncio.ensure_future(runtime.invoke(spec("ok"), {"n": 2}, 0.2))
        return await running, await queued

    timed_out, waited = isolated(both())
    assert timed_out.status == "timeout" and timed_out.error == "Task timed out after 0.50 seconds"
    assert waited.status == "waited" and "all 1 were busy" in waited.error and waited.output == ""
    sys.modules["handlers_rt"].gate.set()
    assert invoke(runtime, spec("ok"), {"n": 3}).output == "got 3\n", "the abandoned call never printed 'got 2'"


def test_reload_forgets_the_projects_modules_so_the_next_call_reads_the_file(runtime: HandlerRuntime, tmp_path: Path) -> None:
    assert invoke(runtime, spec("ok")).ok
    (tmp_path / "handlers_rt.py").write_text(HANDLERS.replace('print("got"', 'print("now"'))
    assert runtime.reload() == ["handlers_rt"]
    assert invoke(runtime, spec("ok"), {"n": 4}).output == "now 4\n"


def test_a_patient_call_waits_for_a_thread_as_long_as_it_takes_and_then_runs(runtime: HandlerRuntime) -> None:
    """$disconnect is patient: nobody waits on it, and dropping it would leave its row behind."""
    async def both() -> tuple[InvocationResult, InvocationResult]:
        holding = asyncio.ensure_future(runtime.invoke(spec("blocks"), {}, 0.5))
        patient = asyncio.ensure_future(runtime.invoke(spec("ok"), {"n": 5}, 0.2, patient=True))
        timed_out = await holding  # by now the patient call has waited past its own 0.2 s
        sys.modules["handlers_rt"].gate.set()
        return timed_out, await patient

    timed_out, patient = isolated(both())
    assert timed_out.status == "timeout"
    assert patient.ok and patient.output == "got 5\n"


def test_a_call_that_fails_after_its_timeout_leaves_no_unretrieved_error(runtime: HandlerRuntime, caplog: pytest.LogCaptureFixture) -> None:
    async def late_failure() -> InvocationResult:
        result = await runtime.invoke(spec("raises_late"), {}, 0.2)
        sys.modules["handlers_rt"].gate.set()
        await asyncio.get_running_loop().run_in_executor(None, sys.modules["handlers_rt"].failed.wait, 10)
        return result

    assert isolated(late_failure()).status == "timeout"
    gc.collect()  # asyncio reports an error nobody retrieved when the future is collected
    assert "never retrieved" not in caplog.text
