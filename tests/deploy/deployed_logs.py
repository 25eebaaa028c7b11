"""A chat service deployed to moto's server, and log events written into its functions' log groups as
Lambda would write them (CreateLogGroup, CreateLogStream, PutLogEvents)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result

from wstui.cli.main import cli
from wstui.core.deploy.aws import AwsTarget

STACK = "chat-v1"
_streams = itertools.count(1)


def run(project: Path, aws: AwsTarget, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args, "--endpoint-url", aws.endpoint_url, "--region", aws.region])


def client(aws: AwsTarget, service: str) -> Any:
    return boto3.session.Session().client(service, endpoint_url=aws.endpoint_url, region_name=aws.region)


def deploy(project: Path, aws: AwsTarget) -> dict[str, str]:
    """Deploy `project`; the deployed functions' names by logical id."""
    deployed = run(project, aws, "deploy", "--create-bucket", "--yes")
    assert deployed.exit_code == 0, deployed.output
    rows = client(aws, "cloudformation").list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    return {row["LogicalResourceId"]: row["PhysicalResourceId"] for row in rows if row["ResourceType"] == "AWS::Lambda::Function"}


@dataclass
class LogWriter:
    """Writes into log groups as Lambda does: one stream per execution environment, START ... REPORT per invocation."""

    logs: Any

    def stream(self, group: str) -> str:
        if not any(g["logGroupName"] == group for g in self.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]):
            self.logs.create_log_group(logGroupName=group)
        name = f"2026/11/25/[$LATEST]{next(_streams):032x}"
        self.logs.create_log_stream(logGroupName=group, logStreamName=name)
        return name

    def put(self, group: str, stream: str, *events: tuple[int, str]) -> None:
        self.logs.put_log_events(logGroupName=group, logStreamName=stream,
                                 logEvents=[{"timestamp": ms, "message": message} for ms, message in events])

    def invocation(self, group: str, stream: str, at_ms: int, request_id: str, *lines: str) -> None:
        """START, `lines` (a millisecond apart), END and REPORT, from `at_ms` on."""
        messages = [f"START RequestId: {request_id} Version: $LATEST\n", *lines,
                    f"END RequestId: {request_id}\n", f"REPORT RequestId: {request_id}\tDuration: 2.00 ms\n"]
        self.put(group, stream, *((at_ms + offset, message) for offset, message in enumerate(messages)))


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def answering(status: int, error_type: str, message: str) -> Callable[..., Any]:
    """A before-send handler answering as CloudWatch Logs (JSON protocol) does when it refuses a call."""
    from stubbed import answer

    body = json.dumps({"__type": error_type, "message": message}).encode()
    return lambda request, **_: answer(request, status, body, "application/x-amz-json-1.1")


def refuse(monkeypatch: pytest.MonkeyPatch, operation: str, handler: Callable[..., Any]) -> None:
    """Every CloudWatch Logs client made from now on sends `operation` to `handler` instead of moto
    (botocore's handler list, as `stalled_first_upload` in tests/conftest.py)."""
    from botocore import handlers

    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", [*handlers.BUILTIN_HANDLERS, (f"before-send.logs.{operation}", handler)])
