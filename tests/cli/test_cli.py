"""The command line as a user runs it: exit codes, messages without tracebacks, lazy start-up."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from wstui import __version__
from wstui.cli.main import cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "chat"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wstui", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "chat"))


def test_help_lists_commands_and_loads_no_heavy_library() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wstui", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "routes" in result.stdout and "synth" in result.stdout and "console" in result.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "click" in imported
    assert not imported & {"textual", "boto3", "botocore", "moto", "troposphere", "rich", "tomlkit", "asyncio", "aiohttp", "websocket"}


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"wstui, version {__version__}"


def test_routes_list_json_from_inside_the_project(chat: Path) -> None:
    result = run("routes", "list", "--json", cwd=chat / "handlers")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["route_selection_expression"] == "$request.body.message"
    assert [r["key"] for r in document["routes"]] == ["$connect", "$disconnect", "sendmessage"]
    assert document["routes"][2] == {
        "key": "sendmessage",
        "handler": "handlers.send:handle",
        "operation_name": "SendRoute",
        "two_way": False,
        "posts": True,
        "authorizer": None,
    }


@pytest.mark.parametrize("where", ["before", "after"])
def test_project_option_before_or_after_the_command(chat: Path, where: str) -> None:
    args = ["--project", str(chat), "routes", "list"] if where == "before" else ["routes", "list", "--project", str(chat)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "sendmessage" in result.output and "handlers.send:handle" in result.output


def test_add_set_expression_remove_round_trip(chat: Path) -> None:
    runner = CliRunner()
    original = (chat / "wstui.toml").read_text()
    project = ["--project", str(chat)]
    steps = [
        (["routes", "add", "echo", "--handler", "handlers.send:handle", "--two-way"], "Added route echo -> handlers.send:handle."),
        (["routes", "set", "echo", "--one-way", "--rename", "broadcast"], "Updated route broadcast."),
        (["routes", "expression", "$request.body.action"], "Route selection expression: $request.body.action"),
        (["routes", "expression"], "$request.body.action"),
        (["routes", "remove", "broadcast"], "Removed route broadcast."),
        (["routes", "expression", "$request.body.message"], "Route selection expression: $request.body.message"),
    ]
    for args, output in steps:
        result = runner.invoke(cli, [*project, *args])
        assert result.exit_code == 0, result.output
        assert result.output.strip() == output
    assert (chat / "wstui.toml").read_text() == original


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["routes", "add", "$conect", "--handler", "handlers.send:handle"], 'did you mean "$connect"?'),
        (["routes", "add", "x", "--handler", "handlers.nope:handle"], 'module "handlers.nope" not found'),
        (["routes", "remove", "nope"], 'No route "nope"'),
        (["routes", "set", "sendmessage"], "Nothing to change"),
        (["routes", "expression", "${request.body.x"], 'is missing a closing "}"'),
        (["synth", "-o", "/nonexistent/dir/t.json"], "Cannot write /nonexistent/dir/t.json"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(chat: Path, args: list[str], message: str) -> None:
    original = (chat / "wstui.toml").read_text()
    result = run("--project", str(chat), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert (chat / "wstui.toml").read_text() == original


def test_invalid_project_file_names_file_and_line(chat: Path) -> None:
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text().replace('key = "sendmessage"', 'key = "$sendmessage"'))
    result = run("synth", cwd=chat)
    assert result.returncode == 2
    assert f"{toml}:31: Route key \"$sendmessage\" starts with" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_project_here_says_what_to_do(tmp_path: Path) -> None:
    result = run("synth", cwd=tmp_path)
    assert result.returncode == 2
    assert "No wstui.toml" in result.stderr and "wstui new" in result.stderr


def test_synth_builds_the_stage_named(chat: Path) -> None:
    with (chat / "wstui.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[stages.prod]\nthrottling_burst = 100\n")
    template = json.loads(run("--project", str(chat), "synth", "--stage", "prod").stdout)
    assert template["Resources"]["Stage"]["Properties"]["StageName"] == "prod"
    assert template["Resources"]["Stage"]["Properties"]["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 100}
    default = json.loads(run("--project", str(chat), "synth").stdout)
    assert default["Resources"]["Stage"]["Properties"]["StageName"] == "v1"
    refused = run("--project", str(chat), "synth", "--stage", "my_stage")
    assert refused.returncode == 2 and 'Stage "my_stage" would deploy to stack "sample-my_stage"' in refused.stderr


def test_synth_writes_json_and_yaml(chat: Path) -> None:
    out = chat / "template.json"
    result = run("--project", str(chat), "synth", "-o", str(out))
    assert result.returncode == 0, result.stderr
    template = json.loads(out.read_text())
    assert template["Resources"]["WebSocketApi"]["Properties"]["ProtocolType"] == "WEBSOCKET"
    assert f"Wrote {out} (" in result.stderr
    assert run("--project", str(chat), "synth").stdout == out.read_text()
    yaml = run("--project", str(chat), "synth", "--format", "yaml").stdout
    assert "ProtocolType: WEBSOCKET" in yaml


def test_a_reader_that_leaves_early_gets_no_error_message(chat: Path) -> None:
    """`wstui synth | head -1`: a closed pipe is the reader's choice, not an unexpected error."""
    process = subprocess.Popen([sys.executable, "-m", "wstui", "synth"], cwd=chat, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.close()
    _, errors = process.communicate(timeout=60)
    assert errors == "" and process.returncode == 1
