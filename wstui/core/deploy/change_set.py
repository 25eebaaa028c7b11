"""Change sets, the way SAM learned to use them: a stack in REVIEW_IN_PROGRESS counts as absent, and
"didn't contain changes" is an empty plan, not a failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from wstui.core.deploy.aws import AwsClients, AwsError, error_code, explained
from wstui.core.deploy.events import ResourceChange
from wstui.core.errors import Remedy

NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
FAILED_TO_RECREATE = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED"}
MAX_INLINE_TEMPLATE = 51_200
MAX_CHANGE_SET_WAIT = 600.0
CHANGE_SET_PREFIX = "wstui-"
CHANGE_SET_DESCRIPTION = "Created by wstui deploy"
# A plan waits for a person's answer, which can take a while; one older than this was abandoned.
STALE_CHANGE_SET = timedelta(hours=1)
PENDING = {"CREATE_PENDING", "CREATE_IN_PROGRESS"}


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
    def blocked(self) -> AwsError | None:
        """Why the stack cannot be updated as it stands, or None."""
        if self.status == "UPDATE_ROLLBACK_FAILED":
            return AwsError(f"Stack {self.name} is UPDATE_ROLLBACK_FAILED: finish the rollback "
                            f"(`aws cloudformation continue-update-rollback --stack-name {self.name}`), then deploy again.")
        if self.status == "DELETE_FAILED":
            return AwsError(f"Stack {self.name} is DELETE_FAILED: it must be deleted before it is deployed again.", Remedy.REMOVE_AGAIN)
        return None

    @property
    def busy(self) -> bool:
        return self.status.endswith("_IN_PROGRESS") and self.status != "REVIEW_IN_PROGRESS"


def change_set_name(now: datetime) -> str:
    """Named by the time it was made, so a change set left behind (a failed one, one whose wait was
    interrupted) never blocks the next deploy, and the console lists them in order."""
    return f"{CHANGE_SET_PREFIX}{now.strftime('%Y%m%d-%H%M%S-%f')}"


@dataclass(frozen=True)
class ChangeSetRequest:
    """`name` is chosen before CloudFormation is asked, so a run stopped while asking can still find
    (and delete) the change set it may have made."""

    stack_name: str
    template_body: str
    template_url: str
    parameters: dict[str, str]
    tags: dict[str, str]
    name: str = field(default_factory=lambda: change_set_name(datetime.now(UTC)))


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


def create_change_set(
    clients: AwsClients, state: StackState, request: ChangeSetRequest, sleep: Callable[[float], None], interval: float,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ChangeSetResult:
    """Create the change set and wait until CloudFormation has worked out what it changes."""
    from botocore.exceptions import ClientError

    change_set_type = "UPDATE" if state.exists else "CREATE"
    options: dict[str, Any] = {
        "StackName": request.stack_name,
        "ChangeSetName": request.name,
        "ChangeSetType": change_set_type,
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(request.parameters.items())],
        "Capabilities": ["CAPABILITY_IAM"],
        "Tags": [{"Key": k, "Value": v} for k, v in sorted(request.tags.items())],
        "Description": CHANGE_SET_DESCRIPTION,
    }
    if request.template_url:
        options["TemplateURL"] = request.template_url
    else:
        options["TemplateBody"] = request.template_body
    doing = f"creating a change set for {request.stack_name}"
    if state.status == "REVIEW_IN_PROGRESS":
        _delete_stale_change_sets(clients, request.stack_name, now())
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
        if description["Status"] not in PENDING:
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


def change_sets(clients: AwsClients, stack_name: str) -> list[dict[str, Any]]:
    """The stack's change sets (none if there is no stack), as ListChangeSets summarises them."""
    from botocore.exceptions import ClientError

    with explained(f"listing the change sets of {stack_name}"):
        try:
            pages = clients.cloudformation.get_paginator("list_change_sets").paginate(StackName=stack_name)
            summaries = [summary for page in pages for summary in page.get("Summaries", [])]
        except ClientError as error:
            if error_code(error) == "ValidationError" and "does not exist" in str(error):
                return []
            raise
    return [summary for summary in summaries if summary.get("StackName") == stack_name]


def delete_change_set_named(
    clients: AwsClients, stack_name: str, name: str, sleep: Callable[[float], None], interval: float
) -> bool:
    """Delete the stack's change set called `name` if there is one (a run stopped while asking for it
    cannot know whether CloudFormation made it); one still being worked out is waited for, as
    CloudFormation refuses to delete it until then. Says whether there was one."""
    for summary in change_sets(clients, stack_name):
        if summary.get("ChangeSetName") == name:
            change_set_id = summary["ChangeSetId"]
            if summary.get("Status") in PENDING:
                with explained("waiting for the change set to be worked out"):
                    _wait_for_change_set(clients, change_set_id, sleep, interval)
            delete_change_set(clients, change_set_id)
            return True
    return False


def _is_stale(summary: dict[str, Any], now: datetime) -> bool:
    """A change set wstui made (its name and description say so) that nobody will apply: one
    CloudFormation could not create, or one older than STALE_CHANGE_SET. A fresh one may be the plan
    another deploy is asking about."""
    name, description = str(summary.get("ChangeSetName", "")), summary.get("Description")
    made_here = name.startswith(CHANGE_SET_PREFIX) and description == CHANGE_SET_DESCRIPTION
    created: datetime | None = summary.get("CreationTime")
    old = created is not None and now - created > STALE_CHANGE_SET
    return made_here and (summary.get("Status") == "FAILED" or old)


def _delete_stale_change_sets(clients: AwsClients, stack_name: str, now: datetime) -> None:
    """A stack left in REVIEW_IN_PROGRESS holds the change sets of deploys that never applied them:
    those wstui made and nobody will apply go, and nothing else."""
    for summary in change_sets(clients, stack_name):
        if _is_stale(summary, now):
            delete_change_set(clients, summary["ChangeSetId"])
