"""Where the console connects without a URL: `wstui dev`'s URL, or the deployed one from outputs.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wstui.core.console import NotDeployedError, deployed_url, local_url
from wstui.core.project.load import load_project
from wstui.core.scaffold import Template, scaffold


def test_the_local_url_has_the_projects_stage(tmp_path: Path) -> None:
    project = load_project(scaffold("chat", tmp_path, {"stage": "prod"}, Template.load(None)).directory)
    assert local_url(project) == "ws://127.0.0.1:3001/prod"
    assert local_url(project, port=4000) == "ws://127.0.0.1:4000/prod"


def test_the_deployed_url_comes_from_outputs_json(tmp_path: Path) -> None:
    (tmp_path / ".wstui").mkdir()
    (tmp_path / ".wstui" / "outputs.json").write_text(json.dumps({
        "stack_name": "chat-v1", "region": "eu-west-1",
        "outputs": {"APIGatewayURL": "wss://abc123.execute-api.eu-west-1.amazonaws.com/v1", "Other": "x"},
    }), encoding="utf-8")
    assert deployed_url(tmp_path) == "wss://abc123.execute-api.eu-west-1.amazonaws.com/v1"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "No deployment recorded in"),
        ("{not json", "is not readable JSON"),
        (json.dumps({"stack_name": "s", "outputs": {}}), "has no outputs.APIGatewayURL"),
        (json.dumps([1]), "has no outputs: run"),
    ],
)
def test_without_a_usable_outputs_json_the_error_says_to_deploy(tmp_path: Path, content: str | None, words: str) -> None:
    if content is not None:
        (tmp_path / ".wstui").mkdir()
        (tmp_path / ".wstui" / "outputs.json").write_text(content, encoding="utf-8")
    with pytest.raises(NotDeployedError, match=words) as caught:
        deployed_url(tmp_path)
    assert str(caught.value).endswith(("run `wstui deploy` first.", "run `wstui deploy` first to write it again."))
    assert caught.value.exit_code == 1
