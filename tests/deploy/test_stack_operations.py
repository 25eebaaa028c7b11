"""Stack operations replayed with botocore's Stubber from realistic CloudFormation event sequences:
the parts moto cannot produce (resource events, failures with reasons, rollbacks, throttling)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stubbed import STACK, STACK_ID, Stubbed, event, newest_first, stack, stack_event, stubbed_clients

from wstui.cli.deploy_render import event_line
from wstui.core.deploy.aws import AwsError
from wstui.core.deploy.change_set import StackState
from wstui.core.deploy.deployer import Deployer, DeploySettings
from wstui.core.deploy.events import (
    Artifact,
    ArtifactStored,
    Deployed,
    FollowingStopped,
    OperationFailed,
    OperationStarted,
    Plan,
    ResourceChange,
    ResourceFailure,
    StackEvent,
)
from wstui.core.deploy.removal import delete_stack, remove
from wstui.core.plugins.manager import project_plugins
from wstui.core.project.load import load_project
from wstui.core.template import synthesize
from wstui.core.template.ids import CODE_BUCKET
from wstui.tui.remedies import APP_WORDS

CHANGE_SET = f"arn:aws:cloudformation:us-east-1:123456789012:changeSet/wstui-abc/{STACK_ID[-36:]}"
TABLE, ROLE, FUNCTION = "ConnectionTable", "HandlersConnectHandleRole", "HandlersConnectHandleFunction"
URL = "wss://abc123.execute-api.us-east-1.amazonaws.com/v1"
REVIEW = stack_event(-5, "REVIEW_IN_PROGRESS", "User Initiated")


@pytest.fixture
def aws() -> Stubbed:
    return stubbed_clients()


def deployer(project_dir: Path, aws: Stubbed, follow_deadline: float = 1800.0) -> Deployer:
    project = load_project(project_dir)
    settings = DeploySettings(STACK, poll_interval=5.0, follow_deadline=follow_deadline)
    plugins = project_plugins([], project.directory)
    return Deployer(project, synthesize(project).to_dict(), plugins, aws.clients, settings, aws.sleep, aws.clock)


def plan(change_set_type: str = "CREATE") -> Plan:
    changes = tuple(ResourceChange("Add", name, kind) for name, kind in (
        (TABLE, "AWS::DynamoDB::Table"), (ROLE, "AWS::IAM::Role"), (FUNCTION, "AWS::Lambda::Function")))
    return Plan(STACK, CHANGE_SET, change_set_type, changes, "bucket", (Artifact("wstui/chat-v1/abc.zip", b"zip", True),))


def expect_execution(aws: Stubbed, before: str, *polls: dict) -> None:
    aws.cloudformation.add_response("describe_stacks", stack(before))
    aws.cloudformation.add_response("describe_stack_events", newest_first(REVIEW))
    aws.cloudformation.add_response("execute_change_set", {}, {"ChangeSetName": CHANGE_SET})
    for poll in polls:
        aws.cloudformation.add_response("describe_stack_events", poll)


def test_a_failed_create_names_the_cause_not_the_cancelled_cascade(chat_project: Path, aws: Stubbed) -> None:
    first = [
        stack_event(0, "CREATE_IN_PROGRESS", "User Initiated"),
        event(2, TABLE, "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"),
        event(2, ROLE, "AWS::IAM::Role", "CREATE_IN_PROGRESS"),
    ]
    denied = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateRole"
    second = [
        event(4, ROLE, "AWS::IAM::Role", "CREATE_FAILED", f"Resource handler returned message: \"{denied}\""),
        event(5, TABLE, "AWS::DynamoDB::Table", "CREATE_FAILED", "Resource creation cancelled"),
        stack_event(6, "ROLLBACK_IN_PROGRESS", f"The following resource(s) failed to create: [{ROLE}, {TABLE}]. Rollback requested by user."),
        event(8, TABLE, "AWS::DynamoDB::Table", "DELETE_COMPLETE"),
        event(8, ROLE, "AWS::IAM::Role", "DELETE_COMPLETE"),
        stack_event(9, "ROLLBACK_COMPLETE"),
    ]
    expect_execution(aws, "REVIEW_IN_PROGRESS", newest_first(REVIEW, *first), newest_first(REVIEW, *first, *second))
    events = list(deployer(chat_project, aws).apply(plan()))
    aws.verify()
    assert isinstance(events[0], ArtifactStored) and not events[0].uploaded
    assert events[1] == OperationStarted(STACK, "create", 3)
    shown = [e for e in events if isinstance(e, StackEvent)]
    assert [(e.logical_id, e.status) for e in shown][:3] == [(STACK, "CREATE_IN_PROGRESS"), (TABLE, "CREATE_IN_PROGRESS"), (ROLE, "CREATE_IN_PROGRESS")]
    assert len(shown) == len(first) + len(second)
    assert shown[-1].elapsed == 9.0
    assert events[-1] == OperationFailed(STACK, "ROLLBACK_COMPLETE", (
        ResourceFailure(ROLE, "AWS::IAM::Role", "CREATE_FAILED", f"Resource handler returned message: \"{denied}\""),
    ))
    assert aws.slept == [5.0]
    assert not (chat_project / ".wstui" / "outputs.json").exists()


def test_a_failed_update_rolls_back_and_reports_the_function(chat_project: Path, aws: Stubbed) -> None:
    reason = "Resource handler returned message: \"Error occurred while GetObject. S3 Error Code: NoSuchKey.\""
    events = [
        stack_event(0, "UPDATE_IN_PROGRESS", "User Initiated"),
        event(1, FUNCTION, "AWS::Lambda::Function", "UPDATE_IN_PROGRESS"),
        event(3, FUNCTION, "AWS::Lambda::Function", "UPDATE_FAILED", reason),
        stack_event(4, "UPDATE_ROLLBACK_IN_PROGRESS", f"The following resource(s) failed to update: [{FUNCTION}]."),
        event(6, FUNCTION, "AWS::Lambda::Function", "UPDATE_COMPLETE"),
        stack_event(7, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"),
        stack_event(8, "UPDATE_ROLLBACK_COMPLETE"),
    ]
    expect_execution(aws, "UPDATE_COMPLETE", newest_first(REVIEW, *events))
    result = list(deployer(chat_project, aws).apply(plan("UPDATE")))
    aws.verify()
    assert result[-1] == OperationFailed(STACK, "UPDATE_ROLLBACK_COMPLETE", (
        ResourceFailure(FUNCTION, "AWS::Lambda::Function", "UPDATE_FAILED", reason),
    ))


def test_success_reports_progress_durations_longest_first_and_saves_outputs(chat_project: Path, aws: Stubbed) -> None:
    events = [
        stack_event(0, "CREATE_IN_PROGRESS", "User Initiated"),
        event(1, TABLE, "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"),
        event(1, ROLE, "AWS::IAM::Role", "CREATE_IN_PROGRESS"),
        event(2, TABLE, "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
        event(8, TABLE, "AWS::DynamoDB::Table", "CREATE_COMPLETE"),
        event(19, ROLE, "AWS::IAM::Role", "CREATE_COMPLETE"),
        event(20, FUNCTION, "AWS::Lambda::Function", "CREATE_IN_PROGRESS"),
        event(26, FUNCTION, "AWS::Lambda::Function", "CREATE_COMPLETE"),
        stack_event(27, "CREATE_COMPLETE"),
    ]
    expect_execution(aws, "REVIEW_IN_PROGRESS", newest_first(REVIEW, *events))
    aws.cloudformation.add_response("describe_stacks", stack("CREATE_COMPLETE", {"APIGatewayURL": URL, "ApiId": "abc123"}))
    result = list(deployer(chat_project, aws).apply(plan()))
    aws.verify()
    progress = [(e.done, e.total) for e in result if isinstance(e, StackEvent)]
    assert progress == [(0, 3), (0, 3), (0, 3), (0, 3), (1, 3), (2, 3), (2, 3), (3, 3), (3, 3)]
    deployed = result[-1]
    assert isinstance(deployed, Deployed)
    assert deployed.durations == ((ROLE, 18.0), (TABLE, 7.0), (FUNCTION, 6.0))
    assert deployed.outputs == {"APIGatewayURL": URL, "ApiId": "abc123"}
    saved = json.loads((chat_project / ".wstui" / "outputs.json").read_text())
    assert saved == {"deployments": {f"us-east-1/{STACK}": {
        "stack_name": STACK, "region": "us-east-1", "outputs": {"APIGatewayURL": URL, "ApiId": "abc123"}}}}


def test_a_stack_whose_creation_rolled_back_must_be_deleted_first(chat_project: Path, aws: Stubbed) -> None:
    aws.cloudformation.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"))
    with pytest.raises(AwsError, match="ROLLBACK_COMPLETE and cannot be updated: delete it first"):
        list(deployer(chat_project, aws).plan())


def test_deleting_a_rolled_back_stack_streams_its_events(aws: Stubbed) -> None:
    aws.cloudformation.add_response("describe_stack_resources", {"StackResources": [
        {"LogicalResourceId": TABLE, "ResourceType": "AWS::DynamoDB::Table", "Timestamp": stack_event(0, "X")["Timestamp"],
         "ResourceStatus": "DELETE_COMPLETE", "StackName": STACK},
    ]})
    old = stack_event(-60, "ROLLBACK_COMPLETE")
    aws.cloudformation.add_response("describe_stack_events", newest_first(old))
    aws.cloudformation.add_response("delete_stack", {}, {"StackName": STACK_ID})
    aws.cloudformation.add_response("describe_stack_events", newest_first(
        old, stack_event(0, "DELETE_IN_PROGRESS", "User Initiated"), stack_event(3, "DELETE_COMPLETE")))
    events = list(delete_stack(aws.clients, StackState(STACK, "ROLLBACK_COMPLETE", STACK_ID), aws.sleep, 5.0))
    aws.verify()
    assert events[0] == OperationStarted(STACK, "delete", 1)
    assert [e.status for e in events[1:]] == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]


def test_throttling_that_outlasts_the_retries_is_one_sentence(chat_project: Path, aws: Stubbed) -> None:
    expect_execution(aws, "UPDATE_COMPLETE")
    aws.cloudformation.add_client_error("describe_stack_events", "Throttling", "Rate exceeded", 400)
    with pytest.raises(AwsError, match="AWS is throttling requests while reading stack events"):
        list(deployer(chat_project, aws).apply(plan("UPDATE")))


def test_an_expired_token_says_to_refresh_credentials(aws: Stubbed) -> None:
    aws.sts.add_client_error("get_caller_identity", "ExpiredToken", "The security token included in the request is expired", 403)
    with pytest.raises(AwsError, match="Your AWS session token has expired"):
        aws.clients.account_id()


def test_the_cli_offers_to_recreate_a_rolled_back_stack_then_deploys_it(
    chat_project: Path, aws: Stubbed, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from wstui.cli.main import cli
    from wstui.core.deploy import aws as aws_module

    cfn, s3 = aws.cloudformation, aws.s3
    cfn.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"))
    cfn.add_response("describe_stack_resources", {"StackResources": []})
    old = stack_event(-60, "ROLLBACK_COMPLETE")
    cfn.add_response("describe_stack_events", newest_first(old))
    cfn.add_response("delete_stack", {})
    cfn.add_response("describe_stack_events", newest_first(old, stack_event(0, "DELETE_IN_PROGRESS"), stack_event(2, "DELETE_COMPLETE")))
    cfn.add_client_error("describe_stacks", "ValidationError", f"Stack with id {STACK} does not exist", 400)
    aws.sts.add_response("get_caller_identity", {"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/dev", "UserId": "AID"})
    s3.add_response("head_bucket", {})
    s3.add_client_error("head_object", "404", "Not Found", 404)
    cfn.add_response("create_change_set", {"Id": CHANGE_SET, "StackId": STACK_ID})
    cfn.add_response("describe_change_set", {"ChangeSetId": CHANGE_SET, "StackName": STACK, "Status": "CREATE_COMPLETE", "Changes": [
        {"Type": "Resource", "ResourceChange": {"Action": "Add", "LogicalResourceId": TABLE, "ResourceType": "AWS::DynamoDB::Table"}},
    ]})
    s3.add_response("put_object", {})
    cfn.add_response("describe_stacks", stack("REVIEW_IN_PROGRESS"))
    cfn.add_response("describe_stack_events", newest_first(REVIEW))
    cfn.add_response("execute_change_set", {})
    cfn.add_response("describe_stack_events", newest_first(
        REVIEW, stack_event(10, "CREATE_IN_PROGRESS"), event(11, TABLE, "AWS::DynamoDB::Table", "CREATE_COMPLETE"),
        stack_event(12, "CREATE_COMPLETE")))
    cfn.add_response("describe_stacks", stack("CREATE_COMPLETE", {"APIGatewayURL": URL}))
    monkeypatch.setattr(aws_module.AwsClients, "connect", classmethod(lambda cls, target, fallback: aws.clients))
    result = CliRunner().invoke(cli, ["--project", str(chat_project), "deploy", "--yes"])
    assert result.exit_code == 0, result.output
    aws.verify()
    assert "Deleting stack chat-v1" in result.output
    assert "Uploaded s3://wstui-artifacts-123456789012-us-east-1/wstui/chat-v1/" in result.output
    assert "CREATE_COMPLETE: stack chat-v1" in result.output
    assert result.output.rstrip().endswith(URL)


def test_status_follow_streams_the_operation_under_way_until_it_ends(
    chat_project: Path, aws: Stubbed, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from wstui.cli.main import cli
    from wstui.core.deploy import aws as aws_module

    cfn = aws.cloudformation
    started = stack_event(0, "UPDATE_IN_PROGRESS", "User Initiated")
    cfn.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"))
    cfn.add_response("describe_stack_events", newest_first(REVIEW, started))
    cfn.add_response("describe_stack_events", newest_first(
        REVIEW, started, event(4, FUNCTION, "AWS::Lambda::Function", "UPDATE_COMPLETE"), stack_event(6, "UPDATE_COMPLETE")))
    cfn.add_response("describe_stacks", stack("UPDATE_COMPLETE", {"APIGatewayURL": URL}))
    monkeypatch.setattr(aws_module.AwsClients, "connect", classmethod(lambda cls, target, fallback: aws.clients))
    result = CliRunner().invoke(cli, ["--project", str(chat_project), "status", "--follow"])
    assert result.exit_code == 0, result.output
    aws.verify()
    assert "Stack chat-v1: UPDATE_IN_PROGRESS" in result.output
    lines = result.output.splitlines()
    following = lines.index("Following UPDATE_IN_PROGRESS of stack chat-v1 until it ends (at most 30 min)...")
    assert [line.split()[-1] for line in lines[following + 1:following + 3]] == ["UPDATE_COMPLETE", "UPDATE_COMPLETE"]
    assert FUNCTION in lines[following + 1] and STACK in lines[following + 2]
    assert "UPDATE_COMPLETE: stack chat-v1" in lines and lines[-1] == URL
    saved = json.loads((chat_project / ".wstui" / "outputs.json").read_text())
    assert saved == {"deployments": {f"us-east-1/{STACK}": {
        "stack_name": STACK, "region": "us-east-1", "outputs": {"APIGatewayURL": URL}}}}


def test_a_failed_change_set_is_deleted_so_the_same_deploy_can_run_again(aws: Stubbed) -> None:
    from wstui.core.deploy.change_set import ChangeSetRequest, create_change_set

    aws.cloudformation.add_response("create_change_set", {"Id": CHANGE_SET, "StackId": STACK_ID})
    aws.cloudformation.add_response("describe_change_set", {
        "ChangeSetId": CHANGE_SET, "StackName": STACK, "Status": "FAILED",
        "StatusReason": "Requires capabilities : [CAPABILITY_NAMED_IAM]"})
    aws.cloudformation.add_response("delete_change_set", {}, {"ChangeSetName": CHANGE_SET})
    request = ChangeSetRequest(STACK, "{}", "", {}, {})
    with pytest.raises(AwsError, match="could not create the change set for chat-v1: Requires capabilities"):
        create_change_set(aws.clients, StackState(STACK), request, aws.sleep, 1.0)
    aws.verify()


def test_the_stream_reads_events_once_more_after_the_stack_says_it_is_done(aws: Stubbed) -> None:
    """Events written between the last poll and the status check still arrive, in AWS's order."""
    from wstui.core.deploy.stack_events import StackEventStream

    started = stack_event(0, "CREATE_IN_PROGRESS", "User Initiated")
    table = event(3, TABLE, "AWS::DynamoDB::Table", "CREATE_FAILED", "Table already exists")
    done = stack_event(3, "ROLLBACK_COMPLETE")
    cfn = aws.cloudformation
    cfn.add_response("describe_stack_events", newest_first(REVIEW))
    cfn.add_response("describe_stack_events", newest_first(REVIEW))  # the operation has not begun yet
    cfn.add_response("describe_stack_events", newest_first(REVIEW, started))
    cfn.add_response("describe_stack_events", newest_first(REVIEW, started))
    cfn.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"))
    cfn.add_response("describe_stack_events", newest_first(REVIEW, started, table, done))
    stream = StackEventStream(aws.clients, STACK_ID, 1, aws.sleep, 2.0)
    stream.mark()
    events = list(stream.follow())
    aws.verify()
    assert [(e.logical_id, e.status) for e in events] == [
        (STACK, "CREATE_IN_PROGRESS"), (TABLE, "CREATE_FAILED"), (STACK, "ROLLBACK_COMPLETE")]
    assert stream.final_status == "ROLLBACK_COMPLETE"
    assert stream.failures == (ResourceFailure(TABLE, "AWS::DynamoDB::Table", "CREATE_FAILED", "Table already exists"),)
    assert aws.slept == [2.0, 2.0]


def test_artifacts_s3_refuses_to_delete_are_reported(aws: Stubbed) -> None:
    from wstui.core.deploy.artifacts import delete_artifacts

    aws.s3.add_response("list_objects_v2", {"Contents": [{"Key": "wstui/chat-v1/a.zip"}], "KeyCount": 1})
    aws.s3.add_response("delete_objects", {"Errors": [{"Key": "wstui/chat-v1/a.zip", "Code": "AccessDenied", "Message": "Access Denied"}]})
    with pytest.raises(AwsError, match="S3 kept 1 of the artifacts of chat-v1 in bucket: wstui/chat-v1/a.zip: Access Denied"):
        delete_artifacts(aws.clients, "bucket", STACK)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("sso", "Your AWS SSO session has expired: run `aws sso login`"),
        ("unreachable", "Cannot reach http://127.0.0.1:9 while reading stack chat-v1"),
    ],
)
def test_failures_before_any_answer_are_one_sentence(aws: Stubbed, error: str, message: str) -> None:
    from botocore.exceptions import EndpointConnectionError, TokenRetrievalError

    from wstui.core.deploy.change_set import stack_state

    def fail(**_: object) -> None:
        if error == "sso":
            raise TokenRetrievalError(provider="sso", error_msg="Token has expired and refresh failed")
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    aws.cloudformation.deactivate()
    aws.clients.cloudformation.meta.events.register_first("before-send.cloudformation", fail)
    aws.clients.cloudformation.meta.config.retries = {"max_attempts": 1}
    with pytest.raises(AwsError, match=message.replace("(", r"\(").replace("`", "`")):
        stack_state(aws.clients, STACK)


def test_following_a_deploy_stops_at_its_deadline_and_says_the_operation_goes_on(chat_project: Path, aws: Stubbed) -> None:
    started = stack_event(0, "UPDATE_IN_PROGRESS", "User Initiated")
    function = event(3, FUNCTION, "AWS::Lambda::Function", "UPDATE_IN_PROGRESS")
    expect_execution(aws, "UPDATE_COMPLETE", newest_first(REVIEW, started), newest_first(REVIEW, started, function),
                     newest_first(REVIEW, started, function))
    aws.cloudformation.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"))
    events = list(deployer(chat_project, aws, follow_deadline=10.0).apply(plan("UPDATE")))
    aws.verify()
    assert aws.slept == [5.0, 5.0]
    assert [(e.logical_id, e.status) for e in events if isinstance(e, StackEvent)] == [
        (STACK, "UPDATE_IN_PROGRESS"), (FUNCTION, "UPDATE_IN_PROGRESS")]
    assert events[-1] == FollowingStopped(STACK, 10.0, "UPDATE_IN_PROGRESS")
    assert not (chat_project / ".wstui" / "outputs.json").exists()
    said = event_line(FollowingStopped(STACK, 1800.0, "UPDATE_IN_PROGRESS")).plain
    assert said == (f"Stopped following stack {STACK} after 30 min: it is UPDATE_IN_PROGRESS. "
                    "The stack operation goes on in CloudFormation. Follow it with `wstui status --follow`.")
    assert event_line(FollowingStopped(STACK, 1800.0, "UPDATE_IN_PROGRESS"), APP_WORDS).plain.endswith(
        "The stack operation goes on in CloudFormation. Status (ctrl+t) shows where it stands.")


def test_a_removal_that_outlasts_its_deadline_stops_following_and_keeps_the_artifacts(chat_project: Path, aws: Stubbed) -> None:
    cfn = aws.cloudformation
    cfn.add_response("describe_stacks", stack("UPDATE_COMPLETE", parameters={CODE_BUCKET: "bucket"}))
    cfn.add_response("describe_stack_resources", {"StackResources": []})
    old = stack_event(-60, "UPDATE_COMPLETE")
    cfn.add_response("describe_stack_events", newest_first(old))
    cfn.add_response("delete_stack", {})
    deleting = stack_event(0, "DELETE_IN_PROGRESS", "User Initiated")
    cfn.add_response("describe_stack_events", newest_first(old, deleting))
    cfn.add_response("describe_stack_events", newest_first(old, deleting))
    cfn.add_response("describe_stacks", stack("DELETE_IN_PROGRESS"))
    events = list(remove(aws.clients, STACK, chat_project, aws.sleep, 2.0, deadline=2.0, clock=aws.clock))
    aws.verify()
    assert events[-1] == FollowingStopped(STACK, 2.0, "DELETE_IN_PROGRESS")
