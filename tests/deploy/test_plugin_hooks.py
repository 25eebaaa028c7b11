"""Plugins that refuse a deploy or a removal, follow a removal, and keep files out of the code archive,
against a real moto server on 127.0.0.1."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from test_deploy_cli import BUCKET, client, objects, run

from wstui.core.deploy.aws import AwsTarget


def with_hooks(project: Path, source: str) -> Path:
    (project / "deploy_rules.py").write_text("from wstui.core.errors import UsageError\nfrom wstui.core.plugins.hookspecs import hookimpl\n\n" + source)
    toml = project / "wstui.toml"
    toml.write_text(toml.read_text().replace("[project]\n", '[project]\nplugins = ["deploy_rules"]\n', 1))
    return project


def stack_statuses(aws: AwsTarget) -> list[str]:
    return [s["StackStatus"] for s in client(aws, "cloudformation").list_stacks()["StackSummaries"] if s["StackName"] == "chat-v1"]


def buckets(aws: AwsTarget) -> list[str]:
    return [bucket["Name"] for bucket in client(aws, "s3").list_buckets()["Buckets"]]


REFUSE_CHANGE_SET = """
@hookimpl
def wstui_before_change_set(project, template, dry_run):
    (project.directory / "asked.json").write_text(str(dry_run))
    raise UsageError("Deploys are frozen until Monday.")
"""


def test_a_plugin_refuses_before_the_change_set_and_nothing_is_made(chat_project: Path, aws: AwsTarget) -> None:
    project = with_hooks(chat_project, REFUSE_CHANGE_SET)
    refused = run(project, aws, "deploy", "--create-bucket", "--yes")
    assert refused.exit_code == 2, refused.output
    assert "Deploys are frozen until Monday." in refused.output
    assert (project / "asked.json").read_text() == "False"
    assert stack_statuses(aws) == [] and buckets(aws) == []

    client(aws, "s3").create_bucket(Bucket=BUCKET)
    planned = run(project, aws, "deploy", "--plan")
    assert planned.exit_code == 2 and "Deploys are frozen until Monday." in planned.output
    assert (project / "asked.json").read_text() == "True"
    assert stack_statuses(aws) == [] and objects(aws) == []


def test_a_refusal_in_before_deploy_uploads_nothing_and_leaves_no_change_set(chat_project: Path, aws: AwsTarget) -> None:
    project = with_hooks(chat_project, """
@hookimpl
def wstui_before_deploy(project, template):
    raise UsageError("Not on a Friday.")
""")
    client(aws, "s3").create_bucket(Bucket=BUCKET)
    refused = run(project, aws, "deploy", "--yes")
    assert refused.exit_code == 2, refused.output
    assert "Not on a Friday." in refused.output
    assert objects(aws) == []
    assert stack_statuses(aws) in ([], ["DELETE_COMPLETE"])
    change_sets = client(aws, "cloudformation").list_change_sets(StackName="chat-v1")["Summaries"] if stack_statuses(aws) else []
    assert [summary["Status"] for summary in change_sets if summary["Status"] != "DELETE_COMPLETE"] == []


def test_remove_hooks_run_before_and_after_and_may_refuse(chat_project: Path, aws: AwsTarget) -> None:
    project = with_hooks(chat_project, """
import json


@hookimpl
def wstui_before_remove(project, stack_name):
    if (project.directory / "protected").exists():
        raise UsageError(f"{stack_name} is protected.")


@hookimpl
def wstui_after_remove(project, stack_name):
    (project.directory / "removed.txt").write_text(stack_name)
""")
    assert run(project, aws, "deploy", "--create-bucket", "--yes").exit_code == 0
    (project / "protected").write_text("")
    refused = run(project, aws, "remove", "--yes")
    assert refused.exit_code == 2 and "chat-v1 is protected." in refused.output
    assert stack_statuses(aws) == ["CREATE_COMPLETE"] and objects(aws) != []
    assert not (project / "removed.txt").exists()
    (project / "protected").unlink()
    removed = run(project, aws, "remove", "--yes")
    assert removed.exit_code == 0, removed.output
    assert (project / "removed.txt").read_text() == "chat-v1"
    assert stack_statuses(aws) == ["DELETE_COMPLETE"]


def test_a_plugin_keeps_its_settings_file_out_of_the_code_archive(chat_project: Path, aws: AwsTarget) -> None:
    (chat_project / "sns_notify.toml").write_text('topic_key = "not for Lambda"\n')
    (chat_project / "notes.toml").write_text("kept = true\n")
    toml = chat_project / "wstui.toml"
    toml.write_text(toml.read_text() + '\n[package]\ninclude = ["*.toml"]\n')
    project = with_hooks(chat_project, """
@hookimpl
def wstui_archive_exclude(project):
    return ["sns_notify.toml"]
""")
    result = run(project, aws, "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 0, result.output
    (code_key,) = objects(aws)
    names = zipfile.ZipFile(io.BytesIO(client(aws, "s3").get_object(Bucket=BUCKET, Key=code_key)["Body"].read())).namelist()
    assert "notes.toml" in names
    assert "sns_notify.toml" not in names
    assert json.dumps(names).count(".toml") == 1
