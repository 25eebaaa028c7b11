"""`wstui deploy` and `wstui status` show what AWS sends as it came: failure reasons, stack events,
outputs and the `wss://` URL are never read as markup; names AWS would refuse are refused before any
call; an answer wstui cannot read is one sentence (the traceback only with `--debug`)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from outside_text import NASTY, outside_text
from outside_text import shown as shown_in
from rich.console import Console
from stubbed import (
    STACK,
    Stubbed,
    broken_pages_for,
    event,
    expect_new_stack_deploy,
    newest_first,
    stack,
    stack_event,
    stubbed_clients,
)

from wstui.cli.deploy_render import DeployView, identity_line, show_status
from wstui.cli.main import cli
from wstui.core.deploy.aws import AwsClients, AwsIdentity, AwsTarget
from wstui.core.deploy.deployer import DeploySettings
from wstui.core.deploy.events import (
    ArtifactStored,
    Deployed,
    DeployEvent,
    NoChanges,
    OperationFailed,
    Plan,
    PlanReady,
    ResourceChange,
    ResourceFailure,
    StackEvent,
    UploadRetrying,
)
from wstui.core.deploy.status import RecentEvent, StackStatus
from wstui.core.errors import UsageError
from wstui.core.template.ids import URL_OUTPUT

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
URL = "wss://abc123.execute-api.us-east-1.amazonaws.com/[bold]v1[/bold]"
WIDE = {"COLUMNS": "400"}  # rich's width under CliRunner, so no table cell is folded


def rendered(show: object, *values: object) -> str:
    """What a renderer prints on a console as wide as a table could need, colour left out."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=5_000, highlight=False, soft_wrap=True, color_system=None)
    show(console, *values)  # type: ignore[operator]
    return buffer.getvalue()


def through_deploy_view(console: Console, events: list[DeployEvent]) -> None:
    view = DeployView(console)
    for deploy_event in events:
        view.show(deploy_event)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(outside_text(), min_size=7, max_size=7))
def test_every_deploy_event_shows_outside_text_as_it_came(texts: list[str]) -> None:
    logical_id, resource_type, reason, key, value, url, path = texts
    events: list[DeployEvent] = [
        PlanReady(Plan(STACK, "arn", "CREATE", (ResourceChange("Add", logical_id, resource_type, "True"),), "bucket")),
        UploadRetrying("bucket", key, 2, 4, reason),
        ArtifactStored(key, value, 10, uploaded=True),
        StackEvent(logical_id, resource_type, "CREATE_FAILED", reason, NOW, 1.0, 1, 2),
        OperationFailed(STACK, "ROLLBACK_COMPLETE", (ResourceFailure(logical_id, resource_type, "CREATE_FAILED", reason),)),
        Deployed(STACK, "CREATE_COMPLETE", ((logical_id, 1.0),), {key: value, URL_OUTPUT: url}, path),
        Deployed(STACK, "CREATE_COMPLETE", (), {URL_OUTPUT: url}, "", not_saved=path),
        NoChanges(STACK, {URL_OUTPUT: url}, not_saved=reason),
    ]
    output = rendered(through_deploy_view, events)
    for text in texts:
        assert shown_in(text, output), (text, output)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(outside_text(), min_size=5, max_size=5))
def test_wstui_status_shows_outside_text_as_it_came(texts: list[str]) -> None:
    logical_id, resource_type, reason, key, value = texts
    status = StackStatus(STACK, "UPDATE_ROLLBACK_COMPLETE", {key: value},
                         (RecentEvent(NOW, logical_id, resource_type, "UPDATE_FAILED", reason),))
    output = rendered(show_status, status, "us-east-1")
    for text in texts:
        assert shown_in(text, output), (text, output)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(outside_text(), min_size=4, max_size=4))
def test_the_account_region_and_a_missing_stack_show_outside_text_as_it_came(texts: list[str]) -> None:
    account, region, endpoint, because = texts

    def show(console: Console) -> None:
        console.print(identity_line(AwsIdentity(account, region, endpoint)))
        console.print(identity_line(AwsIdentity("", region, "", because)))
        show_status(console, StackStatus(account, "", {}, ()), region)

    output = rendered(show)
    for text in texts:
        assert shown_in(text, output), (text, output)


@pytest.fixture
def stubbed_aws(monkeypatch: pytest.MonkeyPatch) -> Stubbed:
    """AWS as botocore's Stubber plays it, for every client a command connects."""
    stubbed = stubbed_clients()
    monkeypatch.setattr(AwsClients, "connect", classmethod(lambda cls, target, fallback: stubbed.clients))
    return stubbed


def wstui(project: Path, *args: str) -> Result:
    return CliRunner(env=WIDE).invoke(cli, ["--project", str(project), *args])


def test_a_failed_deploy_prints_every_reason_and_stack_event_as_sent(chat_project: Path, stubbed_aws: Stubbed) -> None:
    expect_new_stack_deploy(
        stubbed_aws,
        event(1, "ConnectRole", "AWS::IAM::Role", "CREATE_FAILED", NASTY[2]),
        event(2, "ConnectionTable", "AWS::DynamoDB::Table", "CREATE_FAILED", NASTY[3]),
        stack_event(3, "ROLLBACK_IN_PROGRESS", NASTY[0]),
        stack_event(4, "ROLLBACK_COMPLETE", NASTY[9]),
    )
    result = wstui(chat_project, "deploy", "--yes", "--s3-bucket", "bucket")
    assert result.exit_code == 1 and not isinstance(result.exception, Exception), result.output
    stubbed_aws.verify()
    for reason in (NASTY[2], NASTY[3], NASTY[0], NASTY[9]):
        assert shown_in(reason, result.output), result.output
    assert f"ConnectRole (AWS::IAM::Role) CREATE_FAILED: {NASTY[2]}" in result.output


def test_the_outputs_and_the_last_line_are_the_outputs_saved(chat_project: Path, stubbed_aws: Stubbed) -> None:
    outputs = {URL_OUTPUT: URL, "Version": NASTY[1], "LogGroup": NASTY[3]}
    expect_new_stack_deploy(stubbed_aws, event(1, "ConnectRole", "AWS::IAM::Role", "CREATE_COMPLETE"), stack_event(2, "CREATE_COMPLETE"))
    stubbed_aws.cloudformation.add_response("describe_stacks", stack("CREATE_COMPLETE", outputs))
    result = wstui(chat_project, "deploy", "--yes", "--s3-bucket", "bucket")
    assert result.exit_code == 0, result.output
    saved = json.loads((chat_project / ".wstui" / "outputs.json").read_text())["deployments"][f"us-east-1/{STACK}"]["outputs"]
    assert result.output.splitlines()[-1] == saved[URL_OUTPUT] == URL
    for value in outputs.values():
        assert shown_in(value, result.output), result.output


def test_wstui_status_prints_reasons_and_outputs_as_they_came(chat_project: Path, stubbed_aws: Stubbed) -> None:
    stubbed_aws.cloudformation.add_response("describe_stacks", stack("UPDATE_ROLLBACK_COMPLETE", {"Version": NASTY[1]}))
    stubbed_aws.cloudformation.add_response("describe_stack_events", newest_first(
        event(1, "ConnectRole", "AWS::IAM::Role", "UPDATE_FAILED", NASTY[3]), stack_event(2, "UPDATE_ROLLBACK_COMPLETE")))
    result = wstui(chat_project, "status", "--stage", "v1")
    assert result.exit_code == 0, result.output
    assert shown_in(NASTY[1], result.output) and shown_in(NASTY[3], result.output), result.output


BUCKET_REFUSED = 'is not a valid S3 bucket name (3-63 lower-case letters, digits, "." and "-").'
STACK_REFUSED = 'Stack name "my[/x]" must start with a letter and hold only letters, digits and hyphens.'


@pytest.mark.parametrize(("args", "sentence"), [
    (["deploy", "--yes", "--s3-bucket", "s3://my-bucket"], f'"s3://my-bucket" {BUCKET_REFUSED} Give the name alone, without s3://.'),
    (["deploy", "--yes", "--s3-bucket", "my bucket"], f'"my bucket" {BUCKET_REFUSED}'),
    (["deploy", "--yes", "--stack-name", "my[/x]"], STACK_REFUSED),
    (["status", "--stack-name", "my[/x]"], STACK_REFUSED),
    (["remove", "--yes", "--stack-name", "my[/x]"], STACK_REFUSED),
])
def test_names_aws_would_refuse_are_refused_before_any_call(
    chat_project: Path, stubbed_aws: Stubbed, args: list[str], sentence: str
) -> None:
    """Any call would reach the Stubber, which has no answer for it."""
    result = wstui(chat_project, *args)
    assert result.exit_code == 2, result.output
    assert sentence in result.output


@pytest.mark.parametrize(("stack_name", "bucket"), [("chat-v1", "s3://my-bucket"), ("chat-v1", "my bucket"), ("my[/x]", "")])
def test_deploy_settings_check_the_names_as_wstui_toml_does(stack_name: str, bucket: str) -> None:
    with pytest.raises(UsageError, match="Stack name|not a valid S3 bucket name"):
        DeploySettings(stack_name, bucket)


def test_an_answer_wstui_cannot_read_is_one_sentence_and_debug_shows_the_traceback(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_pages_for(monkeypatch, "DescribeStacks")  # moto behind it answers the rest
    where = ["--endpoint-url", aws.endpoint_url, "--region", aws.region]
    result = CliRunner().invoke(cli, ["--project", str(chat_project), "deploy", "--plan", *where])
    assert result.exit_code == 1 and not isinstance(result.exception, Exception), result.output
    identity, stage, line = result.output.strip().splitlines()
    assert identity == f"Account 123456789012, region us-east-1, endpoint {aws.endpoint_url}"
    assert stage == "Stage v1, stack chat-v1"
    assert line.startswith("Error: Unexpected error (ResponseParserError: Unable to parse response (mismatched tag")
    assert line.endswith("invalid XML received. Further retries may succeed). `wstui --debug ...` shows the traceback.")
    debug = CliRunner().invoke(cli, ["--debug", "--project", str(chat_project), "deploy", "--plan", *where])
    assert type(debug.exception).__name__ == "ResponseParserError"
