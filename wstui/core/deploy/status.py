"""`wstui status`: where the stack stands, what it outputs, and what happened to it last."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wstui.core.deploy.aws import AwsClients, explained
from wstui.core.deploy.change_set import StackState, stack_state
from wstui.core.deploy.events import FollowingStopped, StackEvent
from wstui.core.deploy.stack_events import FOLLOW_DEADLINE, StackEventStream


@dataclass(frozen=True)
class RecentEvent:
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str


@dataclass(frozen=True)
class StackStatus:
    """`status` is empty when the stack does not exist."""

    stack_name: str
    status: str
    outputs: dict[str, str]
    events: tuple[RecentEvent, ...]
    stack_id: str = ""


def stack_status(clients: AwsClients, stack_name: str, limit: int = 10) -> StackStatus:
    state = stack_state(clients, stack_name)
    if not state.status:
        return StackStatus(stack_name, "", {}, ())
    with explained(f"reading the events of {stack_name}"):
        page = clients.cloudformation.describe_stack_events(StackName=state.stack_id)
    return _status(state, page.get("StackEvents", []), limit)


def _status(state: StackState, newest_first: list[dict[str, Any]], limit: int = 10) -> StackStatus:
    events = tuple(
        RecentEvent(
            raw["Timestamp"], raw.get("LogicalResourceId", ""), raw.get("ResourceType", ""),
            raw.get("ResourceStatus", ""), raw.get("ResourceStatusReason", ""),
        )
        for raw in reversed(newest_first[:limit])
    )
    return StackStatus(state.name, state.status, state.outputs or {}, events, state.stack_id)


def follow_stack(
    clients: AwsClients, stack_name: str, sleep: Callable[[float], None], interval: float,
    deadline: float = FOLLOW_DEADLINE, clock: Callable[[], float] = time.monotonic,
) -> tuple[StackStatus, Iterator[StackEvent | FollowingStopped]]:
    """The status now, and the events of the operation under way until it ends (none if none is), or
    until `deadline` seconds have passed (then `FollowingStopped`).

    The page of events the stream marks as seen is the one the status shows, so each event shows
    once, in the status or in the stream."""
    state = stack_state(clients, stack_name)
    if not state.busy:
        return stack_status(clients, stack_name), iter(())
    stream = StackEventStream(clients, state.stack_id, 0, sleep, interval, started_here=False, deadline=deadline, clock=clock)
    return _status(state, stream.mark()), stream.follow()
