"""`wstui deploy`, `status` and `remove` end to end against a real moto server on 127.0.0.1.

moto's CloudFormation gains ApiGatewayV2 support from `moto_models/` (this suite's own models on top of
moto's apigatewayv2 backend), so a deployed stack really has its API, routes and stage.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result

from wstui.cli.main import cli
from wstui.core.deploy.aws import AwsTarget

BUCKET = "wstui-artifacts-123456789012-us-east-1"


def run(project: Path, aws: AwsTarget, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args, "--endpoint-url", aws.endpoint_url, "--region", aws.region])


def client(aws: AwsTarget, service: str) -> Any:
    return boto3.session.Session().client(service, endpoint_url=aws.endpoint_url, region_name=aws.region)


def objects(aws: AwsTarget, bucket: str = BUCKET) -> list[str]:
    return [item["Key"] for item in client(aws, "s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


def event_count(aws: AwsTarget, stack: str = "chat-v1") -> int:
    return len(client(aws, "cloudformation").describe_stack_events(StackName=stack)["StackEvents"])


def deployed_routes(aws: AwsTarget) -> set[str]:
    apigateway = client(aws, "apigatewayv2")
    (api,) = apigateway.get_apis()["Items"]
    return {route["RouteKey"] for route in apigateway.get_routes(ApiId=api["ApiId"])["Items"]}


def test_create_redeploy_unchanged_add_a_route_status_and_remove(chat_project: Path, aws: AwsTarget) -> None:
    created = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert created.exit_code == 0, created.output
    assert "Created bucket" in created.output and "Change set for chat-v1 (stage v1, CREATE, 19 changes)" in created.output
    assert "CREATE_COMPLETE: stack chat-v1" in created.output
    assert deployed_routes(aws) == {"$connect", "$disconnect", "sendmessage"}
    (code_key,) = objects(aws)
    assert code_key.startswith("wstui/chat-v1/") and code_key.endswith(".zip")
    assert created.output.startswith(f"Account 123456789012, region us-east-1, endpoint {aws.endpoint_url}\n")
    saved = json.loads((chat_project / ".wstui" / "outputs.json").read_text())
    assert list(saved["deployments"]) == ["us-east-1/chat-v1"]

    events_before = event_count(aws)
    unchanged = run(chat_project, aws, "deploy", "--yes")
    assert unchanged.exit_code == 0, unchanged.output
    assert "No changes: stack chat-v1 is up to date." in unchanged.output
    assert "Uploaded" not in unchanged.output
    assert objects(aws) == [code_key]
    assert event_count(aws) == events_before

    added = CliRunner().invoke(cli, ["--project", str(chat_project), "routes", "add", "ping", "--handler", "handlers.send_message:handle"])
    assert added.exit_code == 0, added.output
    updated = run(chat_project, aws, "deploy", "--yes")
    assert updated.exit_code == 0, updated.output
    for line in ("Add    │ RoutePing", "Add    │ IntegrationPing", "Modify │ Stage"):
        assert line in updated.output
    assert "Unchanged, not uploaded" in updated.output
    assert "UPDATE_COMPLETE: stack chat-v1" in updated.output
    assert deployed_routes(aws) == {"$connect", "$disconnect", "sendmessage", "ping"}

    status = run(chat_project, aws, "status", "--stage", "v1", "--json")
    assert status.exit_code == 0, status.output
    document = json.loads(status.output)
    assert document["status"] == "UPDATE_COMPLETE"
    assert document["events"][-1]["status"] == "UPDATE_COMPLETE"

    client(aws, "s3").put_object(Bucket=BUCKET, Key="someone-else/keep.txt", Body=b"mine")
    removed = run(chat_project, aws, "remove", "--yes")
    assert removed.exit_code == 0, removed.output
    assert f"Removed stack chat-v1 and 1 artifacts from s3://{BUCKET}" in removed.output
    assert objects(aws) == ["someone-else/keep.txt"]
    assert not (chat_project / ".wstui" / "outputs.json").exists()
    gone = run(chat_project, aws, "status", "--stage", "v1")
    assert gone.exit_code == 1 and "There is no stack chat-v1 in us-east-1." in gone.output


def test_plan_shows_the_change_set_and_leaves_nothing_behind(chat_project: Path, aws: AwsTarget) -> None:
    result = run(chat_project, aws, "deploy", "--plan")
    assert result.exit_code == 0, result.output
    assert "Add    │ WebSocketApi" in result.output
    assert f"Would create bucket {BUCKET} in us-east-1" in result.output
    assert f"Would upload s3://{BUCKET}/wstui/chat-v1/" in result.output
    assert client(aws, "s3").list_buckets()["Buckets"] == []
    stacks = client(aws, "cloudformation").list_stacks()["StackSummaries"]
    assert [s["StackStatus"] for s in stacks if s["StackName"] == "chat-v1"] in ([], ["DELETE_COMPLETE"])


def test_a_plan_lists_the_archive_and_uploads_creates_and_changes_nothing(chat_project: Path, aws: AwsTarget) -> None:
    created = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert created.exit_code == 0, created.output
    handler = chat_project / "handlers" / "connect.py"
    handler.write_text(handler.read_text() + "\n# changed\n")
    cloudformation = client(aws, "cloudformation")

    def stack_and_bucket() -> tuple[object, ...]:
        (stack,) = cloudformation.describe_stacks(StackName="chat-v1")["Stacks"]
        change_sets = [summary["ChangeSetId"] for summary in cloudformation.list_change_sets(StackName="chat-v1")["Summaries"]]
        return objects(aws), stack["StackStatus"], event_count(aws), change_sets

    before = stack_and_bucket()
    planned = run(chat_project, aws, "deploy", "--plan")
    assert planned.exit_code == 0, planned.output
    assert "Code archive: 5 files" in planned.output
    for name in ("handlers/__init__.py", "handlers/connect.py", "handlers/connections.py", "handlers/disconnect.py",
                 "handlers/send_message.py"):
        assert name in planned.output
    assert "README.md" not in planned.output and "tests/" not in planned.output
    assert f"Would upload s3://{BUCKET}/wstui/chat-v1/" in planned.output
    assert stack_and_bucket() == before, "moto lists executed change sets too: the plan's must not join them"
    assert [bucket["Name"] for bucket in client(aws, "s3").list_buckets()["Buckets"]] == [BUCKET]


def test_without_yes_and_nobody_to_ask_nothing_is_applied(chat_project: Path, aws: AwsTarget) -> None:
    result = run(chat_project, aws, "deploy", "--create-bucket")
    assert result.exit_code == 2
    assert "run again with --yes" in result.output
    assert "the change set for chat-v1 was deleted" in result.output
    assert client(aws, "s3").list_buckets()["Buckets"] == []


def test_a_missing_bucket_gets_one_sentence(chat_project: Path, aws: AwsTarget) -> None:
    result = run(chat_project, aws, "deploy", "--yes")
    assert result.exit_code == 1
    assert f"Error: Bucket {BUCKET} does not exist in us-east-1. Run again with --create-bucket" in result.output
    assert "Traceback" not in result.output


def test_a_bucket_in_another_region_gets_one_sentence(chat_project: Path, aws: AwsTarget) -> None:
    client(aws, "s3").create_bucket(Bucket="far-away", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    result = run(chat_project, aws, "deploy", "--s3-bucket", "far-away", "--yes")
    assert result.exit_code == 1
    assert "Bucket far-away is in eu-west-1, but the stack deploys to us-east-1" in result.output


def test_parameters_and_tags_reach_the_stack(chat_project: Path, aws: AwsTarget) -> None:
    result = run(chat_project, aws, "deploy", "--create-bucket", "--yes", "--tag", "team=chat", "--stack-name", "chat-test")
    assert result.exit_code == 0, result.output
    (stack,) = client(aws, "cloudformation").describe_stacks(StackName="chat-test")["Stacks"]
    assert {"Key": "team", "Value": "chat"} in stack["Tags"]
    unknown = run(chat_project, aws, "deploy", "--param", "Nope=1", "--yes")
    assert unknown.exit_code == 2 and "The template has no parameter Nope" in unknown.output
    malformed = run(chat_project, aws, "deploy", "--tag", "novalue")
    assert malformed.exit_code == 2 and '"novalue" is not KEY=VALUE' in malformed.output


@pytest.mark.parametrize(
    ("change", "message", "code"),
    [
        ({"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_SESSION_TOKEN": None}, "No AWS credentials found", 1),
        ({"AWS_PROFILE": "nobody"}, "AWS profile 'nobody' is not configured", 2),
    ],
)
def test_credential_problems_get_one_sentence(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch, change: dict[str, str | None], message: str, code: int
) -> None:
    for name, value in change.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    result = run(chat_project, aws, "deploy", "--yes")
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_template_too_large_to_send_inline_goes_through_s3(chat_project: Path, aws: AwsTarget) -> None:
    toml = chat_project / "wstui.toml"
    toml.write_text(toml.read_text() + "".join(
        f'\n[[routes]]\nkey = "topic{n}"\nhandler = "handlers.send_message:handle"\n' for n in range(40)
    ))
    result = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 0, result.output
    assert "Created bucket" in result.output
    assert ".template.json (" in result.output
    assert "CREATE_COMPLETE: stack chat-v1" in result.output
    assert len(deployed_routes(aws)) == 43
    assert sorted(key.rsplit(".", 2)[-2:][-1] for key in objects(aws)) == ["json", "zip"]
    again = run(chat_project, aws, "deploy", "--yes")
    assert "No changes" in again.output and "Uploaded" not in again.output


def test_a_plan_with_a_template_too_large_to_send_inline_says_why_it_uploads_it_and_deletes_it_after(
    chat_project: Path, aws: AwsTarget
) -> None:
    toml = chat_project / "wstui.toml"
    toml.write_text(toml.read_text() + "".join(
        f'\n[[routes]]\nkey = "topic{n}"\nhandler = "handlers.send_message:handle"\n' for n in range(40)
    ))
    help_text = " ".join(run(chat_project, aws, "deploy", "--help").output.split())
    assert "a template over 51,200 bytes, which CloudFormation reads from S3 only, is uploaded" in help_text
    no_bucket = run(chat_project, aws, "deploy", "--plan", "--create-bucket")
    assert no_bucket.exit_code == 1
    assert "over 51,200 bytes, so CloudFormation reads it from S3" in no_bucket.output
    assert "--plan creates no bucket" in no_bucket.output
    assert client(aws, "s3").list_buckets()["Buckets"] == []

    client(aws, "s3").create_bucket(Bucket=BUCKET)
    planned = run(chat_project, aws, "deploy", "--plan")
    assert planned.exit_code == 0, planned.output
    assert "template.json" in planned.output
    assert "CloudFormation reads a template over 51,200 bytes from S3 only" in planned.output
    assert "it was uploaded for this plan only" in planned.output
    assert objects(aws) == []
    stacks = client(aws, "cloudformation").list_stacks()["StackSummaries"]
    assert [s["StackStatus"] for s in stacks if s["StackName"] == "chat-v1"] == ["DELETE_COMPLETE"]


def test_deploy_calls_the_plugin_hooks_for_archive_files_and_before_and_after(chat_project: Path, aws: AwsTarget) -> None:
    (chat_project / "extra.txt").write_text("from a plugin\n")
    (chat_project / "deploy_hooks.py").write_text(
        "import json\n"
        "from pathlib import Path\n"
        "from wstui.core.plugins.hookspecs import hookimpl\n\n"
        "@hookimpl\n"
        "def wstui_archive_files(project):\n"
        "    return [('plugin/extra.txt', project.directory / 'extra.txt')]\n\n"
        "@hookimpl\n"
        "def wstui_before_deploy(project, template):\n"
        "    (project.directory / 'before.json').write_text(json.dumps(sorted(template['Resources'])))\n\n"
        "@hookimpl\n"
        "def wstui_after_deploy(project, outputs):\n"
        "    assert (project.directory / '.wstui' / 'outputs.json').exists()\n"
        "    (project.directory / 'after.json').write_text(json.dumps(outputs))\n"
    )
    toml = chat_project / "wstui.toml"
    toml.write_text(toml.read_text().replace("[project]\n", '[project]\nplugins = ["deploy_hooks"]\n', 1))
    result = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 0, result.output
    assert "WebSocketApi" in json.loads((chat_project / "before.json").read_text())
    assert json.loads((chat_project / "after.json").read_text()) == {}
    (code_key,) = objects(aws)
    body = client(aws, "s3").get_object(Bucket=BUCKET, Key=code_key)["Body"].read()
    assert zipfile.ZipFile(io.BytesIO(body)).read("plugin/extra.txt") == b"from a plugin\n"


def test_ctrl_c_while_watching_leaves_the_stack_operation_running(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto finishes a stack at once, so what is checked is what wstui asks of CloudFormation after
    the Ctrl-C: nothing that would stop, roll back or delete the operation."""
    from botocore import handlers

    from wstui.core.deploy.stack_events import StackEventStream

    calls: list[str] = []
    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", [
        *handlers.BUILTIN_HANDLERS, ("before-call.cloudformation", lambda model, **_: calls.append(model.name)),
    ])

    def interrupted(self: StackEventStream) -> Iterator[object]:
        calls.append("(Ctrl-C)")
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(StackEventStream, "follow", interrupted)
    result = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 130
    assert "Stopped watching. The stack operation goes on in CloudFormation" in result.output
    assert "wstui status --follow" in result.output
    after = calls[calls.index("(Ctrl-C)") + 1:]
    assert "ExecuteChangeSet" in calls[:calls.index("(Ctrl-C)")]
    assert not {"CancelUpdateStack", "RollbackStack", "DeleteStack", "DeleteChangeSet"} & set(after), after
    (stack,) = client(aws, "cloudformation").describe_stacks(StackName="chat-v1")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def test_the_region_comes_from_aws_region_when_not_given(chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    result = CliRunner().invoke(cli, ["--project", str(chat_project), "deploy", "--endpoint-url", aws.endpoint_url, "--yes"])
    assert result.exit_code == 1
    assert "Bucket wstui-artifacts-123456789012-eu-west-1 does not exist in eu-west-1" in result.output


def test_ctrl_c_before_anything_is_applied_says_so(chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    from wstui.core.deploy import deployer

    def interrupted(self: object, dry_run: bool = False) -> Iterator[object]:
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(deployer.Deployer, "plan", interrupted)
    result = run(chat_project, aws, "deploy", "--yes")
    assert result.exit_code == 130
    assert "Stopped. Nothing was applied to the stack." in result.output
    assert "goes on in CloudFormation" not in result.output


def test_a_region_that_is_not_one_is_a_usage_error(chat_project: Path, aws: AwsTarget) -> None:
    result = CliRunner().invoke(cli, ["--project", str(chat_project), "status", "--region", "eu west", "--endpoint-url", aws.endpoint_url])
    assert result.exit_code == 2
    assert "'eu west' is not an AWS region name" in result.output
