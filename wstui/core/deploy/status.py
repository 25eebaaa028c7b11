"""`wstui status`: where the stack stands, what it outputs, and what happened to it last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wstui.core.deploy.aws import AwsClients, explained
from wstui.core.deploy.change_set import stack_state


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
    return StackStatus(stack_name, state.status, state.outputs or {}, events)
