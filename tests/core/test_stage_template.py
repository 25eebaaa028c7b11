"""The template of each stage: its name in the URL and ARNs, its function settings, throttling, access
log and log retention; cfn-lint clean for every combination."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from tests.core.test_template import PROJECTS, copy_project, props, resources, role_of, statements, sub_text
from wstui.core.project.load import load_project
from wstui.core.template import synthesize
from wstui.core.template.stage import ACCESS_LOG_FIELDS

STAGES = """
[stages.dev]
log_retention = 7

[stages.prod]
memory = 1024
timeout = 30
throttling_burst = 200
throttling_rate = 50.5
access_logging = true
log_retention = 90
description = "Production"

[stages.prod.environment]
LOG_LEVEL = "info"
API_KEY = { secret = "prod_api_key" }

[stages.audit]
access_logging = true
"""


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = copy_project(PROJECTS["chat"], tmp_path_factory.mktemp("stages") / "chat")
    with (directory / "wstui.toml").open("a", encoding="utf-8") as toml:
        toml.write(STAGES)
    return directory


def template_at(directory: Path, stage: str | None) -> dict[str, Any]:
    return synthesize(load_project(directory).at_stage(stage)).to_dict()


@pytest.mark.parametrize("stage", [None, "dev", "prod", "audit", "pr-42"])
def test_every_stages_template_is_cfn_lint_clean(chat: Path, stage: str | None) -> None:
    project = load_project(chat).at_stage(stage)
    text = synthesize(project).render("json")
    assert [str(m) for m in lint(text, config=ManualArgs(regions=[project.project.region]))] == []


def test_the_stage_names_the_url_the_permissions_and_the_api_stage(chat: Path) -> None:
    template = template_at(chat, "prod")
    (stage,) = resources(template, "AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["StageName"] == "prod"
    assert stage["Properties"]["Description"] == "Production"
    assert sub_text(template["Outputs"]["APIGatewayURL"]["Value"]).endswith("/prod")
    for permission in resources(template, "AWS::Lambda::Permission").values():
        source = sub_text(permission["Properties"]["SourceArn"])
        assert "/prod/" in source or "/authorizers/" in source


def test_a_stage_sets_memory_timeout_and_environment_of_every_function(chat: Path) -> None:
    template = template_at(chat, "prod")
    for name, function in resources(template, "AWS::Lambda::Function").items():
        p = function["Properties"]
        assert (p["MemorySize"], p["Timeout"]) == (1024, 30), name
        assert p["Environment"]["Variables"]["LOG_LEVEL"] == "info"
        assert p["Environment"]["Variables"]["API_KEY"] == {"Ref": "SecretProdApiKey"}
    assert template["Parameters"]["SecretProdApiKey"]["NoEcho"] is True
    assert "SecretProdApiKey" not in template_at(chat, "dev")["Parameters"]


def test_throttling_and_the_access_log(chat: Path) -> None:
    template = template_at(chat, "prod")
    stage = props(template, "Stage")
    assert stage["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 50.5}
    assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["AccessLogs", "Arn"]}
    assert '"routeKey":"$context.routeKey"' in stage["AccessLogSettings"]["Format"]
    assert set(ACCESS_LOG_FIELDS) >= {"requestId", "connectionId", "eventType", "routeKey", "status"}
    assert props(template, "AccessLogs") == {"RetentionInDays": 90}
    assert "Properties" not in template_at(chat, "audit")["Resources"]["AccessLogs"]  # kept for ever


def test_log_retention_gives_each_function_a_log_group_of_its_own(chat: Path) -> None:
    template = template_at(chat, "dev")
    functions = resources(template, "AWS::Lambda::Function")
    groups = resources(template, "AWS::Logs::LogGroup")
    assert len(groups) == len(functions)
    for name, function in functions.items():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert props(template, group) == {"RetentionInDays": 7}
        logs = [s for s in statements(template, role_of(template, name)) if any(a.startswith("logs:") for a in s["Action"])]
        assert logs == [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                         "Resource": {"Fn::GetAtt": [group, "Arn"]}}]


def test_a_stage_that_sets_nothing_builds_the_default_stages_template_but_for_its_name(chat: Path) -> None:
    default = synthesize(load_project(PROJECTS["chat"])).render("json")
    other = synthesize(load_project(PROJECTS["chat"]).at_stage("pr-42")).render("json")
    assert other.replace("pr-42", "v1") == default
    assert "AWS::Logs::LogGroup" not in default and "DefaultRouteSettings" not in default
