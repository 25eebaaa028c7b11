"""`wstui dev` as a user runs it: the URL first, Ctrl-C runs $disconnect, frees the port, exits 0."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import websocket

from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import add_route
from wstui.core.scaffold import Template, scaffold


def start_dev(
    tmp_path: Path, *options: str, answers: dict[str, str] | None = None, env: dict[str, str] | None = None, toml: str = "",
    reload: bool = False, files: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    """`wstui dev` on a free port in a new scaffolded project (`toml` added to its wstui.toml, `files`
    written into it by relative path), in a process group of its own (so a test can signal the group as
    a terminal's Ctrl-C does)."""
    project = scaffold("chat", tmp_path, answers or {}, Template.load(None)).directory
    for relative, text in (files or {}).items():
        (project / relative).write_text(text, encoding="utf-8")
    with (project / "wstui.toml").open("a", encoding="utf-8") as file:
        file.write(toml)
    return subprocess.Popen(
        [sys.executable, "-m", "wstui", "dev", "--port", "0", *([] if reload else ["--no-reload"]), *options],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(("options", "path"), [((), "/v1"), (("--stage", "prod"), "/prod")])
def test_dev_prints_the_url_first_and_stops_cleanly_on_ctrl_c(tmp_path: Path, options: tuple[str, ...], path: str) -> None:
    """The URL's path is the stage: [stage] name, or the one --stage names."""
    process = start_dev(tmp_path, *options, toml='\n[stages.prod]\nmemory = 512\n')
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("ws://127.0.0.1:") and url.endswith(path)
        client = websocket.create_connection(url, timeout=10)
        client.send(json.dumps({"message": "sendmessage", "data": "hello world !"}))
        assert client.recv() == '"hello world !"'
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the whole process group
        output, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, errors
    assert "closed 1001 Going away" in output
    assert re.search(r"\$disconnect +\S+ ok ", output), output
    assert "Traceback" not in output + errors
    assert output.rstrip().endswith("Stopped.")
    host, port = url.removeprefix("ws://").split("/")[0].split(":")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do; TIME_WAIT may remain
        probe.bind((host, int(port)))
        probe.listen()  # nobody listens there any more


def test_dev_warns_when_listening_beyond_loopback(tmp_path: Path) -> None:
    process = start_dev(tmp_path, "--host", "0.0.0.0")
    try:
        lines = [process.stdout.readline() for _ in range(6)]
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    finally:
        process.kill()
    assert any("other machines on the network can connect" in line for line in lines)


CLOUD = "cloud (@connections 20 ms, DynamoDB 8 ms, cold start 250 ms, integration 15 ms)"


@pytest.mark.parametrize(
    ("options", "toml", "expected"),
    [
        ((), "", "off"),
        (("--latency", "cloud"), "", CLOUD),
        ((), '\n[dev]\nlatency = "cloud"\n', CLOUD),
        (("--latency", "off"), '\n[dev]\nlatency = "cloud"\n', "off"),
        ((), "\n[dev.latency]\nconnections_ms = 35\n", "custom (@connections 35 ms, DynamoDB 0 ms, cold start 0 ms, integration 0 ms)"),
    ],
)
def test_dev_says_which_latency_profile_it_adds(tmp_path: Path, options: tuple[str, ...], toml: str, expected: str) -> None:
    process = start_dev(tmp_path, *options, toml=toml)
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in range(4)]
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    finally:
        process.kill()
    assert lines[3] == f"  Latency: {expected}"


def test_dev_on_a_busy_port_says_so(tmp_path: Path) -> None:
    project = scaffold("chat", tmp_path, {}, Template.load(None)).directory
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "wstui", "dev", "--port", str(port), "--no-reload"],
            cwd=project, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert re.search(r"Run `wstui dev --port (\d+)` \(\1 is free now\), or `wstui dev --port 0` for any free port\.", result.stderr)
    assert "Traceback" not in result.stderr


def test_a_reader_that_goes_away_stops_the_log_not_the_service(tmp_path: Path) -> None:
    process = start_dev(tmp_path)
    try:
        url = process.stdout.readline().strip()
        process.stdout.close()  # as `wstui dev | head -1` does
        for _ in range(3):
            client = websocket.create_connection(url, timeout=10)
            client.send(json.dumps({"message": "sendmessage", "data": "still here"}))
            assert client.recv() == '"still here"'
            client.close()
        os.killpg(process.pid, signal.SIGINT)
        errors = process.stderr.read()
        process.wait(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in errors


def test_connection_rate_sets_the_quota_of_new_connections(tmp_path: Path) -> None:
    """With a quota of one a second, of five handshakes in a row some get API Gateway's 429 (all five
    would pass only if each took over a second); those accepted stay open."""
    process = start_dev(tmp_path, "--connection-rate", "1")
    opened, refused = [], []
    try:
        url = process.stdout.readline().strip()
        for _ in range(5):
            try:
                opened.append(websocket.create_connection(url, timeout=10))
            except websocket.WebSocketBadStatusException as error:
                refused.append(error.status_code)
        assert opened and refused and set(refused) == {429}
        opened[0].send(json.dumps({"message": "sendmessage", "data": "still here"}))
        assert opened[0].recv() == '"still here"'
        os.killpg(process.pid, signal.SIGINT)
        output, errors = process.communicate(timeout=30)
    finally:
        for client in opened:
            client.close()
        process.kill()
    assert process.returncode == 0, errors
    assert "(handshake) 429 Too many new connections" in output


def test_the_token_project_runs_with_its_secret_from_the_environment(tmp_path: Path) -> None:
    """WSTUI_SECRET_AUTH_TOKEN overrides .wstui/secrets.toml: the authorizer checks that value."""
    process = start_dev(tmp_path, answers={"authorization": "token"}, env={"WSTUI_SECRET_AUTH_TOKEN": "from-the-env"})
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("ws://127.0.0.1:"), process.stderr.read()
        websocket.create_connection(f"{url}?token=from-the-env", timeout=10).close()
        os.killpg(process.pid, signal.SIGINT)
        output, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, errors
    assert "from-the-env" not in output + errors


def test_a_missing_secret_stops_dev_before_it_starts(tmp_path: Path) -> None:
    project = scaffold("chat", tmp_path, {"authorization": "token"}, Template.load(None)).directory
    (project / ".wstui" / "secrets.toml").unlink()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("WSTUI_SECRET_")}
    result = subprocess.run(
        [sys.executable, "-m", "wstui", "dev", "--port", "0", "--no-reload"],
        cwd=project, capture_output=True, text=True, timeout=60, env=environment,
    )
    assert result.returncode == 2, result.stdout
    assert re.fullmatch(
        r'Error: A secret has no value:\n\S+/wstui.toml:\d+: AUTH_TOKEN is the secret "auth_token", which has no '
        r'value: add auth_token = "\.\.\." to \S+/\.wstui/secrets\.toml, or set WSTUI_SECRET_AUTH_TOKEN\.\n',
        result.stderr,
    ), result.stderr


def test_dev_refuses_a_stage_name_api_gateway_would(tmp_path: Path) -> None:
    project = scaffold("chat", tmp_path, {}, Template.load(None)).directory
    refused = subprocess.run([sys.executable, "-m", "wstui", "dev", "--stage", "my stage"], cwd=project,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert refused.stderr == 'Error: Stage name "my stage" may hold only letters, digits, "_" and "-" (at most 128).\n'


def test_an_edited_wstui_toml_is_applied_with_the_secrets_from_the_environment(tmp_path: Path) -> None:
    """The edit is read as the start was: WSTUI_SECRET_AUTH_TOKEN still beats .wstui/secrets.toml."""
    process = start_dev(tmp_path, answers={"authorization": "token"}, env={"WSTUI_SECRET_AUTH_TOKEN": "from-the-env"},
                        reload=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("ws://127.0.0.1:"), process.stderr.read()
        project = tmp_path / "chat"
        (project / "handlers" / "version.py").write_text('def handle(event, context):\n    return {"body": "v1"}\n')
        add_route(ProjectFile.open(project), "version", "handlers.version:handle", two_way=True)
        watchdog = threading.Timer(60, process.kill)  # a line that never comes ends the output, not the test run
        watchdog.start()
        applied = next((line for line in iter(process.stdout.readline, "") if "wstui.toml" in line), "")
        watchdog.cancel()
        client = websocket.create_connection(f"{url}?token=from-the-env", timeout=10)
        client.send(json.dumps({"message": "version"}))
        assert client.recv() == "v1"
        client.close()
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=30)
    finally:
        process.kill()
    assert applied == "~ wstui.toml applied: routes: + version; expression unchanged; authorizer unchanged\n"
