"""Deleting a stack, with the same live view as a deploy, and the artifacts its deploys uploaded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from wstui.core.deploy import artifacts
from wstui.core.deploy.aws import AwsClients, AwsError, explained
from wstui.core.deploy.change_set import StackState, stack_state
from wstui.core.deploy.events import DeployEvent, OperationFailed, OperationStarted, Removed, StackGone
from wstui.core.deploy.outputs import forget_outputs
from wstui.core.deploy.stack_events import StackEventStream
from wstui.core.template.ids import CODE_BUCKET


def delete_stack(
    clients: AwsClients, state: StackState, sleep: Callable[[float], None], interval: float
) -> Iterator[DeployEvent]:
    """Delete the stack, streaming its events; ends with `OperationFailed` if CloudFormation could not."""
    with explained(f"listing the resources of {state.name}"):
        resources = clients.cloudformation.describe_stack_resources(StackName=state.stack_id)["StackResources"]
    stream = StackEventStream(clients, state.stack_id, len(resources), sleep, interval)
    stream.mark()
    with explained(f"deleting stack {state.name}"):
        clients.cloudformation.delete_stack(StackName=state.stack_id)
    yield OperationStarted(state.name, "delete", len(resources))
    yield from stream.follow()
    if not stream.succeeded:
        yield OperationFailed(state.name, stream.final_status, stream.failures)


def remove(
    clients: AwsClients, stack_name: str, directory: Path, sleep: Callable[[float], None], interval: float
) -> Iterator[DeployEvent]:
    """Ends with `Removed`, `StackGone` (nothing to remove) or `OperationFailed`."""
    state = stack_state(clients, stack_name)
    if not state.status:
        yield StackGone(stack_name)
        return
    if state.busy:
        raise AwsError(f"Stack {stack_name} is {state.status}: wait for it to end (`wstui status --follow`), then remove it.")
    bucket = (state.parameters or {}).get(CODE_BUCKET, "")
    failed = False
    for event in delete_stack(clients, state, sleep, interval):
        failed = failed or isinstance(event, OperationFailed)
        yield event
    if failed:
        return
    deleted = artifacts.delete_artifacts(clients, bucket, stack_name) if bucket else 0
    forget_outputs(directory, stack_name)
    yield Removed(stack_name, bucket, deleted)
