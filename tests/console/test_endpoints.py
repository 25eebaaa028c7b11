"""Where the console connects without a URL: `wstui dev`'s URL, or the deployed one from outputs.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wstui.cli.remedies import said
from wstui.core.console import NotDeployedError, deployed_url, local_url
from wstui.core.deploy.outputs import DeployedOutputs, forget_outputs, load_records, save_outputs
from wstui.core.project.load import load_project
from wstui.core.project.model import Project
from wstui.core.scaffold import Template, scaffold
from wstui.tui.remedies import said as app_said


def test_the_local_url_has_the_projects_stage(tmp_path: Path) -> None:
    project = load_project(scaffold("chat", tmp_path, {"stage": "prod"}, Template.load(None)).directory)
    assert local_url(project) == "ws://127.0.0.1:3001/prod"
    assert local_url(project, port=4000) == "ws://127.0.0.1:4000/prod"


@pytest.fixture
def chat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The scaffolded chat service (stack chat-v1, [project] region us-east-1), with no AWS settings
    around it but what a test sets."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/wstui-tests")
    return load_project(scaffold("chat", tmp_path, {}, Template.load(None)).directory)


def write_outputs(project: Project, document: object) -> None:
    (project.directory / ".wstui").mkdir(exist_ok=True)
    (project.directory / ".wstui" / "outputs.json").write_text(json.dumps(document), encoding="utf-8")


def test_the_deployed_url_is_the_record_of_the_projects_stack_in_the_region_in_effect(
    chat: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "wss://abc123.execute-api.eu-west-1.amazonaws.com/v1"
    save_outputs(chat.directory, DeployedOutputs("chat-v1", "eu-west-1", {"APIGatewayURL": url, "Other": "x"}))
    save_outputs(chat.directory, DeployedOutputs("chat-v1", "us-east-2", {"APIGatewayURL": "wss://other"}))
    assert deployed_url(chat, "eu-west-1") == url
    assert deployed_url(chat, "us-east-2") == "wss://other"
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert deployed_url(chat) == url
    monkeypatch.delenv("AWS_REGION")
    with pytest.raises(NotDeployedError) as caught:
        deployed_url(chat)
    assert said(caught.value) == (
        f"{chat.directory / '.wstui' / 'outputs.json'} has no record of stack chat-v1 in us-east-1 "
        "(it holds stack chat-v1 in eu-west-1; stack chat-v1 in us-east-2). Deploy it there with `wstui deploy`, "
        "or name the region with --region or AWS_REGION."
    )


def test_the_single_record_of_earlier_versions_is_read_and_kept_beside_new_ones(chat: Project) -> None:
    write_outputs(chat, {"stack_name": "chat-v1", "region": "eu-west-1", "outputs": {"APIGatewayURL": "wss://old"}})
    assert deployed_url(chat, "eu-west-1") == "wss://old"
    save_outputs(chat.directory, DeployedOutputs("chat-v1", "us-east-1", {"APIGatewayURL": "wss://new"}))
    assert (deployed_url(chat, "eu-west-1"), deployed_url(chat, "us-east-1")) == ("wss://old", "wss://new")
    assert sorted(load_records(chat.directory)) == ["eu-west-1/chat-v1", "us-east-1/chat-v1"]


def test_removing_forgets_only_the_record_of_that_region_and_stack(chat: Project) -> None:
    for region in ("eu-west-1", "us-east-1"):
        save_outputs(chat.directory, DeployedOutputs("chat-v1", region, {"APIGatewayURL": f"wss://{region}"}))
    forget_outputs(chat.directory, "us-east-1", "chat-v1")
    assert sorted(load_records(chat.directory)) == ["eu-west-1/chat-v1"]
    forget_outputs(chat.directory, "eu-west-1", "chat-v1")
    assert not (chat.directory / ".wstui" / "outputs.json").exists()


NO_URL = "has no URL (APIGatewayURL). `wstui status` shows the stack's outputs, and `wstui deploy` writes the record again."


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "No deployment recorded in"),
        ("{not json", "is not readable JSON"),
        ({"stack_name": "chat-v1", "region": "us-east-1", "outputs": {}}, NO_URL),
        ({"stack_name": "chat-v1", "region": "us-east-1", "outputs": {"APIGatewayURL": None}}, NO_URL),
        ({"deployments": {"us-east-1/chat-v1": {"stack_name": "chat-v1", "region": "us-east-1", "outputs": {"APIGatewayURL": None}}}}, NO_URL),
        ([1], "has no record of stack chat-v1 in us-east-1 (it holds no record)"),
    ],
    ids=["missing", "not-json", "no-url", "null-url", "null-url-in-a-record", "not-records"],
)
def test_without_a_usable_record_the_error_says_what_to_run(chat: Project, content: object, words: str) -> None:
    if isinstance(content, str):
        (chat.directory / ".wstui").mkdir()
        (chat.directory / ".wstui" / "outputs.json").write_text(content, encoding="utf-8")
    elif content is not None:
        write_outputs(chat, content)
    with pytest.raises(NotDeployedError) as caught:
        deployed_url(chat)
    assert words in said(caught.value)
    assert "`wstui deploy`" in said(caught.value) and "None" not in said(caught.value)
    assert "Deploy area" in app_said(caught.value) and "`wstui" not in app_said(caught.value)
    assert caught.value.exit_code == 1


def test_a_record_that_is_a_folder_is_one_sentence(chat: Project) -> None:
    (chat.directory / ".wstui" / "outputs.json").mkdir(parents=True)
    with pytest.raises(NotDeployedError) as caught:
        deployed_url(chat)
    assert "outputs.json is a folder, not a record of deployments: move it away. `wstui deploy` writes it." in said(caught.value)
