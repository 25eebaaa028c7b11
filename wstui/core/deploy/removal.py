"""Deleting a stack, with the same live view as a deploy, and the artifacts its deploys uploaded."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from wstui.core.deploy import artifacts
from wstui.core.deploy.aws import AwsClients, AwsError, explained
from wstui.core.deploy.change_set import StackState, stack_state
from wstui.core.deploy.context import call_deploy_hook, deploy_context
from wstui.core.deploy.events import DeployEvent, FollowingStopped, OperationFailed, OperationStarted, Removed, StackGone
from wstui.core.deploy.outputs import forget_outputs
from wstui.core.errors import Remedy
from wstui.core.deploy.stack_events import FOLLOW_DEADLINE, StackEventStream
from wstui.core.template.ids import CODE_BUCKET

if TYPE_CHECKING:
    from wstui.core.plugins.manager import Plugins
    from wstui.core.project.model import Project


def delete_stack(
    clients: AwsClients, state: StackState, sleep: Callable[[float], None], interval: float,
    deadline: float = FOLLOW_DEADLINE, clock: Callable[[], float] = time.monotonic,
) -> Iterator[DeployEvent]:
    """Delete the stack, streaming its events; ends with `OperationFailed` if CloudFormation could not,
    or `FollowingStopped` if it is still at it after `deadline` seconds."""
    with explained(f"listing the resources of {state.name}"):
        resources = clients.cloudformation.describe_stack_resources(StackName=state.stack_id)["StackResources"]
    stream = StackEventStream(clients, state.stack_id, len(resources), sleep, interval, deadline=deadline, clock=clock)
    stream.mark()
    with explained(f"deleting stack {state.name}"):
        clients.cloudformation.delete_stack(StackName=state.stack_id)
    yield OperationStarted(state.name, "delete", len(resources))
    yield from stream.follow()
    if not stream.succeeded and not stream.stopped_following:
        yield OperationFailed(state.name, stream.final_status, stream.failures)


def remove(
    clients: AwsClients, stack_name: str, directory: Path, sleep: Callable[[float], None], interval: float,
    deadline: float = FOLLOW_DEADLINE, clock: Callable[[], float] = time.monotonic,
    *, project: Project | None = None, plugins: Plugins | None = None,
) -> Iterator[DeployEvent]:
    """Ends with `Removed`, `StackGone` (nothing to remove), `OperationFailed`, or `FollowingStopped` (the
    deletion outlasted `deadline`; its artifacts stay, as after a failed deletion: they go only once the
    stack is seen gone). With `project` and its `plugins`, their `wstui_before_remove` runs before
    anything is deleted (and may refuse by raising), and `wstui_after_remove` once all is gone; both
    are told the stack's outputs as it stood before."""
    state = stack_state(clients, stack_name)
    if not state.status:
        yield StackGone(stack_name)
        return
    if state.busy:
        raise AwsError(f"Stack {stack_name} is {state.status}: wait for it to end, then remove it.", Remedy.FOLLOW_STACK)
    context = deploy_context(project, clients, stack_name, outputs=state.outputs) if project is not None else None
    if context is not None and plugins is not None:
        yield from call_deploy_hook(plugins, "wstui_before_remove", context, project=project, stack_name=stack_name)
    bucket = (state.parameters or {}).get(CODE_BUCKET, "")
    unfinished = False
    for event in delete_stack(clients, state, sleep, interval, deadline, clock):
        unfinished = unfinished or isinstance(event, OperationFailed | FollowingStopped)
        yield event
    if unfinished:
        return
    deleted = artifacts.delete_artifacts(clients, bucket, stack_name) if bucket else 0
    forget_outputs(directory, clients.region, stack_name)
    if context is not None and plugins is not None:
        yield from call_deploy_hook(plugins, "wstui_after_remove", context, project=project, stack_name=stack_name)
    yield Removed(stack_name, bucket, deleted)
