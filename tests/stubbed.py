"""AWS clients under botocore's Stubber, and stack events shaped as CloudFormation sends them.

For what moto cannot produce: resource-level events, failures with reasons, rollbacks, throttling.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
from botocore.stub import Stubber

from wstui.core.deploy.aws import AwsClients

STACK = "chat-v1"
STACK_ID = f"arn:aws:cloudformation:us-east-1:123456789012:stack/{STACK}/8f1c2a90-1111-2222-3333-444455556666"
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
