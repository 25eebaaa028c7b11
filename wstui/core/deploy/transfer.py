"""Sending an object to S3 with word of how far it got, and of every request sent again.

One `put_object` says nothing until it ends: a 200 MB archive on a slow link looked like a hang, and a
stalled connection waited out every retry in silence. s3transfer (boto3's own upload machinery) counts
the bytes as the connection sends them (rewinding when a request goes again) and sends a large body in
parts, each retried alone; botocore's events tell when a request goes again, and why. s3transfer works
in threads of its own: what they report goes through a queue to this generator, which yields it as
events, so the caller renders them from its own thread as it does every other event.
"""

from __future__ import annotations

import io
import queue
import time
from collections.abc import Callable, Iterator
from typing import Any

from wstui.core.deploy.events import UploadProgress, UploadRetrying

PROGRESS_EVERY = 0.2  # seconds between two progress events: neither a terminal nor the app redraws faster
FAILURE = "wstui-upload-failure"  # where a failed attempt's reason waits, in botocore's request context
WATCHER = "wstui-upload-retries"


def send(
    s3: Any, bucket: str, key: str, body: bytes, clock: Callable[[], float] = time.monotonic
) -> Iterator[UploadProgress | UploadRetrying]:
    """Upload `body`; yields progress, and a notice before each request that goes again. Raises what
    the upload raised (botocore's errors, for `explained` to word)."""
    from s3transfer.manager import TransferManager
    from s3transfer.subscribers import BaseSubscriber

    reports: queue.Queue[int | UploadRetrying | None] = queue.Queue()

    class Reporter(BaseSubscriber):
        def on_progress(self, future: Any, bytes_transferred: int, **kwargs: Any) -> None:
            reports.put(bytes_transferred)

        def on_done(self, future: Any, **kwargs: Any) -> None:
            reports.put(None)

    attempts = int((s3.meta.config.retries or {}).get("total_max_attempts", 0))

    def retrying(request: Any, **kwargs: Any) -> None:
        attempt = int(request.context.get("retries", {}).get("attempt", 1))
        if attempt > 1:
            reason = request.context.get(FAILURE, "no answer")
            reports.put(UploadRetrying(bucket, key, attempt, attempts, reason))

    events = s3.meta.events
    events.register("response-received.s3", _remember_failure, unique_id=FAILURE)
    events.register("request-created.s3", retrying, unique_id=WATCHER)
    try:
        with TransferManager(s3) as manager:
            future = manager.upload(io.BytesIO(body), bucket, key, subscribers=[Reporter()])
            yield from _reported(reports, bucket, key, len(body), clock)
            future.result()
    finally:
        events.unregister("request-created.s3", unique_id=WATCHER)
        events.unregister("response-received.s3", unique_id=FAILURE)


def _reported(
    reports: queue.Queue[int | UploadRetrying | None], bucket: str, key: str, size: int, clock: Callable[[], float]
) -> Iterator[UploadProgress | UploadRetrying]:
    """What the upload's threads report, until it is done: byte counts summed into a progress event
    every PROGRESS_EVERY seconds, notices of retries as they come."""
    sent, shown, last = 0, -1, clock()
    while (report := reports.get()) is not None:
        if isinstance(report, UploadRetrying):
            yield report
            continue
        sent += report
        if clock() - last >= PROGRESS_EVERY:
            yield UploadProgress(bucket, key, sent, size)
            shown, last = sent, clock()
    if sent != shown:
        yield UploadProgress(bucket, key, sent, size)


def _remember_failure(context: dict[str, Any], exception: Exception | None, parsed_response: Any, **kwargs: Any) -> None:
    """Keep why an attempt failed where the next attempt's request can read it."""
    error = (parsed_response or {}).get("Error", {}) if exception is None else {}
    if exception is not None:
        context[FAILURE] = str(exception)
    elif error:
        context[FAILURE] = f"{error.get('Code', '')}: {error.get('Message', '')}".strip(": ")
