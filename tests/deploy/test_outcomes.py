"""How a followed stack operation ends, and plans other deploys took away, replayed with botocore's
Stubber from realistic CloudFormation answers: what moto cannot produce (rollbacks, resource
failures, a failure in the middle of following, another deploy's change set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from stubbed import STACK, STACK_ID, Stubbed, event, newest_first, stack, stack_event, stubbed_clients

from wstui.cli.main import cli
from wstui.cli.remedies import said
from wstui.core.deploy.aws import AwsClients, AwsError
from wstui.core.deploy.change_set import ChangeSetRequest, StackState, create_change_set
from wstui.core.deploy.events import Deployed, FollowingStopped, ResourceChange
from wstui.core.deploy.outputs import find_outputs
from wstui.core.deploy.status import follow_stack
from wstui.core.project.load import load_project
from wstui.core.template import synthesize

CHANGE_SET = f"arn:aws:cloudformation:us-east-1:123456789012:changeSet/wstui-abc/{STACK_ID[-36:]}"
ROLE, FUNCTION, TABLE = "HandlersConnectHandleRole", "HandlersConnectHandleFunction", "ConnectionTable"
URL = "wss://abc123.execute-api.us-east-1.amazonaws.com/v1"
DENIED = "Resource handler returned message: \"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateRole\""


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Stubbed:
    """Stubbed clients, which every command connects to."""
    stubbed = stubbed_clients()
    monkeypatch.setattr(AwsClients, "connect", classmethod(lambda cls, target, fallback: stubbed.clients))
    return stubbed


def status_follow(project: Path) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), "status", "--follow"])


def test_status_follow_of_an_operation_that_rolls_back_shows_the_failures_and_exits_1(chat_project: Path, aws: Stubbed) -> None:
    review, started = stack_event(-5, "REVIEW_IN_PROGRESS", "User Initiated"), stack_event(0, "CREATE_IN_PROGRESS", "User Initiated")
    aws.cloudformation.add_response("describe_stacks", stack("CREATE_IN_PROGRESS"))
    aws.cloudformation.add_response("describe_stack_events", newest_first(review, started))
    aws.cloudformation.add_response("describe_stack_events", newest_first(
        review, started,
        event(2, ROLE, "AWS::IAM::Role", "CREATE_FAILED", DENIED),
        event(3, TABLE, "AWS::DynamoDB::Table", "CREATE_FAILED", "Resource creation cancelled"),
        stack_event(4, "ROLLBACK_IN_PROGRESS", f"The following resource(s) failed to create: [{ROLE}, {TABLE}]."),
        event(6, TABLE, "AWS::DynamoDB::Table", "DELETE_COMPLETE"),
        stack_event(7, "ROLLBACK_COMPLETE"),
    ))
    result = status_follow(chat_project)
    aws.verify()
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "Following CREATE_IN_PROGRESS of stack chat-v1 until it ends (at most 30 min)..." in lines
    assert lines[-2:] == ["Stack chat-v1 ended in ROLLBACK_COMPLETE.", f"  {ROLE} (AWS::IAM::Role) CREATE_FAILED: {DENIED}"]
    assert not (chat_project / ".wstui" / "outputs.json").exists()


def test_status_follow_after_an_update_rolled_back_unwatched_reports_that_update_and_exits_1(
    chat_project: Path, aws: Stubbed
) -> None:
    """Ctrl-C, and the update failed before `status --follow` came back to it: its failures are those of
    the last update only, not of an older one."""
    older = [
        stack_event(-90, "UPDATE_IN_PROGRESS", "User Initiated"),
        event(-88, TABLE, "AWS::DynamoDB::Table", "UPDATE_FAILED", "an older failure"),
        stack_event(-80, "UPDATE_ROLLBACK_COMPLETE"),
    ]
    reason = "Resource handler returned message: \"Error occurred while GetObject. S3 Error Code: NoSuchKey.\""
    last = [
        stack_event(0, "UPDATE_IN_PROGRESS", "User Initiated"),
        event(3, FUNCTION, "AWS::Lambda::Function", "UPDATE_FAILED", reason),
        stack_event(4, "UPDATE_ROLLBACK_IN_PROGRESS", f"The following resource(s) failed to update: [{FUNCTION}]."),
        stack_event(8, "UPDATE_ROLLBACK_COMPLETE"),
    ]
    aws.cloudformation.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE"))
    aws.cloudformation.add_response("describe_stack_events", newest_first(*older, *last))
    result = status_follow(chat_project)
    aws.verify()
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-2:] == [
        "Stack chat-v1 ended in UPDATE_ROLLBACK_COMPLETE.", f"  {FUNCTION} (AWS::Lambda::Function) UPDATE_FAILED: {reason}"]


def test_following_has_a_deadline_and_says_what_it_waits_for(chat_project: Path, aws: Stubbed) -> None:
    from wstui.core.deploy.events import Following

    started = newest_first(stack_event(0, "UPDATE_IN_PROGRESS", "User Initiated"))
    aws.cloudformation.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"))
    aws.cloudformation.add_response("describe_stack_events", started)
    for _ in range(3):
        aws.cloudformation.add_response("describe_stack_events", started)
        aws.cloudformation.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"))
    current, events = follow_stack(aws.clients, STACK, chat_project, aws.sleep, 2.0, deadline=4.0, clock=aws.clock)
    assert current.status == "UPDATE_IN_PROGRESS"
    assert list(events) == [Following(STACK, "UPDATE_IN_PROGRESS", 4.0), FollowingStopped(STACK, 4.0, "UPDATE_IN_PROGRESS")]
    aws.verify()


def apply_update(chat_project: Path, aws: Stubbed) -> list[object]:
    from wstui.core.deploy.deployer import Deployer, DeploySettings
    from wstui.core.deploy.events import Plan
    from wstui.core.plugins.manager import project_plugins

    project = load_project(chat_project)
    deployer = Deployer(project, synthesize(project).to_dict(), project_plugins([], project.directory), aws.clients,
                        DeploySettings(STACK, poll_interval=5.0), aws.sleep, aws.clock)
    plan = Plan(STACK, CHANGE_SET, "UPDATE", (ResourceChange("Modify", FUNCTION, "AWS::Lambda::Function"),), "bucket")
    return list(deployer.apply(plan))


def test_the_end_of_an_update_seen_in_the_stacks_status_is_a_success_when_its_last_events_cannot_be_read(
    chat_project: Path, aws: Stubbed
) -> None:
    cfn = aws.cloudformation
    old, started = stack_event(-60, "UPDATE_COMPLETE"), stack_event(0, "UPDATE_IN_PROGRESS", "User Initiated")
    cfn.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    cfn.add_response("describe_stack_events", newest_first(old))
    cfn.add_response("execute_change_set", {}, {"ChangeSetName": CHANGE_SET})
    cfn.add_response("describe_stack_events", newest_first(old, started))
    cfn.add_response("describe_stack_events", newest_first(old, started))
    cfn.add_response("describe_stacks", stack("UPDATE_COMPLETE"))
    cfn.add_client_error("describe_stack_events", "ServiceUnavailable", "Service is unavailable", 503)
    cfn.add_response("describe_stacks", stack("UPDATE_COMPLETE", {"APIGatewayURL": URL}))
    events = apply_update(chat_project, aws)
    aws.verify()
    deployed = events[-1]
    assert isinstance(deployed, Deployed) and (deployed.status, deployed.outputs) == ("UPDATE_COMPLETE", {"APIGatewayURL": URL})
    assert find_outputs(chat_project, "us-east-1", STACK).outputs == {"APIGatewayURL": URL}


def test_a_plan_another_deploy_took_away_says_so_and_that_nothing_was_applied(chat_project: Path, aws: Stubbed) -> None:
    cfn = aws.cloudformation
    cfn.add_response("describe_stacks", stack("REVIEW_IN_PROGRESS"))
    cfn.add_response("describe_stack_events", newest_first(stack_event(-5, "REVIEW_IN_PROGRESS", "User Initiated")))
    cfn.add_client_error("execute_change_set", "ChangeSetNotFound", f"ChangeSet [{CHANGE_SET}] does not exist", 404)
    with pytest.raises(AwsError) as raised:
        apply_update(chat_project, aws)
    aws.verify()
    assert said(raised.value) == (
        "The change set planned for stack chat-v1 can no longer be applied: another deploy of the stack replaced it or ran "
        f"first (AWS says: ChangeSet [{CHANGE_SET}] does not exist). Nothing was applied by this deploy. Run `wstui deploy` "
        "again to plan against the stack as it is now."
    )


def summary(name: str, status: str, created: datetime, description: str = "Created by wstui deploy") -> dict[str, object]:
    return {"ChangeSetId": f"id-{name}", "ChangeSetName": name, "StackName": STACK, "StackId": STACK_ID, "Status": status,
            "ExecutionStatus": "AVAILABLE", "CreationTime": created, "Description": description}


def test_planning_a_stack_under_review_deletes_only_wstuis_failed_or_stale_change_sets(aws: Stubbed) -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    recent, old = now - timedelta(minutes=10), now - timedelta(hours=2)
    cfn = aws.cloudformation
    cfn.add_response("list_change_sets", {"Summaries": [
        summary("wstui-failed", "FAILED", recent),
        summary("wstui-asking", "CREATE_COMPLETE", recent),
        summary("wstui-forgotten", "CREATE_COMPLETE", old),
        summary("wstui-by-hand", "CREATE_COMPLETE", old, description="mine"),
        summary("release-42", "FAILED", old, description="mine"),
    ]}, {"StackName": STACK})
    cfn.add_response("delete_change_set", {}, {"ChangeSetName": "id-wstui-failed"})
    cfn.add_response("delete_change_set", {}, {"ChangeSetName": "id-wstui-forgotten"})
    cfn.add_response("create_change_set", {"Id": CHANGE_SET, "StackId": STACK_ID})
    cfn.add_response("describe_change_set", {"ChangeSetId": CHANGE_SET, "StackName": STACK, "Status": "CREATE_COMPLETE", "Changes": []})
    request = ChangeSetRequest(STACK, "{}", "", {}, {})
    result = create_change_set(aws.clients, StackState(STACK, "REVIEW_IN_PROGRESS", STACK_ID), request, aws.sleep, 1.0, now=lambda: now)
    aws.verify()
    assert result.change_set_id == CHANGE_SET


def test_a_change_set_still_being_worked_out_is_waited_for_before_it_is_deleted(aws: Stubbed) -> None:
    """CloudFormation refuses to delete a change set in CREATE_IN_PROGRESS: a run stopped just after
    asking for it waits for it first."""
    from wstui.core.deploy.change_set import delete_change_set_named

    cfn = aws.cloudformation
    cfn.add_response("list_change_sets", {"Summaries": [summary("wstui-mine", "CREATE_PENDING", datetime.now(UTC))]})
    cfn.add_response("describe_change_set", {"ChangeSetId": "id-wstui-mine", "StackName": STACK, "Status": "CREATE_IN_PROGRESS"})
    cfn.add_response("describe_change_set", {"ChangeSetId": "id-wstui-mine", "StackName": STACK, "Status": "CREATE_COMPLETE"})
    cfn.add_response("delete_change_set", {}, {"ChangeSetName": "id-wstui-mine"})
    assert delete_change_set_named(aws.clients, STACK, "wstui-mine", aws.sleep, 2.0)
    aws.verify()
    assert aws.slept == [2.0]
