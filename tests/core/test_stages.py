"""Stages in wstui.toml: [stage] names the default, [stages.NAME] overrides; each stage its own stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_project import BASE, make_project, problems_of
from wstui.core.project.load import load_project
from wstui.core.project.model import Secret
from wstui.core.project.stage_checks import stage_name_problem

STAGES = BASE + """
[stage]
name = "dev"
log_retention = 7

[functions]
memory = 256
timeout = 10

[functions.environment]
LOG_LEVEL = "debug"

[stages.prod]
memory = 1024
throttling_burst = 200
throttling_rate = 50
access_logging = true
log_retention = 90
protected = true

[stages.prod.environment]
LOG_LEVEL = "info"
API_KEY = { secret = "prod_api_key" }
"""


def test_the_default_stage_takes_stage_and_functions(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path, STAGES))
    stage = project.active_stage
    assert (stage.name, stage.stack_name, stage.memory, stage.timeout) == ("dev", "demo-dev", 256, 10)
    assert stage.environment == {"LOG_LEVEL": "debug"}
    assert (stage.log_retention, stage.access_logging, stage.protected) == (7, False, False)
    assert project.stage_names() == ["dev", "prod"]


def test_a_stage_section_overrides_what_it_names_and_keeps_the_rest(tmp_path: Path) -> None:
    prod = load_project(make_project(tmp_path, STAGES)).at_stage("prod")
    stage = prod.active_stage
    assert (prod.stage_name, prod.stack_name) == ("prod", "demo-prod")
    assert (stage.memory, stage.timeout, stage.log_retention) == (1024, 10, 90)
    assert (stage.throttling_burst, stage.throttling_rate, stage.access_logging, stage.protected) == (200, 50, True, True)
    assert stage.environment == {"LOG_LEVEL": "info", "API_KEY": Secret("prod_api_key")}


def test_only_the_chosen_stage_needs_its_secrets(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path, STAGES))
    assert project.secret_uses() == []
    assert project.at_stage("prod").secret_uses() == [(("stages", "prod", "environment", "API_KEY"), "prod_api_key")]


def test_a_secret_the_stage_replaces_is_not_needed_by_that_stage(tmp_path: Path) -> None:
    toml = STAGES.replace('LOG_LEVEL = "debug"', 'LOG_LEVEL = "debug"\nAPI_KEY = { secret = "dev_api_key" }')
    project = load_project(make_project(tmp_path, toml))
    assert project.secret_uses() == [(("functions", "environment", "API_KEY"), "dev_api_key")]
    assert project.at_stage("prod").secret_uses() == [(("stages", "prod", "environment", "API_KEY"), "prod_api_key")]


def test_a_stage_wstui_toml_does_not_name_has_the_shared_settings(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path, STAGES))
    stage = project.resolve_stage("pr-42")
    assert (stage.stack_name, stage.memory, stage.log_retention) == ("demo-pr-42", 256, 7)
    assert stage_name_problem(project, "pr-42") == ""
    assert "may hold only letters" in stage_name_problem(project, "pr 42")
    assert 'would deploy to stack "demo-my_stage"' in stage_name_problem(project, "my_stage")


def test_deploy_stack_name_stays_the_default_stages_stack(tmp_path: Path) -> None:
    """A project made before stages that named its stack keeps deploying to it; other stages get their own."""
    project = load_project(make_project(tmp_path, BASE + '\n[deploy]\nstack_name = "demo"\n\n[stages.prod]\n'))
    assert project.stack_name == "demo"
    assert project.stack_name_for("v1") == "demo"
    assert project.stack_name_for("prod") == "demo-prod"
    assert load_project(make_project(tmp_path, BASE)).stack_name == "demo-v1"


@pytest.mark.parametrize(
    ("extra", "line", "expected"),
    [
        ("\n[stages.prod]\nmemory = 64\n", 13, "[stages.prod] Memory 64 MB is outside Lambda's 128-10240 MB."),
        ("\n[stages.prod]\ntimeout = 0\n", 13, "[stages.prod] Timeout 0 s is outside Lambda's 1-900 s."),
        ("\n[stages.prod]\nmemroy = 512\n", 13, 'Unknown key "memroy" in [stages.prod]: did you mean "memory"?'),
        ('\n[stages.prod]\nprotected = "yes"\n', 13, '"stages.prod.protected" must be a boolean, not a string.'),
        ("\n[stages.prod]\nlog_retention = 10\n", 13, "[stages.prod] log_retention: CloudWatch Logs keeps logs for"),
        ("\n[stages.prod]\nlog_retention = 10\n", 13, "not 10: the nearest is 7."),
        ("\n[stage]\nlog_retention = 8\n", 13, "[stage] log_retention:"),
        ("\n[stages.prod]\nthrottling_burst = -1\n", 13, "[stages.prod] throttling_burst must be 0 or more"),
        ('\n[stages.prod]\nthrottling_rate = "fast"\n', 13, '"stages.prod.throttling_rate" must be a number, not a string.'),
        ("\n[stages.prod.environment]\nAWS_REGION = \"x\"\n", 13, '[stages.prod] Environment variable "AWS_REGION" is reserved'),
        ('\n[stages.prod]\nstack_name = "my_stack"\n', 13, '[stages.prod] stack_name: Stack name "my_stack" must start'),
        ('\n[stages."my stage"]\n', 12, 'Stage name "my stage" may hold only letters'),
        ("\n[stages.my_stage]\n", 12, 'Stage "my_stage" would deploy to stack "demo-my_stage"'),
        ('\n[stages.prod]\n\n[stages.live]\nstack_name = "demo-prod"\n', 15,
         'Stages "prod" and "live" would both deploy to stack "demo-prod": give one its own stack_name in [stages.live].'),
        ("\n[stages]\nprod = 1\n", 13, "stages.prod must be a table, not an integer."),
    ],
)
def test_each_stage_problem_names_the_stage_the_key_and_its_line(tmp_path: Path, extra: str, line: int, expected: str) -> None:
    make_project(tmp_path, BASE + extra)
    (problem,) = problems_of(tmp_path)
    assert f"wstui.toml:{line}: " in problem
    assert expected in problem


def test_a_stage_may_not_set_the_connection_tables_variable(tmp_path: Path) -> None:
    make_project(tmp_path, BASE + '\n[connection_table]\n\n[stages.prod.environment]\nCONNECTION_TABLE = "x"\n')
    (problem,) = problems_of(tmp_path)
    assert 'Environment variable "CONNECTION_TABLE" is set by the connection table' in problem


def test_a_throttling_rate_may_be_written_without_a_point(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path, BASE + "\n[stages.prod]\nthrottling_rate = 50\n"))
    assert project.at_stage("prod").active_stage.throttling_rate == 50
