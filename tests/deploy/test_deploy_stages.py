"""Stages end to end against moto's server: each stage its own stack, outputs and artifacts; removing
one never touches another; `wstui status` lists them all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.test_deploy_cli import client, objects, run
from wstui.core.deploy.aws import AwsTarget

PROD = """
[stages.prod]
memory = 512
log_retention = 30
throttling_burst = 100
throttling_rate = 50
protected = true

[stages.prod.environment]
LOG_LEVEL = "info"
"""


@pytest.fixture
def staged(chat_project: Path) -> Path:
    with (chat_project / "wstui.toml").open("a", encoding="utf-8") as toml:
        toml.write(PROD)
    return chat_project


def stack(aws: AwsTarget, name: str) -> dict[str, Any]:
    (found,) = client(aws, "cloudformation").describe_stacks(StackName=name)["Stacks"]
    return found


def resources(aws: AwsTarget, name: str) -> set[tuple[str, str]]:
    rows = client(aws, "cloudformation").describe_stack_resources(StackName=name)["StackResources"]
    return {(row.get("LogicalResourceId", ""), row.get("PhysicalResourceId", "")) for row in rows}


def function_of(aws: AwsTarget, stack_name: str, logical_id: str) -> dict[str, Any]:
    rows = client(aws, "cloudformation").describe_stack_resources(StackName=stack_name)["StackResources"]
    (physical,) = [row["PhysicalResourceId"] for row in rows if row.get("LogicalResourceId") == logical_id]
    return client(aws, "lambda").get_function_configuration(FunctionName=physical)


def made_before_stages(aws: AwsTarget, name: str) -> None:
    """Make the stack again as a deploy made before stages left it: the same template and parameters,
    no tags (moto keeps a stack's tags through an update that gives none)."""
    cloudformation = client(aws, "cloudformation")
    template = cloudformation.get_template(StackName=name)["TemplateBody"]
    parameters = [{"ParameterKey": p["ParameterKey"], "ParameterValue": p["ParameterValue"]} for p in stack(aws, name)["Parameters"]]
    cloudformation.delete_stack(StackName=name)
    cloudformation.create_stack(StackName=name, TemplateBody=template if isinstance(template, str) else json.dumps(template),
                                Parameters=parameters, Capabilities=["CAPABILITY_IAM"])
    assert not stack(aws, name).get("Tags")


def records(project: Path) -> dict[str, Any]:
    return json.loads((project / ".wstui" / "outputs.json").read_text())["deployments"]


def test_removing_dev_leaves_prod_whole(staged: Path, aws: AwsTarget) -> None:
    dev = run(staged, aws, "deploy", "--stage", "dev", "--create-bucket", "--yes")
    assert dev.exit_code == 0, dev.output
    assert "Stage dev, stack chat-dev" in dev.output and "Change set for chat-dev (stage dev, CREATE" in dev.output
    prod = run(staged, aws, "deploy", "--stage", "prod", "--yes")
    assert prod.exit_code == 0, prod.output
    assert set(records(staged)) == {"us-east-1/chat-dev", "us-east-1/chat-prod"}
    prod_resources = resources(aws, "chat-prod")
    prod_objects = [key for key in objects(aws) if key.startswith("wstui/chat-prod/")]
    assert prod_objects and any(key.startswith("wstui/chat-dev/") for key in objects(aws))

    removed = run(staged, aws, "remove", "--stage", "dev", "--yes")
    assert removed.exit_code == 0, removed.output
    assert "Removed stack chat-dev" in removed.output
    assert resources(aws, "chat-prod") == prod_resources
    assert stack(aws, "chat-prod")["StackStatus"] == "CREATE_COMPLETE"
    assert sorted(objects(aws)) == sorted(prod_objects)
    assert set(records(staged)) == {"us-east-1/chat-prod"}
    assert "chat-dev" not in [s["StackName"] for s in client(aws, "cloudformation").describe_stacks()["Stacks"]]


def test_a_stage_deploys_its_own_settings(staged: Path, aws: AwsTarget) -> None:
    deployed = run(staged, aws, "deploy", "--stage", "prod", "--create-bucket", "--yes")
    assert deployed.exit_code == 0, deployed.output
    function = function_of(aws, "chat-prod", "HandlersSendMessageHandleFunction")
    assert function["MemorySize"] == 512
    assert function["Environment"]["Variables"]["LOG_LEVEL"] == "info"
    groups = client(aws, "logs").describe_log_groups()["logGroups"]
    assert groups and {group.get("retentionInDays") for group in groups} == {30}
    tags = {tag["Key"]: tag["Value"] for tag in stack(aws, "chat-prod")["Tags"]}
    assert (tags["wstui:project"], tags["wstui:stage"]) == ("chat", "prod")


def test_status_without_a_stage_lists_every_deployed_stage(staged: Path, aws: AwsTarget) -> None:
    nothing = run(staged, aws, "status")
    assert nothing.exit_code == 1
    assert "No stage of chat is deployed in us-east-1: `wstui deploy --stage NAME` deploys one." in nothing.output
    for stage in ("v1", "pr-7"):
        assert run(staged, aws, "deploy", "--stage", stage, "--create-bucket", "--yes").exit_code == 0
    listed = run(staged, aws, "status", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)["stages"]
    assert [(row["stage"], row["stack_name"], row["status"]) for row in rows] == [
        ("v1", "chat-v1", "CREATE_COMPLETE"), ("pr-7", "chat-pr-7", "CREATE_COMPLETE")]
    assert all(row["updated"] for row in rows)
    shown = run(staged, aws, "status")
    assert shown.exit_code == 0, shown.output
    assert "Stages of chat" in shown.output and "chat-pr-7" in shown.output


def test_a_stack_deployed_before_stages_is_found_by_its_name(staged: Path, aws: AwsTarget) -> None:
    """A stack made before deploys tagged their stage, as [deploy] stack_name named it, stays the default stage's."""
    toml = staged / "wstui.toml"
    toml.write_text(toml.read_text().replace("[connection_table]", '[deploy]\nstack_name = "chat"\n\n[connection_table]'))
    assert run(staged, aws, "deploy", "--create-bucket", "--yes").exit_code == 0
    made_before_stages(aws, "chat")
    rows = json.loads(run(staged, aws, "status", "--json").output)["stages"]
    assert [(row["stage"], row["stack_name"]) for row in rows] == [("v1", "chat")]
    again = run(staged, aws, "deploy", "--yes")
    assert again.exit_code == 0, again.output
    assert "Stage v1, stack chat\n" in again.output and "CREATE" not in again.output
