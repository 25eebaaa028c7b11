"""The whole story in a real terminal: `wstui` in tmux, driven by keys and read back from the screen.

Open the project, add a route, start the local gateway, connect two console sessions, send from one,
see the broadcast on both. The test waits for screen text: tmux copies the pane's output into a FIFO
and the screen is read again each time output arrives, until the text shows or the deadline passes.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.tui.test_local_area import port_is_free

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SESSION = "story"
HELLO = '{"message":"sendmessage","data":"hello world !"}'


class Terminal:
    """One tmux session on a server of its own (its socket in tmp_path), with no user tmux config."""

    def __init__(self, socket: Path, fifo: Path) -> None:
        self.base = ["tmux", "-S", str(socket), "-f", os.devnull]
        self.fifo = fifo

    def tmux(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], check=True, capture_output=True, text=True, timeout=30).stdout

    def start(self, directory: Path, command: str) -> None:
        self.tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "45", "-c", str(directory), command)
        os.mkfifo(self.fifo)
        self.output = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.tmux("pipe-pane", "-t", SESSION, f"cat > {self.fifo}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", SESSION, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor is (column, row): Textual puts it in the focused text field."""
        x, y = self.tmux("display-message", "-p", "-t", SESSION, "#{cursor_x},#{cursor_y}").split(",")
        return int(x), int(y)

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        """The screen once `condition` holds for it; fails with the last screen after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"never saw {what}; the screen was:\n{screen}"
            assert self.more_output(remaining), f"the app ended before {what}; the screen was:\n{screen}"

    def more_output(self, timeout: float) -> bool:
        """Wait for the pane's next output; False once the pane has closed (the FIFO's end of file)."""
        ready, _, _ = select.select([self.output], [], [], timeout)
        return not ready or bool(os.read(self.output, 1 << 16))

    def wait_for_exit(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.more_output(max(0.0, deadline - time.monotonic())):
            assert time.monotonic() < deadline, f"the app is still running:\n{self.screen()}"

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=30)
        if hasattr(self, "output"):
            os.close(self.output)


def handler_field_row(screen: str) -> int:
    """The row of the new-route form's handler field: two below its label."""
    rows = [row for row, line in enumerate(screen.splitlines()) if re.search(r"█ Handler +│", line)]
    assert len(rows) == 1, f"no handler label on the screen:\n{screen}"
    return rows[0] + 2


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    terminal = Terminal(tmp_path / "tmux.sock", tmp_path / "pane.fifo")
    yield terminal
    terminal.close()


def test_the_story_in_tmux(terminal: Terminal, chat: Path, tmp_path: Path) -> None:
    config = tmp_path / "config" / "wstui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("local_port = 0\ncursor_blink = false\n")
    # Under pytest the pane inherits COLUMNS=80 and LINES=24, which would override the pane's own size.
    terminal.start(chat, f"env -u COLUMNS -u LINES XDG_CONFIG_HOME={config.parent.parent} {sys.executable} -m wstui")
    terminal.wait_for(lambda s: "sendmessage" in s and "$disconnect" in s, "the Routes area")

    terminal.keys("C-n")
    terminal.wait_for(lambda s: "New route" in s, "the new-route form")
    terminal.keys("echo", literal=True)
    # The check shows after the first letter: wait for the whole key before taking the cursor's column.
    screen = terminal.wait_for(lambda s: 'Handler "" must look like' in s and "▊  echo " in s, "the key typed")
    key_x, _ = terminal.cursor()
    terminal.keys("Tab")
    # Keys typed before Textual has moved the focus would still land in the key field, so wait for the
    # cursor at the start of the empty handler field (a moving cursor mid-repaint ends lines, never there).
    in_handler = (key_x - len("echo"), handler_field_row(screen))
    terminal.wait_for(lambda _: terminal.cursor() == in_handler, "the cursor in the handler field", 10)
    terminal.keys("handlers.send_message:handle", literal=True)
    terminal.wait_for(lambda s: "RouteEcho" in s, "the template preview")
    terminal.keys("C-s")
    terminal.wait_for(lambda s: re.search(r"echo +handlers\.send_message:handle", s) is not None, "the new route")
    assert "echo" in (chat / "wstui.toml").read_text()

    terminal.keys("F3")
    terminal.wait_for(lambda s: "Connections" in s, "the Local area")
    terminal.keys("C-s")
    screen = terminal.wait_for(lambda s: "listening on ws://127.0.0.1:" in s, "the gateway listening", 120)
    url = re.search(r"listening on (ws://127\.0\.0\.1:\d+/v1)", screen)
    assert url is not None

    terminal.keys("F4")
    terminal.wait_for(lambda s: "Sessions" in s and url.group(1) in s, "the Console area on the gateway's URL")
    terminal.keys("C-n")
    terminal.wait_for(lambda s: "c1 open" in s, "the first session open")
    terminal.keys("C-n")
    terminal.wait_for(lambda s: "c2 open" in s, "the second session open")
    terminal.keys(HELLO, literal=True)
    terminal.wait_for(lambda s: "valid JSON" in s, "the payload checked")
    terminal.keys("C-s")
    screen = terminal.wait_for(lambda s: s.count('15 B  "hello world !"') == 2, "the broadcast on both sessions")
    assert screen.count("48 B  {\"message\":\"sendmessage\"") == 1, "sent once, from the second session"

    terminal.keys("C-q")
    terminal.wait_for_exit()
    assert port_is_free(int(url.group(1).split(":")[2].split("/")[0])), "quitting stopped the gateway"
