"""`wstui load` as a user runs it, against the real local gateway on 127.0.0.1."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from wstui.cli.load_render import LoadRenderer
from wstui.cli.main import cli
from wstui.core.console.target import ConnectionTarget
from wstui.core.load import ErrorKind, LoadPlan, LoadSnapshot
from wstui.core.load.reach import on_this_machine
from wstui.core.local.activity import ConnectionClosed

SMALL = ("--connections", "10", "--rate", "200", "--duration", "1s", "--every", "300ms")


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["load", *args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def port_of(url: str) -> str:
    return url.split(":")[2].split("/")[0]


def test_json_is_one_document_and_thresholds_set_the_exit_code(chat: Path, start_service) -> None:
    running = start_service(chat)
    code, out, err = invoke(running.url, *SMALL, "--json", "--max-p95", "10s", "--min-completeness", "1")
    assert code == 0, err
    report = json.loads(out)
    assert report["completeness"] == 1.0 and report["held"] is True
    assert report["handshakes_ok"] == 10 and report["last_recipient"]["p95"] > 0
    assert report["refusals"] == report["closes"] == report["error_frames"] == {}
    assert [t["name"] for t in report["thresholds"]] == ["max-p95", "min-completeness"]
    code, out, err = invoke(running.url, *SMALL, "--json", "--max-p95", "0.001ms")
    assert code == 1, "a threshold that did not hold"
    report = json.loads(out)
    assert report["held"] is False and report["thresholds"][0] | {"actual": 0} == {
        "name": "max-p95", "limit": 0.001, "actual": 0, "held": False,
    }


def test_the_summary_shows_percentiles_completeness_kinds_and_a_histogram(chat: Path, start_service) -> None:
    running = start_service(chat)
    code, out, err = invoke(running.url, *SMALL, "--max-errors", "0")
    assert code == 0, err
    for line in ("Handshake        p50 ", "Last recipient   p50 ", "Completeness     100.00% (",
                 "Refusals         none", "Closes           none", "Delivery latency, every recipient",
                 "max-errors 0: 0  held"):
        assert line in out, out
    assert "open 10/10" in out, "a plain progress line when not in a terminal"


def test_local_fills_the_projects_token(chat_with_token: Path, start_service) -> None:
    running = start_service(chat_with_token)
    code, out, err = invoke("--project", str(chat_with_token), "--local", "--port", port_of(running.url), *SMALL, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["refusals"] == {} and report["completeness"] == 1.0
    assert report["url"] == f"{running.url}?token=***"


def test_a_run_where_nothing_connects_fails(chat_with_token: Path, start_service) -> None:
    running = start_service(chat_with_token)
    code, out, err = invoke(running.url, *SMALL, "--json")
    assert code == 1
    assert json.loads(out)["refusals"] == {"http-401": 10}
    assert err == "Error: No connection opened; the refusals above say why.\n"


def test_two_workers_merge_into_one_report(chat: Path, start_service) -> None:
    running = start_service(chat)
    code, out, err = invoke(running.url, *SMALL, "--senders", "2", "--workers", "2", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["handshakes_ok"] == 10 and report["handshake"]["count"] == 10
    assert report["messages_sent"] >= 4 and report["messages_complete"] == report["messages_sent"]
    assert report["deliveries_expected"] == report["deliveries_received"] == 10 * report["messages_sent"]


def test_a_scenario_file_runs(chat: Path, start_service, tmp_path: Path) -> None:
    running = start_service(chat)
    scenario = tmp_path / "join.toml"
    scenario.write_text(
        'audience = "sender"\n[[step]]\nconnect = true\n[[step]]\nsend = \'{"message": "sendmessage", "data": "{id}"}\'\n'
        '[[step]]\nwait_for = "{id}"\n[[step]]\nclose = true\n', encoding="utf-8",
    )
    code, out, err = invoke(running.url, "--connections", "4", "--rate", "100", "--scenario", str(scenario), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["stopped_by"] == "scenario" and report["scenario_waits"]["count"] == 4
    assert report["messages_sent"] == 4 and report["completeness"] == 1.0


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_closes_every_connection_and_prints_the_summary(chat: Path, start_service, workers: str) -> None:
    """As a terminal's Ctrl-C does, SIGINT goes to the whole process group, workers included."""
    running = start_service(chat)
    process = subprocess.Popen(
        [sys.executable, "-m", "wstui", "load", running.url, "--connections", "5", "--rate", "100", "--duration", "60s",
         "--workers", workers],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        for line in process.stdout:
            if "open 5/5" in line:
                break
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "Stopping (stopped)" in out and "(stopped early)" in out and "Completeness" in out
    running.wait_for(lambda _event: sum(isinstance(e, ConnectionClosed) and e.code == 1000 for e in running.events) == 5)


def test_the_live_view_in_a_terminal_shows_outside_text_as_it_is() -> None:
    url = "ws://127.0.0.1:1/v1?room=[bold]x[/bold]"
    plan = LoadPlan(ConnectionTarget(url), connections=10, rate=10, duration=5)
    screen = io.StringIO()
    renderer = LoadRenderer(plan, as_json=False, console=Console(file=screen, force_terminal=True, width=120, color_system=None))
    assert renderer.live_view
    with renderer:
        for latency in (5.0, 10.0, 40.0):
            renderer.show(LoadSnapshot(1.0, 10, 10, 10, 3, 2.0, 20.0, {ErrorKind.HTTP_429: 2}, (latency,)))
    text = screen.getvalue()
    assert "room=[bold]x[/bold]" in text
    assert "10 open of 10" in text and "out 2/s  in 20/s" in text and "http-429 2" in text
    assert "▁▂█" in text and "p50 40.0 ms" in text


def test_a_url_off_this_machine_asks_first(tmp_path: Path) -> None:
    code, out, err = invoke("ws://load-target.example.invalid/prod", "--connections", "300", "--rate", "100",
                            "--duration", "2m", "--every", "2s", input="n\n")
    assert code == 1
    assert ("This run opens 300 connections to ws://load-target.example.invalid/prod at up to 100 per second and holds "
            "them 120 s (600.0 connection-minutes); it sends up to 59 messages, up to 17700 deliveries.") in err
    assert err.rstrip().endswith("Not started.")
    assert out == ""


@pytest.mark.parametrize(("url", "here"), [
    ("ws://127.0.0.1:3001/v1", True), ("ws://localhost:3001/v1", True), ("ws://[::1]:3001/v1", True),
    ("ws://127.8.0.1/v1", True), ("wss://abc.execute-api.us-east-1.amazonaws.com/v1", False), ("ws://10.0.0.5/v1", False),
])
def test_what_counts_as_this_machine(url: str, here: bool) -> None:
    assert on_this_machine(url) is here


def test_nothing_listening_locally_is_one_sentence_before_any_client(chat: Path) -> None:
    import socket

    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    code, out, err = invoke("--project", str(chat), "--local", "--port", str(port), *SMALL)
    assert code == 1
    assert "Loading" not in out, "no client was opened"
    assert err == (f"Error: Connection refused: nothing listens on 127.0.0.1:{port}. Start `wstui dev` in the project "
                   "first (in another terminal), or give its --port.\n")
