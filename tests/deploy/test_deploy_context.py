"""The `context` of the deploy and remove hooks: where the operation really goes, clients that go there,
the change set's summary, and `report()` lines in the CLI's output; against a real moto server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_deploy_cli import client, run

from wstui.cli.main import cli
from wstui.core.deploy.aws import AwsTarget

CONTEXT_RULES = '''
import json
from pathlib import Path

from wstui.plugin import hookimpl


def record(context, hook, **more):
    told = {"stage": context.stage, "stack_name": context.stack_name, "region": context.region,
            "profile": context.profile, "endpoint_url": context.endpoint_url, "outputs": context.outputs,
            "changes": [[c.action, c.logical_id, c.resource_type] for c in context.changes], **more}
    path = Path(RECORD)
    known = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**known, hook: told}))


@hookimpl
def wstui_before_change_set(project, context, dry_run):
    topic = context.client("sns").create_topic(Name=f"{context.stack_name}-deploys")["TopicArn"]
    record(context, "before_change_set", topic=topic)
    context.report(f"deploying {context.stack_name} (stage {context.stage}) to {context.region}")
    context.report("[bold]not markup[/bold]")


@hookimpl
def wstui_before_deploy(context):
    record(context, "before_deploy")
    context.report(f"{len(context.changes)} changes")


@hookimpl
def wstui_after_deploy(context):
    record(context, "after_deploy")
    context.report("deployed")


@hookimpl
def wstui_before_remove(context, stack_name):
    record(context, "before_remove", stack_name=stack_name)
    context.report(f"removing {context.stack_name}")


@hookimpl
def wstui_after_remove(context):
    record(context, "after_remove")
    context.report("removed")
'''

OLD_RULES = '''
from wstui.plugin import hookimpl


@hookimpl
def wstui_before_change_set(project, template, dry_run):
    (project.directory / "old.txt").write_text("before_change_set ")


@hookimpl
def wstui_before_deploy(project, template):
    (project.directory / "old.txt").write_text((project.directory / "old.txt").read_text() + "before_deploy ")


@hookimpl
def wstui_after_deploy(project, outputs):
    (project.directory / "old.txt").write_text((project.directory / "old.txt").read_text() + "after_deploy")
'''


def with_plugins(project: Path, plugins: dict[str, str]) -> Path:
    for name, source in plugins.items():
        (project / f"{name}.py").write_text(source.replace("RECORD", repr(str(project / "told.json"))))
    listed = ", ".join(json.dumps(name) for name in plugins)
    toml = project / "wstui.toml"
    toml.write_text(toml.read_text().replace("[project]\n", f"[project]\nplugins = [{listed}]\n", 1))
    return project


def lines_in_order(output: str, *expected: str) -> None:
    positions = [output.index(line) for line in expected]
    assert positions == sorted(positions), output


def test_the_hooks_are_told_the_stage_stack_and_place_and_their_reports_are_shown_in_order(
    chat_project: Path, aws: AwsTarget
) -> None:
    project = with_plugins(chat_project, {"deploy_rules": CONTEXT_RULES, "old_rules": OLD_RULES})
    deployed = run(project, aws, "deploy", "--stage", "prod", "--create-bucket", "--yes")
    assert deployed.exit_code == 0, deployed.output
    told = json.loads((project / "told.json").read_text())
    where = {"stage": "prod", "stack_name": "chat-prod", "region": "us-east-1", "profile": None,
             "endpoint_url": aws.endpoint_url}
    before_change_set = told["before_change_set"]
    assert {key: before_change_set[key] for key in where} == where
    assert before_change_set["changes"] == [] and before_change_set["outputs"] == {}
    topics = [topic["TopicArn"] for topic in client(aws, "sns").list_topics()["Topics"]]
    assert topics == [before_change_set["topic"]] and topics[0].endswith(":chat-prod-deploys")
    assert ["Add", "ConnectionTable", "AWS::DynamoDB::Table"] in told["before_deploy"]["changes"]
    assert len(told["before_deploy"]["changes"]) == 19
    assert told["after_deploy"]["changes"] == told["before_deploy"]["changes"]
    assert (project / "old.txt").read_text() == "before_change_set before_deploy after_deploy"
    lines_in_order(
        deployed.output,
        "Stage prod, stack chat-prod",
        "Plugin deploy_rules: deploying chat-prod (stage prod) to us-east-1\n",
        "Plugin deploy_rules: [bold]not markup[/bold]\n",
        "Packaged ",
        "Change set for chat-prod (stage prod, CREATE, 19 changes)",
        "Plugin deploy_rules: 19 changes\n",
        "Creating stack chat-prod",
        "Plugin deploy_rules: deployed\n",
        "CREATE_COMPLETE: stack chat-prod",
    )

    removed = run(project, aws, "remove", "--stage", "prod", "--yes")
    assert removed.exit_code == 0, removed.output
    told = json.loads((project / "told.json").read_text())
    assert told["before_remove"]["stack_name"] == "chat-prod"
    assert {key: told["after_remove"][key] for key in where} == where
    lines_in_order(removed.output, "Plugin deploy_rules: removing chat-prod\n", "Deleting stack chat-prod",
                   "Plugin deploy_rules: removed\n", "Removed stack chat-prod")


def test_what_a_refusing_hook_reported_is_shown_before_its_error(chat_project: Path, aws: AwsTarget) -> None:
    project = with_plugins(chat_project, {"deploy_rules": '''
from wstui.plugin import PluginError, hookimpl


@hookimpl
def wstui_before_change_set(context):
    context.report("checking the freeze calendar")
    raise PluginError("Deploys are frozen until Monday.")
'''})
    refused = run(project, aws, "deploy", "--plan")
    assert refused.exit_code == 1, refused.output
    lines_in_order(refused.output, "Plugin deploy_rules: checking the freeze calendar\n",
                   "stopped in wstui_before_change_set: Deploys are frozen until Monday.")


def test_the_profile_in_effect_and_its_region_are_the_contexts(
    chat_project: Path, aws: AwsTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[profile ci]\nregion = eu-west-1\naws_access_key_id = ci\naws_secret_access_key = ci\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    project = with_plugins(chat_project, {"deploy_rules": CONTEXT_RULES})
    planned = CliRunner().invoke(
        cli, ["--project", str(project), "deploy", "--plan", "--profile", "ci", "--endpoint-url", aws.endpoint_url]
    )
    assert planned.exit_code == 0, planned.output
    told = json.loads((project / "told.json").read_text())["before_change_set"]
    assert (told["profile"], told["region"], told["stack_name"]) == ("ci", "eu-west-1", "chat-v1")
    assert told["topic"].startswith("arn:aws:sns:eu-west-1:")
    assert "Plugin deploy_rules: deploying chat-v1 (stage v1) to eu-west-1\n" in planned.output
