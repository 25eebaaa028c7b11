"""`wstui status`: where the stack stands, what it outputs, and what happened to it last."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from wstui.core.deploy.aws import AwsClients, explained
from wstui.core.deploy.change_set import stack_state
from wstui.core.deploy.events import StackEvent
from wstui.core.deploy.stack_events import StackEventStream


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
    events = tuple(
        RecentEvent(
            raw["Timestamp"], raw.get("LogicalResourceId", ""), raw.get("ResourceType", ""),
            raw.get("ResourceStatus", ""), raw.get("ResourceStatusReason", ""),
        )
        for raw in reversed(page.get("StackEvents", [])[:limit])
    )
    return StackStatus(stack_name, state.status, state.outputs or {}, events, state.stack_id)


def follow_stack(
    clients: AwsClients, stack_name: str, sleep: Callable[[float], None], interval: float
) -> tuple[StackStatus, Iterator[StackEvent]]:
    """The status now, and the events of the operation under way until it ends (none if none is).

    Events are marked as seen before the status is read, so nothing that happens in between is lost;
    an event may show both in the status and in the stream, never in neither."""
    state = stack_state(clients, stack_name)
    stream = StackEventStream(clients, state.stack_id, 0, sleep, interval, started_here=False) if state.busy else None
    if stream is not None:
        stream.mark()
    status = stack_status(clients, stack_name)
    return status, (stream.follow() if stream is not None else iter(()))
