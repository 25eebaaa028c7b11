"""A secret reaches CloudFormation as a NoEcho parameter that every deploy passes, against the moto server:
the function gets the value, the stored template and the output never show it, and an unchanged secret
plans no change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.deploy.test_deploy_cli import client, run
from tests.project_secrets import token_of
from wstui.core.deploy.aws import AwsTarget

AUTHORIZER_FUNCTION = "HandlersAuthorizerHandleFunction"


def stored_template(aws: AwsTarget) -> dict[str, Any]:
    body = client(aws, "cloudformation").get_template(StackName="chat-v1")["TemplateBody"]
    return json.loads(body) if isinstance(body, str) else dict(body)


def authorizer_environment(aws: AwsTarget) -> dict[str, str]:
    resources = client(aws, "cloudformation").describe_stack_resources(StackName="chat-v1")["StackResources"]
    (name,) = [r["PhysicalResourceId"] for r in resources if r.get("LogicalResourceId") == AUTHORIZER_FUNCTION]
    return client(aws, "lambda").get_function_configuration(FunctionName=name)["Environment"]["Variables"]


def test_the_secret_is_a_noecho_parameter_passed_on_every_deploy(chat_with_token: Path, aws: AwsTarget) -> None:
    token = token_of(chat_with_token)
    created = run(chat_with_token, aws, "deploy", "--create-bucket", "--yes")
    assert created.exit_code == 0, created.output
    assert "CREATE_COMPLETE: stack chat-v1" in created.output and token not in created.output
    (stack,) = client(aws, "cloudformation").describe_stacks(StackName="chat-v1")["Stacks"]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    # AWS answers "****" for a NoEcho parameter; moto 5 answers the value.
    assert parameters["SecretAuthToken"] in (token, "****")
    template = stored_template(aws)
    assert template["Parameters"]["SecretAuthToken"]["NoEcho"] is True
    assert token not in json.dumps(template)
    assert authorizer_environment(aws)["AUTH_TOKEN"] == token

    unchanged = run(chat_with_token, aws, "deploy", "--yes")
    assert unchanged.exit_code == 0, unchanged.output
    assert "No changes: stack chat-v1 is up to date." in unchanged.output

    (chat_with_token / ".wstui" / "secrets.toml").write_text('auth_token = "rotated-token"\n', encoding="utf-8")
    rotated = run(chat_with_token, aws, "deploy", "--yes")
    assert rotated.exit_code == 0, rotated.output
    assert "UPDATE_COMPLETE: stack chat-v1" in rotated.output and "rotated-token" not in rotated.output
    assert authorizer_environment(aws)["AUTH_TOKEN"] == "rotated-token"


def test_a_missing_secret_stops_the_deploy_before_anything_is_created(chat_with_token: Path, aws: AwsTarget) -> None:
    (chat_with_token / ".wstui" / "secrets.toml").unlink()
    result = run(chat_with_token, aws, "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 2
    assert 'AUTH_TOKEN is the secret "auth_token", which has no value' in result.output
    assert "WSTUI_SECRET_AUTH_TOKEN" in result.output and "Traceback" not in result.output
    assert client(aws, "s3").list_buckets()["Buckets"] == []
