"""Where a driver runs: a thread of this process for one worker, a process of its own for each of several.

A worker process starts by `spawn`: a fresh interpreter that inherits no threads, locks or event loop
from its parent (a Textual app's, say). It ignores SIGINT: a terminal's Ctrl-C reaches the whole
process group, and the parent, not each worker, decides how the run ends.
"""

from __future__ import annotations

import asyncio
import signal
import traceback
from collections.abc import Callable

from wstui.core.load.driver import Control, Driver
from wstui.core.load.files import raise_open_files_limit
from wstui.core.load.pacing import SharedArray
from wstui.core.load.plan import LoadPlan
from wstui.core.load.samples import SampleBatch


def drive(plan: LoadPlan, worker: int, run_id: str, pacing: SharedArray, control: Control,
          deliver: Callable[[SampleBatch], None], clock: Callable[[], float]) -> None:
    """Run one driver to its end; a failure of the driver itself arrives as its last batch."""
    try:
        asyncio.run(Driver(plan, worker, run_id, pacing, control, deliver, clock).run())
    except Exception as error:  # noqa: BLE001 (the run reports it; a worker has no one else to tell)
        deliver(SampleBatch(worker, quiet=True, done=True, failure="".join(traceback.format_exception_only(error)).strip()))


def worker_process(plan: LoadPlan, worker: int, run_id: str, pacing: SharedArray, control: Control,
                   deliver: Callable[[SampleBatch], None], clock: Callable[[], float]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise_open_files_limit(len(plan.clients_of(worker)))
    drive(plan, worker, run_id, pacing, control, deliver, clock)
