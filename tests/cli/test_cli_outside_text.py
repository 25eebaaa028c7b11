"""The command line shows outside text as it came: route keys in `wstui routes list`, what handlers and
clients send in `wstui dev`'s log and `wstui console`'s output. A URL that does not parse is one
sentence, and so is any error wstui did not foresee (the traceback only with `--debug`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from outside_text import NASTY_KEYS, outside_text, shown

from wstui.cli.console_render import json_line, plain_line
from wstui.cli.dev_render import render
from wstui.cli.main import cli
from wstui.core.console import Closed, ClosedBy, Direction, Failed, FailureKind, Frame
from wstui.core.deploy.outputs import DeployedOutputs, save_outputs
from wstui.core.local.activity import ConnectionClosed, HandlersReloaded, Invoked, Notice, Rejected
from wstui.core.local.runtime import InvocationResult
from wstui.core.project.load import load_project

EXAMPLE = Path(__file__).parents[2] / "examples" / "chat"


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "chat"))


def wstui(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "400"}).invoke(cli, list(args))


def test_routes_list_shows_keys_holding_markup_as_they_are(chat: Path) -> None:
    for key in NASTY_KEYS:
        added = wstui("--project", str(chat), "routes", "add", key, "--handler", "handlers.send:handle")
        assert added.exit_code == 0, added.output
    listed = wstui("--project", str(chat), "routes", "list")
    assert listed.exit_code == 0, listed.output
    keys = [line.split("│")[1].strip() for line in listed.output.splitlines() if line.startswith("│")]
    assert keys == ["$connect", "$disconnect", "sendmessage", *NASTY_KEYS]


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(outside_text(), min_size=5, max_size=5))
def test_the_dev_log_shows_what_handlers_and_clients_sent(texts: list[str]) -> None:
    reason, route, output, error, message = texts
    lines: list[str] = []
    for event in (
        ConnectionClosed("c1", 4000, reason),
        Rejected("c2", 403, reason),
        Invoked(route, "c3", InvocationResult("handlers.send:handle", "error", None, error, output, 1.0)),
        HandlersReloaded((route,), ("handlers.send",)),
        Notice(message),
    ):
        render(event, lines.append)
    for text in texts:
        assert shown(text, "".join(lines)), (text, lines)


@settings(max_examples=200, deadline=None)
@given(data=outside_text(), reason=outside_text(), message=outside_text())
def test_console_output_shows_frames_and_closes_as_they_came(data: str, reason: str, message: str) -> None:
    frame = Frame("c1", Direction.RECEIVED, 1.0, 0.0, len(data.encode()), data)
    assert plain_line(frame) == data
    closed = Closed("c1", 4000, reason, ClosedBy.SERVER, 0.0)
    failed = Failed("c1", FailureKind.REFUSED, message, 0.0)
    documents = [json.loads(json_line(event) or "") for event in (frame, closed, failed)]
    assert [documents[0]["data"], documents[1]["reason"], documents[2]["message"]] == [data, reason, message]


@pytest.mark.parametrize("url", ["ws://[::1", "ws://[::1]:99999/v1"])
def test_a_url_that_does_not_parse_is_one_sentence_typed_or_from_outputs_json(chat: Path, url: str) -> None:
    typed = wstui("console", url, "--wait", "0")
    assert typed.exit_code == 2 and typed.stderr.startswith(f"Error: Not a WebSocket URL: {url!r}: "), typed.output
    project = load_project(chat)
    save_outputs(chat, DeployedOutputs(project.stack_name, project.project.region, {"APIGatewayURL": url}))
    deployed = wstui("--project", str(chat), "console", "--deployed", "--region", project.project.region, "--wait", "0")
    assert deployed.exit_code == 2 and deployed.stderr == typed.stderr, deployed.output


def test_an_unexpected_error_is_one_sentence_and_debug_shows_the_traceback(chat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wstui.core import template

    def broken(_project: object) -> None:
        raise ValueError("troposphere refused something\nand said more on the next lines")

    monkeypatch.setattr(template, "synthesize", broken)
    result = wstui("--project", str(chat), "synth")
    assert result.exit_code == 1 and not isinstance(result.exception, Exception)
    assert result.stderr == (
        "Error: Unexpected error (ValueError: troposphere refused something). `wstui --debug ...` shows the traceback.\n"
    )
    debug = wstui("--debug", "--project", str(chat), "synth")
    assert isinstance(debug.exception, ValueError)
