"""AWS clients under botocore's Stubber, and stack events shaped as CloudFormation sends them.

For what moto cannot produce: resource-level events, failures with reasons, rollbacks, throttling.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber

from wstui.core.deploy.aws import AwsClients

STACK = "chat-v1"
STACK_ID = f"arn:aws:cloudformation:us-east-1:123456789012:stack/{STACK}/8f1c2a90-1111-2222-3333-444455556666"
CHANGE_SET = f"arn:aws:cloudformation:us-east-1:123456789012:changeSet/wstui-abc/{STACK_ID[-36:]}"
RESOURCES = (("ConnectionTable", "AWS::DynamoDB::Table"), ("ConnectRole", "AWS::IAM::Role"))
START = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)
_ids = itertools.count(1)


@dataclass
class Stubbed:
    clients: AwsClients
    cloudformation: Stubber
    s3: Stubber
    sts: Stubber
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)

    def clock(self) -> float:
        """The time the engine sees: it passes only as the engine sleeps, so deadlines pass with no real wait."""
        return sum(self.slept)

    def verify(self) -> None:
        for stubber in (self.cloudformation, self.s3, self.sts):
            stubber.assert_no_pending_responses()


def stubbed_clients() -> Stubbed:
    session = botocore.session.get_session()
    session.set_credentials("testing", "testing")
    made = {name: session.create_client(name, region_name="us-east-1") for name in ("cloudformation", "s3", "sts")}
    stubbers = {name: Stubber(client) for name, client in made.items()}
    for stubber in stubbers.values():
        stubber.activate()
    clients = AwsClients("us-east-1", "", made["cloudformation"], made["s3"], made["sts"])
    return Stubbed(clients, stubbers["cloudformation"], stubbers["s3"], stubbers["sts"])


def event(seconds: float, logical_id: str, resource_type: str, status: str, reason: str = "") -> dict[str, Any]:
    raw: dict[str, Any] = {
        "StackId": STACK_ID, "EventId": f"event-{next(_ids)}", "StackName": STACK, "LogicalResourceId": logical_id,
        "ResourceType": resource_type, "Timestamp": START + timedelta(seconds=seconds), "ResourceStatus": status,
    }
    if reason:
        raw["ResourceStatusReason"] = reason
    return raw


def stack_event(seconds: float, status: str, reason: str = "") -> dict[str, Any]:
    return event(seconds, STACK, "AWS::CloudFormation::Stack", status, reason)


def newest_first(*events: dict[str, Any]) -> dict[str, Any]:
    """A page as AWS sends it, from events given oldest first: reversed, ties included."""
    return {"StackEvents": list(reversed(events))}


def stack(status: str, outputs: dict[str, str] | None = None, parameters: dict[str, str] | None = None) -> dict[str, Any]:
    described: dict[str, Any] = {"StackName": STACK, "StackId": STACK_ID, "StackStatus": status, "CreationTime": START}
    if outputs is not None:
        described["Outputs"] = [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]
    if parameters is not None:
        described["Parameters"] = [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
    return {"Stacks": [described]}


def expect_plan(aws: Stubbed, resources: tuple[tuple[str, str], ...] = RESOURCES) -> None:
    """A plan of `resources` (logical id, type) for a stack that does not exist, into a bucket named "bucket"."""
    aws.cloudformation.add_client_error("describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist", 400)
    aws.s3.add_response("head_bucket", {})
    aws.s3.add_client_error("head_object", "404", "Not Found", 404)
    aws.cloudformation.add_response("create_change_set", {"Id": CHANGE_SET, "StackId": STACK_ID})
    aws.cloudformation.add_response("describe_change_set", {
        "ChangeSetId": CHANGE_SET, "StackName": STACK, "Status": "CREATE_COMPLETE", "Changes": [
            {"Type": "Resource", "ResourceChange": {"Action": "Add", "LogicalResourceId": name, "ResourceType": kind}}
            for name, kind in resources
        ]})


def expect_new_stack_deploy(aws: Stubbed, *events: dict[str, Any], resources: tuple[tuple[str, str], ...] = RESOURCES) -> None:
    """A deploy of a stack that does not exist yet, into a bucket named "bucket": the plan, the upload,
    the execution, then `events` as the stack's events once it runs. What comes after them
    (describe_stacks for the outputs) is the caller's to add."""
    cfn = aws.cloudformation
    cfn.add_client_error("describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist", 400)
    expect_plan(aws, resources)
    aws.s3.add_response("put_object", {})
    review = stack_event(-5, "REVIEW_IN_PROGRESS", "User Initiated")
    cfn.add_response("describe_stacks", stack("REVIEW_IN_PROGRESS"))
    cfn.add_response("describe_stack_events", newest_first(review))
    cfn.add_response("execute_change_set", {})
    cfn.add_response("describe_stack_events", newest_first(review, stack_event(0, "CREATE_IN_PROGRESS", "User Initiated"), *events))


BROKEN_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr><p>nginx</body></html>"


class _Body:
    """The raw body botocore reads a response from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_options: Any) -> Any:
        yield self.data


def on_request(monkeypatch: pytest.MonkeyPatch, event: str, handler: Callable[..., Any]) -> None:
    """Every client wstui connects gets `handler` for botocore's `event` ("before-send.s3.PutObject"):
    a before-send handler may answer in AWS's place (a response), fail (raise), or just watch. Retries
    are off for that client, so a failure is final at once (botocore would retry a 5xx or a lost
    connection after real waits)."""
    connect = AwsClients.connect.__func__  # type: ignore[attr-defined]
    service = event.split(".")[1]

    def connected(cls: type[AwsClients], target: Any, fallback: str) -> AwsClients:
        clients: AwsClients = connect(cls, target, fallback)
        client = getattr(clients, service)
        client.meta.events.unregister(f"needs-retry.{service}", unique_id=f"retry-config-{service}")
        client.meta.events.register(event, handler)
        return clients

    monkeypatch.setattr(AwsClients, "connect", classmethod(connected))


def broken_pages_for(monkeypatch: pytest.MonkeyPatch, operation: str) -> None:
    """Every CloudFormation client wstui connects gets, for `operation`, what a proxy in the way sends:
    an HTML page (not even well formed) with status 200. botocore raises ResponseParserError, which
    wstui does not foresee."""
    on_request(monkeypatch, f"before-send.cloudformation.{operation}", lambda request, **_: answer(request, 200, BROKEN_PAGE, "text/html"))


def answer(request: Any, status: int, body: bytes, content_type: str = "text/xml") -> Any:
    """A response as the endpoint would send it, for a before-send handler to return."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse(request.url, status, {"Content-Type": content_type}, _Body(body))


def error_page(status: int, code: str, message: str) -> Callable[..., Any]:
    """A before-send handler answering as CloudFormation does when it fails: `status`, and its XML error."""
    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>wstui-test</RequestId></ErrorResponse>").encode()
    return lambda request, **_: answer(request, status, body)


def after_execution(monkeypatch: pytest.MonkeyPatch, operation: str, handler: Callable[..., Any]) -> None:
    """Once ExecuteChangeSet has been sent, CloudFormation's `operation` calls go to `handler` (as in
    `on_request`); before that, to AWS (moto)."""
    executed = threading.Event()
    on_request(monkeypatch, "before-send.cloudformation.ExecuteChangeSet", lambda **_: executed.set())
    on_request(monkeypatch, f"before-send.cloudformation.{operation}",
               lambda request, **kwargs: handler(request=request, **kwargs) if executed.is_set() else None)
