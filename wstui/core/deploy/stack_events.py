"""Stack events as they happen: polled, de-duplicated by EventId, in the order they occurred.

Events that existed before an operation began are marked as seen first, so the stream shows this
operation only, whatever the clocks of this machine and of AWS say. Following has an overall deadline:
a stack operation can outlast any terminal session, and it goes on in CloudFormation whether or not
anyone watches, so past the deadline the stream says so and ends rather than polling forever. For the
same reason, AWS failing to answer while the stream follows (a lost network, an expired session, a
5xx) is told as `FollowingLost`, which says that the operation goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from wstui.core.deploy.aws import AwsClients, AwsError, explained
from wstui.core.deploy.events import FollowingStopped, ResourceFailure, StackEvent
from wstui.core.errors import Remedy, Words, WstuiError, told

SUCCESS = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"}
CANCELLED = ("Resource creation cancelled", "Resource update cancelled", "Resource deletion cancelled")
STACK_TYPE = "AWS::CloudFormation::Stack"
POLL_INTERVAL = 2.0
# Longer than this stack's operations take (a few minutes, a rollback included), short enough that a
# script waiting on `wstui deploy` learns in the same half hour that something is wrong.
FOLLOW_DEADLINE = 1800.0
OPERATION_GOES_ON = "The stack operation goes on in CloudFormation."
OPERATION_STARTS = {"CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "IMPORT_IN_PROGRESS"}


class FollowingLost(AwsError):
    """AWS stopped answering while wstui followed a stack operation whose end it had not seen: what
    AWS said (`cause`, with its own remedies), then that the operation goes on."""

    def __init__(self, cause: WstuiError) -> None:
        super().__init__(f"{cause} {OPERATION_GOES_ON}", Remedy.FOLLOW_STACK)
        self.cause = cause

    def told(self, words: Words) -> str:
        return told(f"{self.cause.told(words)} {OPERATION_GOES_ON}", self.remedies, words)


def is_terminal(status: str) -> bool:
    return bool(status) and not status.endswith("_IN_PROGRESS")


def is_failed(status: str) -> bool:
    """The stack's last operation failed, whether or not its rollback did."""
    return status.endswith("_FAILED") or status.endswith("ROLLBACK_COMPLETE")


def last_operation(newest_first: list[dict[str, Any]], stack_name: str) -> list[dict[str, Any]]:
    """The events of the stack's last operation, from a page of its events (newest first): those down
    to the stack's own event that began it."""
    for index, raw in enumerate(newest_first):
        began = raw.get("ResourceStatus") in OPERATION_STARTS and raw.get("ResourceType") == STACK_TYPE
        if began and raw.get("LogicalResourceId") == stack_name:
            return newest_first[: index + 1]
    return newest_first


def oldest_first(newest_first: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events in the order they happened. AWS lists them newest first; reversed before sorting, events
    of the same millisecond keep their true order."""
    return sorted(reversed(newest_first), key=lambda event: event["Timestamp"])


class StackEventStream:
    """Follow one stack operation: `mark()` before it starts, then iterate `follow()` until it ends."""

    def __init__(
        self, clients: AwsClients, stack_id: str, total: int, sleep: Callable[[float], None], interval: float,
        started_here: bool = True, deadline: float = FOLLOW_DEADLINE, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`started_here`: this stream follows an operation it has just started, so the stack's status is
        believed only once one of that operation's events has arrived; just after the call, the status
        may still be the previous operation's. `deadline`: seconds of `clock` after which `follow()`
        stops, ending with `FollowingStopped`, while the operation goes on."""
        self.clients = clients
        self.stack_id = stack_id
        self.total = total
        self.sleep = sleep
        self.interval = interval
        self.final_status = ""
        self.started_here = started_here
        self.deadline = deadline
        self.clock = clock
        self.stopped_following = False
        self._seen: set[str] = set()
        self._started: datetime | None = None
        self._first_seen: dict[str, datetime] = {}
        self._finished: dict[str, datetime] = {}
        self._failures: list[ResourceFailure] = []

    def mark(self) -> list[dict[str, Any]]:
        """Take the newest page of events as seen, and return it (newest first)."""
        with explained("reading stack events"):
            page = self.clients.cloudformation.describe_stack_events(StackName=self.stack_id)
        events: list[dict[str, Any]] = page.get("StackEvents", [])
        self._seen.update(event["EventId"] for event in events)
        return events

    def follow(self) -> Iterator[StackEvent | FollowingStopped]:
        """The operation's events until it ends, or until the deadline. AWS failing to answer ends the
        stream with `FollowingLost`, unless the operation's end was seen already: then only some of
        its last events are missing, and what it came to is known."""
        try:
            yield from self._poll()
        except AwsError as error:
            if not self.final_status:
                raise FollowingLost(error) from None

    def replay(self, newest_first: list[dict[str, Any]]) -> None:
        """Take in the events of an operation that ended before anyone followed it, for its outcome
        (`final_status`, `failures`) without showing them again."""
        for _ in self._records(oldest_first(newest_first)):
            pass

    def _poll(self) -> Iterator[StackEvent | FollowingStopped]:
        began = self.clock()
        while True:
            arrived = self._new_events()
            yield from self._records(arrived)
            if self.final_status:
                return
            status = ""
            if not arrived and (self._started is not None or not self.started_here):
                status = self._current_status()
                if is_terminal(status):
                    self.final_status = status
                    yield from self._records(self._new_events())  # what came between the two calls
                    return
            if self.clock() - began >= self.deadline:
                self.stopped_following = True
                yield FollowingStopped(self._stack_name(), self.deadline, status or self._current_status())
                return
            self.sleep(self.interval)

    def _records(self, arrived: list[dict[str, Any]]) -> Iterator[StackEvent]:
        for raw in arrived:
            event = self._record(raw)
            yield event
            if event.is_stack and event.logical_id == self._stack_name() and is_terminal(event.status):
                self.final_status = event.status

    @property
    def succeeded(self) -> bool:
        return self.final_status in SUCCESS

    @property
    def failures(self) -> tuple[ResourceFailure, ...]:
        """What failed and why, without the resources CloudFormation merely cancelled after the first failure."""
        return tuple(f for f in self._failures if not f.reason.startswith(CANCELLED))

    def durations(self) -> tuple[tuple[str, float], ...]:
        """Seconds each resource took from its first event to its last completion, longest first."""
        rows = [
            (logical_id, (finished - self._first_seen[logical_id]).total_seconds())
            for logical_id, finished in self._finished.items()
        ]
        return tuple(sorted(rows, key=lambda row: (-row[1], row[0])))

    def _stack_name(self) -> str:
        return self.stack_id.split("/")[1] if self.stack_id.startswith("arn:") else self.stack_id

    def _new_events(self) -> list[dict[str, Any]]:
        fresh: list[dict[str, Any]] = []
        with explained("reading stack events"):
            paginator = self.clients.cloudformation.get_paginator("describe_stack_events")
            for page in paginator.paginate(StackName=self.stack_id):
                events = page.get("StackEvents", [])
                unseen = [event for event in events if event["EventId"] not in self._seen]
                fresh.extend(unseen)
                if len(unseen) < len(events):
                    break
        self._seen.update(event["EventId"] for event in fresh)
        return oldest_first(fresh)

    def _current_status(self) -> str:
        with explained("reading the stack's status"):
            stacks = self.clients.cloudformation.describe_stacks(StackName=self.stack_id)["Stacks"]
        return str(stacks[0]["StackStatus"]) if stacks else ""

    def _record(self, raw: dict[str, Any]) -> StackEvent:
        logical_id = raw.get("LogicalResourceId", "")
        resource_type = raw.get("ResourceType", "")
        status = raw.get("ResourceStatus", "")
        reason = raw.get("ResourceStatusReason", "")
        timestamp: datetime = raw["Timestamp"]
        if self._started is None:
            self._started = timestamp
        if resource_type != STACK_TYPE:
            self._first_seen.setdefault(logical_id, timestamp)
            if status in SUCCESS:
                self._finished.setdefault(logical_id, timestamp)
            if status.endswith("_FAILED"):
                self._failures.append(ResourceFailure(logical_id, resource_type, status, reason))
        done = len(self._finished) + len({f.logical_id for f in self._failures} - set(self._finished))
        if resource_type == STACK_TYPE and logical_id == self._stack_name() and status in SUCCESS:
            done = self.total  # every resource is done once the stack is, reported or not (moto reports none)
        return StackEvent(
            logical_id=logical_id,
            resource_type=resource_type,
            status=status,
            reason=reason,
            timestamp=timestamp,
            elapsed=(timestamp - self._started).total_seconds(),
            done=min(done, self.total),
            total=self.total,
        )
