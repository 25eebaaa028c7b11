"""`wstui console` against the real local gateway: what it prints, and its exit codes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.project_secrets import token_of
from wstui.cli.console_render import json_line, plain_line
from wstui.cli.main import cli
from wstui.core.console import ConnectionTarget, Direction, Frame
from wstui.core.local.activity import ConnectionOpened, Invoked
from wstui.core.local.gateway import Limits

HELLO = json.dumps({"message": "sendmessage", "data": "hello world !"})


def start_console(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wstui", "console", *args],
        cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert "Traceback" not in err, err
    return process.returncode, out, err


def close_the_sender(running) -> None:
    """End a console waiting with a long --wait the way a server can: DELETE its connection (1000)."""
    sender = running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "sendmessage").connection_id
    request = urllib.request.Request(f"{running.management_url}/@connections/{sender}", method="DELETE")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 204


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["console", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_file_payload_reaches_the_other_session_and_the_sender(chat: Path, start_service, open_session) -> None:
    running = start_service(chat)
    _listener, log = open_session(ConnectionTarget(running.url))
    process = start_console(running.url, "--send", "@payloads/sendmessage.json", "--wait", "60", cwd=chat)
    log.wait_for(lambda e: isinstance(e, Frame) and e.direction is Direction.RECEIVED and e.data == '"hello world !"')
    close_the_sender(running)
    code, out, err = finish(process)
    assert (code, out) == (0, '"hello world !"\n')
    assert err == "Connection closed by the server: 1000 Deleted through @connections\n"


def test_json_output_has_one_object_per_event(chat: Path, start_service) -> None:
    running = start_service(chat)
    unknown = json.dumps({"message": "nosuchroute"})
    process = start_console(running.url, "--json", "--send", unknown, "--send", HELLO, "--wait", "60", cwd=chat)
    close_the_sender(running)
    code, out, _err = finish(process)
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["connected", "frame", "frame", "frame", "frame", "closed"]
    assert events[0]["url"] == running.url and events[0]["status"] == 101
    frames = events[1:5]
    assert sorted(f["direction"] for f in frames) == ["received", "received", "sent", "sent"]
    assert not any(f["binary"] for f in frames)
    assert [f["data"] for f in frames if f["direction"] == "sent"] == [unknown, HELLO]
    received = [f["data"] for f in frames if f["direction"] == "received"]
    assert json.loads(received[0])["message"] == "Forbidden" and received[1] == '"hello world !"'
    assert all(f["size"] == len(f["data"].encode()) and f["time"].endswith("+00:00") for f in frames)
    assert events[-1] | {"time": ""} == {
        "event": "closed", "time": "", "code": 1000, "reason": "Deleted through @connections", "by": "server",
    }


def test_a_server_close_with_an_error_code_exits_1(chat: Path, start_service) -> None:
    running = start_service(chat, limits=Limits(max_message_bytes=64))
    code, out, err = finish(start_console(running.url, "--send", "x" * 65, "--wait", "60", cwd=chat))
    assert (code, out, err) == (1, "", "Connection closed by the server: 1009 Message too big\n")


def test_a_closed_port_exits_1_with_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = finish(start_console(f"ws://127.0.0.1:{port}/v1", "--send", "x", cwd=tmp_path))
    assert (code, out) == (1, "")
    assert err == f"Error: Connection refused: nothing listens on 127.0.0.1:{port}.\n"


def test_the_token_goes_in_the_query_string(chat_with_token: Path, start_service) -> None:
    running = start_service(chat_with_token)
    token = token_of(chat_with_token)
    code, out, err = invoke(running.url, "--query", f"token={token}", "--wait", "0", "--json")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [event["event"] for event in events] == ["connected", "closed"]
    assert events[0]["url"] == f"{running.url}?token=***", "the output shows no token"
    assert token not in out + err
    code, out, err = invoke(running.url, "--wait", "0", "--header", f"X-Token: {token}")
    assert (code, out) == (1, "")
    assert err == "Error: The server refused the WebSocket handshake with HTTP 401 Unauthorized: " \
        "Unauthorized: no identity source. Pass it with --query NAME=VALUE or --header 'NAME: VALUE', as the " \
        "authorizer's identity source says; `wstui console --local` passes the project's own token.\n"


def test_local_passes_the_projects_own_token_and_never_prints_it(chat_with_token: Path, start_service) -> None:
    running = start_service(chat_with_token)
    token = token_of(chat_with_token)
    port = running.url.split(":")[2].split("/")[0]
    code, out, err = invoke("--project", str(chat_with_token), "--local", "--port", port, "--wait", "0", "--json")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [event["event"] for event in events] == ["connected", "closed"]
    assert events[0]["url"] == f"{running.url}?token=***"
    assert token not in out + err
    code, out, err = invoke("--project", str(chat_with_token), running.url, "--query", "token=${secret:auth_token}",
                            "--wait", "0", "--json")
    assert code == 0 and json.loads(out.splitlines()[0])["event"] == "connected", "a reference works with any URL"
    code, out, err = invoke("--project", str(chat_with_token), "--local", "--port", port, "--query", "token=wrong", "--wait", "0")
    assert code == 1 and "HTTP 403" in err, "a token given is the one sent"


def test_local_and_deployed_urls_come_from_the_project(chat: Path, start_service) -> None:
    running = start_service(chat)
    port = running.url.split(":")[2].split("/")[0]
    code, out, err = invoke("--project", str(chat), "--local", "--port", port, "--wait", "0", "--json")
    assert code == 0, err
    assert json.loads(out.splitlines()[0])["url"] == f"ws://127.0.0.1:{port}/v1"
    code, out, err = invoke("--project", str(chat), "--deployed", "--wait", "0")
    assert code == 1 and "`wstui deploy` writes it." in err and err.count("\n") == 1
    (chat / ".wstui").mkdir()
    outputs = {"stack_name": "chat-v1", "region": "us-east-1", "outputs": {"APIGatewayURL": running.url}}
    (chat / ".wstui" / "outputs.json").write_text(json.dumps(outputs), encoding="utf-8")
    code, out, err = invoke("--project", str(chat), "--deployed", "--wait", "0", "--json")
    assert code == 0, err
    assert json.loads(out.splitlines()[0])["url"] == running.url


def test_local_and_deployed_urls_follow_the_stage(chat: Path, start_service, monkeypatch: pytest.MonkeyPatch) -> None:
    """`wstui dev --stage prod` serves /prod; the console's --local and --deployed go where --stage says."""
    from wstui.core.deploy.outputs import DeployedOutputs, save_outputs

    monkeypatch.setenv("AWS_REGION", "us-east-1")
    with (chat / "wstui.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[stages.prod]\nmemory = 512\n')
    running = start_service(chat, stage="prod")
    port = running.url.split(":")[2].split("/")[0]
    assert running.url.endswith("/prod")
    code, out, err = invoke("--project", str(chat), "--local", "--stage", "prod", "--port", port, "--wait", "0", "--json")
    assert code == 0, err
    assert json.loads(out.splitlines()[0])["url"] == f"ws://127.0.0.1:{port}/prod"
    code, out, err = invoke("--project", str(chat), "--local", "--port", port, "--wait", "0")
    assert code == 1 and "404" in err, "the default stage's path is not served"
    save_outputs(chat, DeployedOutputs("chat-v1", "us-east-1", {"APIGatewayURL": "ws://127.0.0.1:9/v1"}))
    save_outputs(chat, DeployedOutputs("chat-prod", "us-east-1", {"APIGatewayURL": running.url}))
    code, out, err = invoke("--project", str(chat), "--deployed", "--stage", "prod", "--wait", "0", "--json")
    assert code == 0, err
    assert json.loads(out.splitlines()[0])["url"] == running.url
    code, out, err = invoke("--project", str(chat), "--deployed", "--stage", "dev", "--wait", "0")
    assert code == 1 and "has no record of stack chat-dev in us-east-1" in err


def test_deployed_picks_the_record_of_the_projects_stack_in_the_region(
    chat: Path, start_service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records of the stack in two regions: --region says which (AWS_REGION too: tests/console/test_endpoints.py;
    a local runtime in this process hides AWS_* from it); a region with no record is one sentence naming
    the records there are."""
    from wstui.core.deploy.outputs import DeployedOutputs, save_outputs

    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/wstui-tests")
    running = start_service(chat)
    save_outputs(chat, DeployedOutputs("chat-v1", "eu-west-1", {"APIGatewayURL": running.url}))
    save_outputs(chat, DeployedOutputs("chat-v1", "us-east-2", {"APIGatewayURL": "ws://127.0.0.1:9/v1"}))
    code, out, err = invoke("--project", str(chat), "--deployed", "--region", "eu-west-1", "--wait", "0", "--json")
    assert code == 0, err
    assert json.loads(out.splitlines()[0])["url"] == running.url
    code, out, err = invoke("--project", str(chat), "--deployed", "--wait", "0")
    assert (code, out) == (1, "")
    assert err == (
        f"Error: {chat / '.wstui' / 'outputs.json'} has no record of stack chat-v1 in us-east-1 (it holds stack "
        "chat-v1 in eu-west-1; stack chat-v1 in us-east-2). Deploy it there with `wstui deploy`, or name the region "
        "with --region or AWS_REGION.\n"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ws://127.0.0.1:9/v1", "--header", "no colon here"], "Not a header"),
        (["ws://127.0.0.1:9/v1", "--query", "token"], "Not a query parameter"),
        (["ws://127.0.0.1:9/v1", "--send", "@no/such/file.json"], "does not exist"),
        (["ws://127.0.0.1:9/v1", "--local"], "only one of URL, --local and --deployed"),
        (["--local", "--deployed"], "only one of URL, --local and --deployed"),
        (["ws://127.0.0.1:9/v1", "--port", "3001"], "--port goes with --local only"),
        (["--local", "--region", "eu-west-1"], "--region goes with --deployed only"),
        (["ws://127.0.0.1:9/v1", "--stage", "prod"], "--stage goes with --local or --deployed, not with a URL"),
        (["http://127.0.0.1:9/v1"], "Not a WebSocket URL"),
    ],
)
def test_bad_input_exits_2_before_connecting(args: list[str], words: str) -> None:
    code, out, err = invoke(*args)
    assert (code, out) == (2, "")
    assert err.startswith("Error: ") and words in err


def test_without_send_it_listens_for_the_wait(chat: Path, start_service, open_session) -> None:
    """A frame broadcast by another client while `wstui console` only listens is printed."""
    running = start_service(chat)
    process = start_console(running.url, "--wait", "60", cwd=chat)
    opened = running.wait_for(lambda e: isinstance(e, ConnectionOpened))
    listener, log = open_session(ConnectionTarget(running.url))
    listener.send(HELLO)
    request = urllib.request.Request(f"{running.management_url}/@connections/{opened.connection_id}", method="DELETE")
    log.wait_for(lambda e: isinstance(e, Frame) and e.direction is Direction.RECEIVED)
    # The broadcast's posts are all queued once its handler has returned; the DELETE sends them first.
    running.wait_for(lambda e: isinstance(e, Invoked) and e.route_key == "sendmessage")
    with urllib.request.urlopen(request, timeout=10):
        pass
    code, out, _err = finish(process)
    assert (code, out) == (0, '"hello world !"\n')


def test_binary_frames_print_as_base64_after_a_marker() -> None:
    frame = Frame("s", Direction.RECEIVED, 1.0, 0.0, 3, b"\x00\x01\xff")
    assert plain_line(frame) == "[binary 3 bytes, base64] AAH/"
    assert json.loads(json_line(frame) or "") == {
        "event": "frame", "direction": "received", "time": "1970-01-01T00:00:00.000+00:00", "size": 3,
        "data": "AAH/", "binary": True,
    }
    assert plain_line(Frame("s", Direction.SENT, 1.0, 0.0, 1, "x")) is None


def test_without_a_project_local_is_wstui_devs_default_stage(chat: Path, start_service, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a folder with no wstui.toml (the repository, say), as the README's flow does."""
    running = start_service(chat)
    port = running.url.split(":")[2].split("/")[0]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = invoke("--port", port, "--wait", "0", "--json")
    assert code == 0, err
    connected = json.loads(out.splitlines()[0])
    assert (connected["event"], connected["url"]) == ("connected", f"ws://127.0.0.1:{port}/v1")
    code, out, err = invoke("--deployed", "--wait", "0")
    assert code == 2 and "No wstui.toml in" in err and "give the URL instead: `wstui console wss://...`" in err
