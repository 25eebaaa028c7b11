"""Which account and region a cloud command acts in, said once; `.wstui/outputs.json` kept per region
and stack; a record that cannot be written said beside the success. Against the moto server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import handlers
from click.testing import CliRunner, Result

from wstui.cli.main import cli
from wstui.core.deploy.aws import AwsTarget
from wstui.core.deploy.outputs import load_records

ACCOUNT = "123456789012"


def run(project: Path, aws: AwsTarget, region: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args, "--endpoint-url", aws.endpoint_url, "--region", region])


def said_once(output: str, region: str, aws: AwsTarget) -> bool:
    return output.splitlines().count(f"Account {ACCOUNT}, region {region}, endpoint {aws.endpoint_url}") == 1


def live_stacks(aws: AwsTarget, region: str) -> list[str]:
    cloudformation = boto3.session.Session().client("cloudformation", endpoint_url=aws.endpoint_url, region_name=region)
    return [s["StackName"] for s in cloudformation.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]


def test_every_cloud_command_names_its_account_and_region_once(chat_project: Path, aws: AwsTarget) -> None:
    planned = run(chat_project, aws, "eu-west-1", "deploy", "--plan")
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith(f"Account {ACCOUNT}, region eu-west-1, endpoint {aws.endpoint_url}\n")
    assert said_once(planned.output, "eu-west-1", aws)
    missing = run(chat_project, aws, "eu-west-1", "status", "--stage", "v1")
    assert missing.exit_code == 1
    assert said_once(missing.output, "eu-west-1", aws) and "There is no stack chat-v1 in eu-west-1." in missing.output
    as_json = json.loads(run(chat_project, aws, "eu-west-1", "status", "--stage", "v1", "--json").output)
    assert (as_json["account"], as_json["region"], as_json["status"]) == (ACCOUNT, "eu-west-1", "")
    removed = run(chat_project, aws, "eu-west-1", "remove", "--yes")
    assert removed.exit_code == 0 and said_once(removed.output, "eu-west-1", aws)
    assert "There is no stack chat-v1: nothing to do." in removed.output


@pytest.mark.parametrize(
    ("variable", "config", "said"),
    [
        ("AWS_DEFAULT_REGION", "", "(from AWS_DEFAULT_REGION, not wstui.toml's us-east-1)"),
        ("", "[default]\nregion = eu-west-1\n", "(from profile default, not wstui.toml's us-east-1)"),
        ("AWS_REGION", "", "(from AWS_REGION, not wstui.toml's us-east-1)"),
    ],
    ids=["default-region", "profile", "region"],
)
def test_a_region_the_environment_puts_before_the_projects_is_said_where_it_comes_from(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, config: str, said: str
) -> None:
    """Precedence (docs/deploy.md): --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's, then wstui.toml's."""
    if variable:
        monkeypatch.setenv(variable, "eu-west-1")
    if config:
        (tmp_path / "config").write_text(config)
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    result = CliRunner().invoke(cli, ["--project", str(chat_project), "status", "--stage", "v1", "--endpoint-url", aws.endpoint_url])
    assert result.output.splitlines()[0] == f"Account {ACCOUNT}, region eu-west-1 {said}, endpoint {aws.endpoint_url}"
    assert "There is no stack chat-v1 in eu-west-1." in result.output
    chosen = run(chat_project, aws, "eu-west-1", "status")
    assert chosen.output.splitlines()[0] == f"Account {ACCOUNT}, region eu-west-1, endpoint {aws.endpoint_url}", "a region given is no surprise"


def test_when_aws_will_not_say_the_account_the_region_is_said_and_the_command_goes_on(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto answers every GetCallerIdentity: a refusal is made with botocore's before-call hook."""

    def refused(model: Any, **_: Any) -> None:
        from botocore.exceptions import ClientError

        error = {"Error": {"Code": "AccessDenied", "Message": "no sts for you [/x]"}, "ResponseMetadata": {"HTTPStatusCode": 403}}
        raise ClientError(error, model.name)

    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", [*handlers.BUILTIN_HANDLERS, ("before-call.sts.GetCallerIdentity", refused)])
    result = run(chat_project, aws, "eu-west-1", "status", "--stage", "v1")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    first, stage, second = result.output.splitlines()[:3]
    assert stage == "Stage v1, stack chat-v1"
    assert first.startswith(f"Account unknown, region eu-west-1, endpoint {aws.endpoint_url}: AWS denied access while asking AWS who you are: ")
    assert "no sts for you [/x]" in first
    assert second == "There is no stack chat-v1 in eu-west-1."
    as_json = json.loads(run(chat_project, aws, "eu-west-1", "status", "--stage", "v1", "--json").output)
    assert (as_json["account"], as_json["region"]) == (None, "eu-west-1")


def test_records_are_kept_per_region_and_remove_forgets_only_its_own(chat_project: Path, aws: AwsTarget) -> None:
    for region in ("us-east-1", "eu-west-1"):
        deployed = run(chat_project, aws, region, "deploy", "--create-bucket", "--yes")
        assert deployed.exit_code == 0, deployed.output
    assert sorted(load_records(chat_project)) == ["eu-west-1/chat-v1", "us-east-1/chat-v1"]
    removed = run(chat_project, aws, "eu-west-1", "remove", "--yes")
    assert removed.exit_code == 0, removed.output
    assert live_stacks(aws, "us-east-1") == ["chat-v1"] and live_stacks(aws, "eu-west-1") == []
    assert sorted(load_records(chat_project)) == ["us-east-1/chat-v1"], "the live stack's record stays"
    again = run(chat_project, aws, "us-east-1", "remove", "--yes")
    assert again.exit_code == 0, again.output
    assert not (chat_project / ".wstui" / "outputs.json").exists()


@pytest.mark.parametrize(
    ("blocker", "why"),
    [
        (".wstui/outputs.json", "Cannot write {path}: Is a directory."),
        (".wstui", "Cannot write {path}: cannot make the folder {folder} (File exists)."),
    ],
    ids=["record-is-a-folder", "folder-is-a-file"],
)
def test_a_record_that_cannot_be_written_is_said_beside_the_success(
    chat_project: Path, aws: AwsTarget, blocker: str, why: str
) -> None:
    if blocker.endswith(".json"):
        (chat_project / blocker).mkdir(parents=True)
    else:
        (chat_project / blocker).write_text("not a folder\n")
    result = run(chat_project, aws, "us-east-1", "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 0, result.output
    path = chat_project / ".wstui" / "outputs.json"
    reason = why.format(path=path, folder=path.parent)
    assert "CREATE_COMPLETE: stack chat-v1" in result.output
    assert f"Stack chat-v1 is up. Its record could not be written: {reason} `wstui console --deployed`" in result.output
    assert "Saved to" not in result.output
