"""`wstui sync` against a real moto server on 127.0.0.1: code-only updates, and the deploy path otherwise."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.deploy.test_deploy_cli import client, run
from wstui.cli.main import cli
from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.core.deploy.sync import code_drift, function_digests

STACK = "chat-v1"
FUNCTIONS = {"HandlersConnectHandleFunction", "HandlersDisconnectHandleFunction", "HandlersSendMessageHandleFunction"}


def code_by_function(aws: AwsTarget) -> dict[str, str]:
    """Each function's logical id -> the sha256 Lambda reports for the code it runs."""
    resources = client(aws, "cloudformation").list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    lambda_client = client(aws, "lambda")
    return {
        item["LogicalResourceId"]: lambda_client.get_function_configuration(FunctionName=item["PhysicalResourceId"])["CodeSha256"]
        for item in resources if item["ResourceType"] == "AWS::Lambda::Function"
    }


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


@pytest.fixture
def deployed(chat_project: Path, aws: AwsTarget) -> Path:
    created = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert created.exit_code == 0, created.output
    assert set(code_by_function(aws)) == FUNCTIONS
    return chat_project


def test_a_handler_edit_updates_only_the_functions_that_load_it(deployed: Path, aws: AwsTarget) -> None:
    before = code_by_function(aws)
    append(deployed / "handlers" / "send_message.py", "\n# a fix\n")
    synced = run(deployed, aws, "sync")
    assert synced.exit_code == 0, synced.output
    assert "Updated HandlersSendMessageHandleFunction" in synced.output
    assert "Synced 1 of 3 functions of chat-v1" in synced.output
    after = code_by_function(aws)
    assert {name for name in FUNCTIONS if after[name] != before[name]} == {"HandlersSendMessageHandleFunction"}

    append(deployed / "handlers" / "connections.py", "\n# shared by connect, disconnect and sendmessage\n")
    shared = run(deployed, aws, "sync")
    assert shared.exit_code == 0, shared.output
    assert {name for name in FUNCTIONS if code_by_function(aws)[name] != after[name]} == FUNCTIONS

    again = run(deployed, aws, "sync")
    assert again.exit_code == 0, again.output
    assert "is up to date: nothing to sync" in again.output


def test_sync_leaves_drift_that_status_reports_and_deploy_removes(deployed: Path, aws: AwsTarget) -> None:
    clients = AwsClients.connect(aws, aws.region)
    assert code_drift(clients, STACK) == []
    append(deployed / "handlers" / "send_message.py", "\n# a fix\n")
    assert run(deployed, aws, "sync").exit_code == 0
    assert code_drift(clients, STACK) == ["HandlersSendMessageHandleFunction"]
    status = run(deployed, aws, "status", "--stage", "v1")
    assert "HandlersSendMessageHandleFunction runs code synced after the last deploy" in status.output

    redeployed = run(deployed, aws, "deploy", "--yes")
    assert redeployed.exit_code == 0, redeployed.output
    assert code_drift(clients, STACK) == []
    assert "synced after the last deploy" not in run(deployed, aws, "status", "--stage", "v1").output


def test_a_template_change_says_what_changed_and_takes_the_deploy_path(deployed: Path, aws: AwsTarget) -> None:
    added = CliRunner().invoke(cli, ["--project", str(deployed), "routes", "add", "echo", "--handler", "handlers.send_message:handle"])
    assert added.exit_code == 0, added.output
    declined = run(deployed, aws, "sync")
    assert "changed since its last deploy, so this takes CloudFormation" in declined.output
    assert "+ RouteEcho (AWS::ApiGatewayV2::Route)" in declined.output
    assert declined.exit_code != 0
    routes = client(aws, "apigatewayv2").get_routes(ApiId=client(aws, "apigatewayv2").get_apis()["Items"][0]["ApiId"])["Items"]
    assert "echo" not in {route["RouteKey"] for route in routes}

    applied = run(deployed, aws, "sync", "--yes")
    assert applied.exit_code == 0, applied.output
    assert "UPDATE_COMPLETE: stack chat-v1" in applied.output
    routes = client(aws, "apigatewayv2").get_routes(ApiId=client(aws, "apigatewayv2").get_apis()["Items"][0]["ApiId"])["Items"]
    assert "echo" in {route["RouteKey"] for route in routes}


def test_no_stack_is_one_sentence_and_exit_1(chat_project: Path, aws: AwsTarget) -> None:
    result = run(chat_project, aws, "sync")
    assert result.exit_code == 1
    assert "No stack chat-v1 in us-east-1: deploy it first" in result.output
    assert "Traceback" not in result.output


def digests(entries: dict[str, str], modules: dict[str, str]) -> dict[str, Any]:
    return function_digests({name: text.encode() for name, text in entries.items()}, modules)


def test_digests_follow_relative_and_absolute_imports_and_count_data_files_for_all() -> None:
    archive = {
        "app/__init__.py": "", "app/a.py": "from . import shared\n", "app/b.py": "import app.other\n",
        "app/shared.py": "X = 1\n", "app/other.py": "Y = 1\n", "app/unused.py": "", "data.json": "{}",
        "vendored/__init__.py": "",
    }
    modules = {"A": "app.a", "B": "app.b"}
    base = digests(archive, modules)
    for name, changed in [("app/shared.py", {"A"}), ("app/other.py", {"B"}), ("app/unused.py", set()),
                          ("data.json", {"A", "B"}), ("vendored/__init__.py", {"A", "B"}), ("app/__init__.py", {"A", "B"})]:
        edited = digests({**archive, name: archive[name] + "# edit\n"}, modules)
        assert {function for function in modules if edited[function] != base[function]} == changed, name


def test_watch_syncs_on_each_save_one_line_each_until_ctrl_c(deployed: Path, aws: AwsTarget) -> None:
    command = [sys.executable, "-m", "wstui", "--project", str(deployed), "sync", "--watch",
               "--endpoint-url", aws.endpoint_url, "--region", aws.region]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment) as watcher:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout or ()], daemon=True).start()
        try:
            seen = read_until(lines, "Watching ")
            assert any("up to date" in line for line in seen)
            append(deployed / "handlers" / "send_message.py", "\n# saved\n")
            seen = read_until(lines, "Synced 1 of 3")
            assert any(line.startswith("Updated HandlersSendMessageHandleFunction") for line in seen)
            watcher.send_signal(signal.SIGINT)
            assert read_until(lines, "Stopped watching.")[-1].strip() == "Stopped watching."
            assert watcher.wait(30) == 0
        finally:
            watcher.kill()


def read_until(lines: queue.Queue[str], wanted: str) -> list[str]:
    """The lines up to and including the first holding `wanted`, each awaited for at most a minute."""
    seen: list[str] = []
    while True:
        try:
            seen.append(lines.get(timeout=60))
        except queue.Empty:
            raise AssertionError(f"{wanted!r} never came: {''.join(seen)}") from None
        if wanted in seen[-1]:
            return seen


def test_a_protected_stage_is_refused_unless_forced_and_other_stages_sync(chat_project: Path, aws: AwsTarget) -> None:
    project_file = chat_project / "wstui.toml"
    project_file.write_text(project_file.read_text() + "\n[stages.prod]\nprotected = true\n")
    assert run(chat_project, aws, "deploy", "--stage", "prod", "--create-bucket", "--yes").exit_code == 0
    append(chat_project / "handlers" / "send_message.py", "\n# a fix\n")
    refused = run(chat_project, aws, "sync", "--stage", "prod")
    assert refused.exit_code == 2
    assert "Stage prod is protected (protected = true in wstui.toml)" in refused.output
    assert "Updated" not in refused.output

    forced = run(chat_project, aws, "sync", "--stage", "prod", "--force")
    assert forced.exit_code == 0, forced.output
    assert "Stage prod, stack chat-prod" in forced.output
    assert "Synced 1 of 3 functions of chat-prod" in forced.output
