"""Ctrl-C ends `wstui dev` however busy it is, and a second Ctrl-C ends it at once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
from pathlib import Path

import websocket

from tests.cli.test_dev import start_dev

# A handler that puts the gateway's event loop in the state a heavy run leaves it in by chance: busy
# (here: held in a callback until released) while handler threads wake it more than its self-pipe
# holds (278 one-byte writes on Linux), and then the signal arrives. asyncio's own signal handling
# dropped that signal's byte, so `wstui dev` never learnt of the Ctrl-C.
JAM = '''\
import asyncio
import signal
import sys
import threading


def handle(event, context):
    frame = sys._current_frames()[threading.main_thread().ident]
    while not isinstance(frame.f_locals.get("self"), asyncio.AbstractEventLoop):
        frame = frame.f_back
    loop = frame.f_locals["self"]
    held, release = threading.Event(), threading.Event()
    loop.call_soon_threadsafe(lambda: (held.set(), release.wait()))
    held.wait()
    for _ in range(1000):
        loop.call_soon_threadsafe(int)
    signal.pthread_kill(threading.get_ident(), signal.SIGINT)
    release.set()
    return {"statusCode": 200}
'''

# A handler that runs into its timeout (the scaffold's 10 s) and holds its thread for a minute.
HOLD = '''\
import threading


def handle(event, context):
    threading.Event().wait(60)
    return {"statusCode": 200}
'''


def lines_until(process: subprocess.Popen[str], wanted: str, seconds: float = 60) -> list[str]:
    """wstui dev's output up to the first line holding `wanted`; a line that never comes ends the
    process (and so the output), not the test run."""
    watchdog = threading.Timer(seconds, process.kill)
    watchdog.start()
    try:
        seen = []
        for line in iter(process.stdout.readline, ""):
            seen.append(line)
            if wanted in line:
                return seen
        raise AssertionError(f"no line with {wanted!r} in {seen!r}")
    finally:
        watchdog.cancel()


def send_to_route(tmp_path: Path, key: str, source: str, *options: str) -> tuple[subprocess.Popen[str], websocket.WebSocket]:
    """`wstui dev` with one more route, to handlers/KEY.py holding `source`, and a client that sent it a message."""
    process = start_dev(tmp_path, *options, toml=f'\n[[routes]]\nkey = "{key}"\nhandler = "handlers.{key}:handle"\n',
                        files={f"handlers/{key}.py": source})
    url = process.stdout.readline().strip()
    assert url.startswith("ws://127.0.0.1:"), process.stderr.read()
    client = websocket.create_connection(url, timeout=10)
    client.send(json.dumps({"message": key}))
    return process, client


def test_ctrl_c_is_not_lost_while_the_loop_is_swamped_with_wake_ups(tmp_path: Path) -> None:
    process, _ = send_to_route(tmp_path, "jam", JAM)
    try:
        output, errors = process.communicate(timeout=30)  # generous: a stop takes about a second
    finally:
        process.kill()
    assert process.returncode == 0, errors
    assert output.rstrip().endswith("Stopped."), output
    assert "Traceback" not in errors


def test_a_second_ctrl_c_stops_at_once(tmp_path: Path) -> None:
    """The orderly stop waits for every $disconnect (here one taking its whole 10 s); the second Ctrl-C
    does not, and the local DynamoDB ends with it."""
    process = start_dev(tmp_path, files={"handlers/disconnect.py": HOLD})
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("ws://127.0.0.1:"), process.stderr.read()
        dynamodb_port = int(lines_until(process, "DynamoDB: ")[-1].rsplit(":", 1)[1])
        websocket.create_connection(url, timeout=10)
        os.killpg(process.pid, signal.SIGINT)
        lines_until(process, "closed 1001 Going away")
        os.killpg(process.pid, signal.SIGINT)
        output, errors = process.communicate(timeout=5)  # well before the $disconnect's 10 s
    finally:
        process.kill()
    assert process.returncode == 130, errors
    assert output.startswith("Stopped at once: "), output
    assert "Traceback" not in errors
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", dynamodb_port))  # the local DynamoDB no longer listens there


def test_the_stop_does_not_wait_for_a_disconnect_that_finds_no_free_thread(tmp_path: Path) -> None:
    """With its one handler thread held by a message handler past its timeout, the client's $disconnect
    cannot run: the stop gives it a few seconds, says so, and ends (it waited aiohttp's 60 s)."""
    process, client = send_to_route(tmp_path, "hold", HOLD, "--workers", "1")
    try:
        assert json.loads(client.recv())["message"] == "Internal server error"  # its 10 s passed; the thread stays held
        os.killpg(process.pid, signal.SIGINT)
        output, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, errors
    assert "$disconnect not waited for: the stop waits 5 s at most" in output, output
    assert output.rstrip().endswith("Stopped."), output
