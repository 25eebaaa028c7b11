"""Deploys cut short, against the moto server: AWS failing once the change set runs (a lost network, an
expired session, a 5xx, injected with botocore's before-send hook), Ctrl-C before it runs, and two
deploys of one new stack. Each must say what state AWS is left in, and leave nothing of its own behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from click.testing import CliRunner, Result
from stubbed import after_execution, error_page, on_request

from wstui.cli.main import cli
from wstui.core.deploy import transfer
from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.core.deploy.change_set import ChangeSetRequest, StackState, create_change_set, stack_state
from wstui.core.deploy.outputs import find_outputs
from wstui.core.deploy.stack_events import OPERATION_GOES_ON

STACK = "chat-v1"


def deploy(project: Path, aws: AwsTarget, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), "deploy", "--create-bucket", "--yes", *args,
                                    "--endpoint-url", aws.endpoint_url, "--region", aws.region])


def cloudformation(aws: AwsTarget) -> Any:
    return boto3.session.Session().client("cloudformation", endpoint_url=aws.endpoint_url, region_name=aws.region)


def left_behind(aws: AwsTarget) -> tuple[list[str], list[str]]:
    """The stacks not deleted, and every change set, of the region."""
    client = cloudformation(aws)
    stacks = [s["StackStatus"] for s in client.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
    return stacks, [summary["ChangeSetName"] for summary in client.list_change_sets(StackName=STACK)["Summaries"]]


def lost_network(**_: object) -> None:
    raise EndpointConnectionError(endpoint_url="https://cloudformation.us-east-1.amazonaws.com/")


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (lost_network, "Cannot reach https://cloudformation.us-east-1.amazonaws.com/ while reading stack events"),
        (error_page(400, "ExpiredToken", "The security token included in the request is expired"),
         "Your AWS session token has expired"),
        (error_page(503, "ServiceUnavailable", "Service is unavailable"),
         "AWS failed while reading stack events: Service is unavailable (ServiceUnavailable)."),
    ],
    ids=["lost-network", "expired-token", "5xx"],
)
def test_aws_failing_while_the_stack_operation_runs_says_it_goes_on(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch, failure: Any, said: str
) -> None:
    after_execution(monkeypatch, "DescribeStackEvents", failure)
    result = deploy(chat_project, aws)
    assert result.exit_code == 1, result.output
    assert "Creating stack chat-v1" in result.output
    assert said in result.output
    assert " ".join(result.output.split()).endswith(f"{OPERATION_GOES_ON} Follow it with `wstui status --follow`."), result.output
    assert "Traceback" not in result.output
    assert not (chat_project / ".wstui" / "outputs.json").exists(), "the outcome is not known"


def test_a_success_seen_is_a_success_when_the_outputs_cannot_be_read(chat_project: Path, aws: AwsTarget) -> None:
    with pytest.MonkeyPatch.context() as patch:
        after_execution(patch, "DescribeStacks", error_page(503, "ServiceUnavailable", "Service is unavailable"))
        result = deploy(chat_project, aws)
    assert result.exit_code == 0, result.output
    assert "CREATE_COMPLETE: stack chat-v1" in result.output
    text = " ".join(result.output.split())
    assert ("AWS failed while reading stack chat-v1: Service is unavailable (ServiceUnavailable). The outputs are not "
            "saved. Once AWS answers, `wstui status --follow` reads them and saves them.") in text
    assert not (chat_project / ".wstui" / "outputs.json").exists()

    followed = CliRunner().invoke(cli, ["--project", str(chat_project), "status", "--follow",
                                        "--endpoint-url", aws.endpoint_url, "--region", aws.region])
    assert followed.exit_code == 0, followed.output
    assert "Saved the outputs of stack chat-v1 to" in followed.output
    saved = find_outputs(chat_project, "us-east-1", STACK)  # moto gives a stack made by a change set no outputs
    assert (saved.stack_name, saved.region) == (STACK, "us-east-1")


def ctrl_c(**_: object) -> None:
    raise KeyboardInterrupt


def interrupted_upload(*_: object) -> Iterator[object]:
    """Ctrl-C reaches the main thread, which waits in `transfer.send` while s3transfer's threads upload."""
    raise KeyboardInterrupt
    yield


@pytest.mark.parametrize("while_", ["uploading", "planning"])
def test_ctrl_c_before_the_change_set_runs_deletes_what_the_deploy_made(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch, while_: str
) -> None:
    if while_ == "uploading":
        monkeypatch.setattr(transfer, "send", interrupted_upload)
    else:
        on_request(monkeypatch, "before-send.cloudformation.DescribeChangeSet", ctrl_c)
    result = deploy(chat_project, aws)
    assert result.exit_code == 130, result.output
    assert "Nothing applied: the change set for chat-v1 was deleted." in result.output
    assert result.output.rstrip().endswith("Stopped. Nothing was applied to the stack.")
    assert left_behind(aws) == ([], [])


def test_ctrl_c_while_planning_an_update_leaves_the_stack_as_it_was(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert deploy(chat_project, aws).exit_code == 0
    before = left_behind(aws)
    handler = chat_project / "handlers" / "connect.py"
    handler.write_text(handler.read_text() + "\n# changed\n")
    on_request(monkeypatch, "before-send.cloudformation.DescribeChangeSet", ctrl_c)
    result = deploy(chat_project, aws)
    assert result.exit_code == 130, result.output
    assert "Nothing applied: the change set for chat-v1 was deleted." in result.output
    assert left_behind(aws) == before == (["CREATE_COMPLETE"], before[1]), "moto lists the executed change set too"


TEMPLATE = json.dumps({"Resources": {"Table": {"Type": "AWS::S3::Bucket"}}})


def test_a_second_plan_of_a_new_stack_leaves_the_first_ones_change_set_alone(clients: AwsClients, aws: AwsTarget) -> None:
    """Deploy A made the stack and waits for its user's "y"; deploy B plans the same stack meanwhile."""
    first = create_change_set(clients, StackState(STACK), ChangeSetRequest(STACK, TEMPLATE, "", {}, {}), lambda _: None, 1.0)
    state = stack_state(clients, STACK)
    assert state.status == "REVIEW_IN_PROGRESS"
    second = create_change_set(clients, state, ChangeSetRequest(STACK, TEMPLATE, "", {}, {}), lambda _: None, 1.0)
    listed = [summary["ChangeSetId"] for summary in cloudformation(aws).list_change_sets(StackName=STACK)["Summaries"]]
    assert listed == [first.change_set_id, second.change_set_id], "B deleted the change set A is asking about"


def test_change_sets_wstui_left_long_ago_are_tidied_and_no_one_elses(clients: AwsClients, aws: AwsTarget) -> None:
    def request(name: str) -> ChangeSetRequest:
        return ChangeSetRequest(STACK, TEMPLATE, "", {}, {}, name)

    create_change_set(clients, StackState(STACK), request("wstui-20261125-120000-000000"), lambda _: None, 1.0)
    cloudformation(aws).create_change_set(StackName=STACK, ChangeSetName="wstui-by-hand", ChangeSetType="CREATE", TemplateBody=TEMPLATE)
    later = datetime.now(UTC) + timedelta(hours=2)
    create_change_set(clients, stack_state(clients, STACK), request("wstui-20261125-140000-000000"), lambda _: None, 1.0,
                      now=lambda: later)
    assert sorted(left_behind(aws)[1]) == ["wstui-20261125-140000-000000", "wstui-by-hand"]


def test_a_plan_declined_while_another_deploy_asks_about_its_own_leaves_that_one_to_apply(
    chat_project: Path, clients: AwsClients, aws: AwsTarget
) -> None:
    from wstui.core.deploy.deployer import Deployer, DeploySettings
    from wstui.core.deploy.events import Deployed, PlanReady
    from wstui.core.project.load import load_project

    def planned() -> tuple[Deployer, PlanReady]:
        deployer = Deployer.for_project(load_project(chat_project), clients, DeploySettings(STACK, create_bucket=True), environ={})
        (ready,) = [event for event in deployer.plan() if isinstance(event, PlanReady)]
        return deployer, ready

    first, first_plan = planned()
    second, second_plan = planned()
    list(second.discard(second_plan.plan))
    assert left_behind(aws)[1] == [first_plan.plan.change_set_id.split("/")[1]], "moto keeps one stack per CREATE change set"
    assert isinstance(list(first.apply(first_plan.plan))[-1], Deployed)
