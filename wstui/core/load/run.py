"""A load run from start to report, for any renderer: `run()` blocks and reports events through a
callback; `stop()` (from another thread, or a signal handler) ends it early, with the report so far.

The run starts its drivers (a thread, or one process per worker), merges what they send into one
tally, and steers them: when the duration has passed (or stop() was called, or nothing is left to
measure) it tells them to send no more, waits up to the plan's `drain` for deliveries still on their
way, then has them close every connection. The CLI runs it in its main thread; the app in a worker
thread, posting each event as a message.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from wstui.core.errors import WstuiError
from wstui.core.load.driver import TICK, Control
from wstui.core.load.events import LoadEvent, LoadFinished, LoadStarted, LoadStopping
from wstui.core.load.files import raise_open_files_limit
from wstui.core.load.pacing import ThreadArray, pacing_slots
from wstui.core.load.payload import MessageIds
from wstui.core.load.plan import LoadPlan
from wstui.core.load.reach import check_reachable
from wstui.core.load.report import LoadReport, StopReason
from wstui.core.load.samples import SampleBatch
from wstui.core.load.tally import Tally
from wstui.core.load.workers import drive, worker_process

JOIN_TIMEOUT = 15.0


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Start worker processes with SIGINT ignored, a disposition they keep from their first instruction:
    a Ctrl-C while one is still importing would otherwise print its KeyboardInterrupt traceback. Only
    the main thread may change signal handlers; elsewhere each worker ignores SIGINT as it starts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class LoadError(WstuiError):
    """A driver failed in a way no client explains (a bug, a worker that died)."""


@dataclass
class _Workers:
    control: Control
    batches: Any  # queue.Queue or multiprocessing's Queue: both have get(timeout=)
    alive: Callable[[int], bool]
    join: Callable[[], None]
    # The shared pacing array: kept here until the workers end, since Process.start() lets go of its
    # arguments and a semaphore the parent drops is gone before a spawned child can open it.
    pacing: Any


class LoadRun:
    """One run of `plan`. `on_event` is called from the thread that called `run()`. `clock` must read the
    same in every process of the machine (time.monotonic does), since worker processes time with it too."""

    def __init__(self, plan: LoadPlan, on_event: Callable[[LoadEvent], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.plan = plan
        self.on_event = on_event
        self.clock = clock
        self._stops = 0

    def stop(self) -> None:
        """End the run early: the first call drains and closes as at the end, a second closes at once.
        Safe from any thread and from a signal handler."""
        self._stops += 1

    def run(self) -> LoadReport:
        plan = self.plan
        check_reachable(plan.target.url)
        files = raise_open_files_limit(len(plan.clients_of(0)))
        run_id = MessageIds.new_run()
        started = self.clock()
        workers = self._start(run_id)
        self.on_event(LoadStarted(plan.target.shown_url, plan.connections, plan.workers, files))
        tally = Tally(plan, started)
        failures: list[str] = []
        try:
            reason = self._steer(tally, workers, failures)
        finally:
            workers.join()
        report = tally.report(self.clock(), reason)
        self.on_event(LoadFinished(report))
        if failures:
            raise LoadError(f"The load run failed: {failures[0]}")
        return report

    def _start(self, run_id: str) -> _Workers:
        plan = self.plan
        if plan.workers == 1:
            pacing = ThreadArray(pacing_slots(plan.rate))
            control = Control(threading.Event(), threading.Event(), threading.Event())
            batches: queue.Queue[SampleBatch] = queue.Queue()
            thread = threading.Thread(target=drive, args=(plan, 0, run_id, pacing, control, batches.put, self.clock),
                                      name="wstui-load", daemon=True)
            thread.start()
            return _Workers(control, batches, lambda _w: thread.is_alive(), lambda: thread.join(JOIN_TIMEOUT), pacing)
        context = multiprocessing.get_context("spawn")
        shared_pacing = context.Array("d", pacing_slots(plan.rate))
        control = Control(context.Event(), context.Event(), context.Event())
        shared = context.Queue()
        processes = [
            context.Process(target=worker_process, args=(plan, w, run_id, shared_pacing, control, shared.put, self.clock),
                            name=f"wstui-load-{w}", daemon=True)
            for w in range(plan.workers)
        ]
        with _sigint_ignored():
            for process in processes:
                process.start()

        def join() -> None:
            for process in processes:
                process.join(JOIN_TIMEOUT)
                if process.is_alive():
                    process.kill()

        return _Workers(control, shared, lambda w: processes[w].is_alive(), join, shared_pacing)

    def _steer(self, tally: Tally, workers: _Workers, failures: list[str]) -> StopReason:
        """Merge batches and move the drivers on, phase by phase; why the run ended."""
        plan = self.plan
        done: set[int] = set()
        ready: set[int] = set()
        quiet: set[int] = set()
        quiet_at: float | None = None
        reason: StopReason | None = None
        next_tick = tally.started + TICK
        while len(done) < plan.workers:
            try:
                batch: SampleBatch | None = workers.batches.get(timeout=max(0.01, min(next_tick - self.clock(), TICK)))
            except queue.Empty:
                batch = None
            if batch is not None:
                tally.add(batch)
                ready |= {batch.worker} if batch.ready else set()
                if len(ready) == plan.workers:
                    workers.control.start.set()
                quiet |= {batch.worker} if batch.quiet else set()
                done |= {batch.worker} if batch.done else set()
                if batch.failure:
                    failures.append(batch.failure)
            now = self.clock()
            if now < next_tick:
                continue
            next_tick = now + TICK
            self.on_event(tally.snapshot(now))
            for worker in set(range(plan.workers)) - done:
                if not workers.alive(worker):
                    done.add(worker)
                    failures.append(f"worker {worker} ended without a word.")
            if reason is None:
                reason = self._reason(tally, now)
                if reason is not None:
                    workers.control.quiet.set()
                    quiet_at = now
                    self.on_event(LoadStopping(reason, plan.drain))
            elif quiet_at is not None and not workers.control.close.is_set() and (
                self._stops > 1 or now - quiet_at >= plan.drain
                or (len(quiet) == plan.workers and tally.outstanding() == 0)
            ):
                workers.control.close.set()
        return reason or StopReason.STOPPED

    def _reason(self, tally: Tally, now: float) -> StopReason | None:
        if self._stops:
            return StopReason.STOPPED
        if tally.finished >= self.plan.connections:
            return StopReason.ALL_ENDED if self.plan.scenario is None else StopReason.SCENARIO
        if tally.first_attempt is not None and now - tally.first_attempt >= self.plan.duration:
            return StopReason.DURATION
        return None
