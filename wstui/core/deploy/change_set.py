"""Change sets, the way SAM learned to use them: a stack in REVIEW_IN_PROGRESS counts as absent, and
"didn't contain changes" is an empty plan, not a failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wstui.core.deploy.aws import AwsClients, AwsError, error_code, explained
from wstui.core.deploy.events import ResourceChange

NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
FAILED_TO_RECREATE = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED"}
MAX_INLINE_TEMPLATE = 51_200
MAX_CHANGE_SET_WAIT = 600.0


@dataclass(frozen=True)
class StackState:
    """What CloudFormation knows of the stack; `status` is empty when there is no stack."""

    name: str
    status: str = ""
    stack_id: str = ""
    outputs: dict[str, str] | None = None
    parameters: dict[str, str] | None = None

    @property
    def exists(self) -> bool:
        return bool(self.status) and self.status != "REVIEW_IN_PROGRESS"

    @property
    def must_be_recreated(self) -> bool:
        """A stack whose creation rolled back can only be deleted, never updated."""
        return self.status in FAILED_TO_RECREATE

    @property
    def blocked(self) -> str:
        """Why the stack cannot be updated as it stands, or nothing."""
        if self.status == "UPDATE_ROLLBACK_FAILED":
            return (f"Stack {self.name} is UPDATE_ROLLBACK_FAILED: finish the rollback "
                    f"(`aws cloudformation continue-update-rollback --stack-name {self.name}`), then deploy again.")
        if self.status == "DELETE_FAILED":
            return f"Stack {self.name} is DELETE_FAILED: run `wstui remove` again to finish deleting it, then deploy."
        return ""

    @property
    def busy(self) -> bool:
        return self.status.endswith("_IN_PROGRESS") and self.status != "REVIEW_IN_PROGRESS"


@dataclass(frozen=True)
class ChangeSetRequest:
    stack_name: str
    template_body: str
    template_url: str
    parameters: dict[str, str]
    tags: dict[str, str]


@dataclass(frozen=True)
class ChangeSetResult:
    change_set_id: str
    change_set_type: str
    changes: tuple[ResourceChange, ...]


def stack_state(clients: AwsClients, name: str) -> StackState:
    from botocore.exceptions import ClientError

    with explained(f"reading stack {name}"):
        try:
            stacks = clients.cloudformation.describe_stacks(StackName=name)["Stacks"]
        except ClientError as error:
            if error_code(error) == "ValidationError" and "does not exist" in str(error):
                return StackState(name)
            raise
    stack = stacks[0]
    return StackState(
        name=name,
        status=stack["StackStatus"],
        stack_id=stack["StackId"],
        outputs={o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs") or []},
        parameters={p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters") or []},
    )


def change_set_name(now: datetime) -> str:
    """Named by the time it was made, so a change set left behind (a failed one, one whose wait was
    interrupted) never blocks the next deploy, and the console lists them in order."""
    return f"wstui-{now.strftime('%Y%m%d-%H%M%S-%f')}"


def create_change_set(
    clients: AwsClients, state: StackState, request: ChangeSetRequest, sleep: Callable[[float], None], interval: float
) -> ChangeSetResult:
    """Create the change set and wait until CloudFormation has worked out what it changes."""
    from botocore.exceptions import ClientError

    change_set_type = "UPDATE" if state.exists else "CREATE"
    options: dict[str, Any] = {
        "StackName": request.stack_name,
        "ChangeSetName": change_set_name(datetime.now(UTC)),
        "ChangeSetType": change_set_type,
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(request.parameters.items())],
        "Capabilities": ["CAPABILITY_IAM"],
        "Tags": [{"Key": k, "Value": v} for k, v in sorted(request.tags.items())],
        "Description": "Created by wstui deploy",
    }
    if request.template_url:
        options["TemplateURL"] = request.template_url
    else:
        options["TemplateBody"] = request.template_body
    doing = f"creating a change set for {request.stack_name}"
    if state.status == "REVIEW_IN_PROGRESS":
        _delete_leftover_change_sets(clients, request.stack_name)
    with explained(doing):
        try:
            change_set_id = clients.cloudformation.create_change_set(**options)["Id"]
        except ClientError as error:
            if _means_no_changes(str(error)):
                return ChangeSetResult("", change_set_type, ())
            raise
        description = _wait_for_change_set(clients, change_set_id, sleep, interval)
    if description["Status"] != "CREATE_COMPLETE":
        delete_change_set(clients, change_set_id)
        reason = description.get("StatusReason", "") or description["Status"]
        if _means_no_changes(reason):
            return ChangeSetResult("", change_set_type, ())
        raise AwsError(f"CloudFormation could not create the change set for {request.stack_name}: {reason}")
    return ChangeSetResult(change_set_id, change_set_type, tuple(_changes(description)))


def _means_no_changes(text: str) -> bool:
    return any(marker in text for marker in NO_CHANGES)


def _wait_for_change_set(clients: AwsClients, change_set_id: str, sleep: Callable[[float], None], interval: float) -> dict[str, Any]:
    """Until CloudFormation has finished working out the changes; it takes seconds, so a change set
    still pending after MAX_CHANGE_SET_WAIT is reported rather than waited on forever."""
    waited = 0.0
    while True:
        description: dict[str, Any] = clients.cloudformation.describe_change_set(ChangeSetName=change_set_id)
        if waited >= MAX_CHANGE_SET_WAIT:
            return {**description, "Status": "TIMED_OUT", "StatusReason": f"still {description['Status']} after {waited:.0f} s"}
        if description["Status"] not in {"CREATE_PENDING", "CREATE_IN_PROGRESS"}:
            changes = list(description.get("Changes", []))
            token = description.get("NextToken")
            while token:
                page = clients.cloudformation.describe_change_set(ChangeSetName=change_set_id, NextToken=token)
                changes.extend(page.get("Changes", []))
                token = page.get("NextToken")
            return {**description, "Changes": changes}
        sleep(interval)
        waited += interval


def _changes(description: dict[str, Any]) -> list[ResourceChange]:
    rows = []
    for change in description.get("Changes", []):
        detail = change.get("ResourceChange", {})
        rows.append(ResourceChange(
            action=detail.get("Action", ""),
            logical_id=detail.get("LogicalResourceId", ""),
            resource_type=detail.get("ResourceType", ""),
            replacement=detail.get("Replacement", ""),
        ))
    return sorted(rows, key=lambda row: (row.action, row.logical_id))


def delete_change_set(clients: AwsClients, change_set_id: str) -> None:
    with explained("deleting the change set"):
        clients.cloudformation.delete_change_set(ChangeSetName=change_set_id)


def _delete_leftover_change_sets(clients: AwsClients, stack_name: str) -> None:
    """A stack left in REVIEW_IN_PROGRESS by a declined deploy may still hold its change set: a new
    one with the same name would be refused."""
    with explained(f"tidying change sets of {stack_name}"):
        summaries = clients.cloudformation.list_change_sets(StackName=stack_name).get("Summaries", [])
        for summary in summaries:
            clients.cloudformation.delete_change_set(ChangeSetName=summary["ChangeSetId"])
