"""`wstui status`: where the stack stands, what it outputs, and what happened to it last."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wstui.core.deploy.aws import AwsClients, explained
from wstui.core.deploy.change_set import StackState, stack_state
from wstui.core.deploy.events import DeployEvent, Following, OperationFailed, OutputsSaved
from wstui.core.deploy.outcome import outcome, save_stack_outputs
from wstui.core.deploy.stack_events import FOLLOW_DEADLINE, SUCCESS, StackEventStream, is_failed, last_operation


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
    clients: AwsClients, stack_name: str, directory: Path, sleep: Callable[[float], None], interval: float,
    deadline: float = FOLLOW_DEADLINE, clock: Callable[[], float] = time.monotonic,
) -> tuple[StackStatus, Iterator[DeployEvent]]:
    """The status now, then what `wstui deploy` would have told of the operation under way: `Following`,
    its events, and its outcome (`OperationFailed`; `Deployed`, with the outputs saved in `directory`;
    or `FollowingStopped` after `deadline` seconds). With none under way, the outcome of the last one,
    which may have ended while nobody watched: `OperationFailed` if it failed, else `OutputsSaved`.

    The page of events the stream marks as seen is the one the status shows, so each event shows
    once, in the status or in the stream."""
    state = stack_state(clients, stack_name)
    if not state.status:
        return StackStatus(stack_name, "", {}, ()), iter(())
    stream = StackEventStream(clients, state.stack_id, 0, sleep, interval, started_here=False, deadline=deadline, clock=clock)
    page = stream.mark()
    return _status(state, page), _followed(clients, state, stream, page, directory)


def _followed(
    clients: AwsClients, state: StackState, stream: StackEventStream, page: list[dict[str, Any]], directory: Path
) -> Iterator[DeployEvent]:
    if state.busy:
        yield Following(state.name, state.status, stream.deadline)
        yield from stream.follow()
        yield from outcome(clients, stream, state.name, directory)
    elif is_failed(state.status):
        stream.replay(last_operation(page, state.name))
        yield OperationFailed(state.name, state.status, stream.failures)
    elif state.status in SUCCESS:
        path, not_saved = save_stack_outputs(clients, directory, state.name, state.outputs or {})
        yield OutputsSaved(state.name, path, not_saved)
