"""How a followed stack operation ended, told the same way by `wstui deploy` and `wstui status --follow`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wstui.core.deploy.aws import AwsClients, AwsError
from wstui.core.deploy.change_set import stack_state
from wstui.core.deploy.events import Deployed, DeployEvent, OperationFailed
from wstui.core.deploy.outputs import DeployedOutputs, save_outputs
from wstui.core.deploy.stack_events import StackEventStream
from wstui.core.errors import WstuiError


def save_stack_outputs(clients: AwsClients, directory: Path, stack_name: str, outputs: dict[str, str]) -> tuple[str, str]:
    """Where the outputs were saved, or why they could not be: the stack is up either way, so a record
    that cannot be written is said alongside the success, not raised in its place."""
    try:
        return str(save_outputs(directory, DeployedOutputs(stack_name, clients.region, outputs))), ""
    except WstuiError as error:
        return "", str(error)


def outcome(clients: AwsClients, stream: StackEventStream, stack_name: str, directory: Path) -> Iterator[DeployEvent]:
    """After `stream.follow()`: `OperationFailed`, or `Deployed` with the outputs read and saved, or
    nothing (following stopped at its deadline, or a deletion succeeded). A success seen is a success
    even when AWS then fails to give the outputs: `Deployed` says why they are missing."""
    if stream.stopped_following:
        return
    if not stream.succeeded:
        yield OperationFailed(stack_name, stream.final_status, stream.failures)
        return
    if stream.final_status == "DELETE_COMPLETE":
        return
    try:
        outputs = stack_state(clients, stack_name).outputs or {}
    except AwsError as error:
        yield Deployed(stack_name, stream.final_status, stream.durations(), {}, "", outputs_unread=str(error))
        return
    path, not_saved = save_stack_outputs(clients, directory, stack_name, outputs)
    yield Deployed(stack_name, stream.final_status, stream.durations(), outputs, path, not_saved=not_saved)
