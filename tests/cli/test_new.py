"""`wstui new` from a shell: what it prints, its exit codes, and templates from git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from wstui.core.scaffold import bundled_template


def wstui(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wstui", *args], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env)


def test_new_prints_where_and_what_next(tmp_path: Path) -> None:
    result = wstui("new", "chat", "--no-input", "--option", "authorization=token", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        f"Created chat in {tmp_path.resolve() / 'chat'}",
        "  3 routes: $connect, $disconnect, sendmessage",
        "  secrets generated into chat/.wstui/secrets.toml (git-ignored): auth_token",
    ]
    assert "  cd chat" in result.stdout
    synth = wstui("synth", cwd=tmp_path / "chat")
    assert synth.returncode == 0 and '"AuthorizerType": "REQUEST"' in synth.stdout
    assert '"NoEcho": true' in synth.stdout


def test_without_a_terminal_new_asks_nothing(tmp_path: Path) -> None:
    result = wstui("new", "chat", "-o", "services", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "services" / "chat" / "wstui.toml").is_file()


def test_bad_input_exits_2_with_one_sentence(tmp_path: Path) -> None:
    for args, message in [
        (["new", "../up"], '"../up" is a path, not a name'),
        (["new", "chat", "--option", "nokey"], '"nokey" is not KEY=VALUE'),
        (["new", "chat", "--option", "billing_mode=free"], "Option billing_mode must be one of on_demand, provisioned"),
        (["new", "chat", "--template", str(tmp_path / "missing")], "Cannot use template"),
    ]:
        result = wstui(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_template_from_a_git_repository(tmp_path: Path) -> None:
    repository = tmp_path / "template-repo"
    shutil.copytree(bundled_template(), repository, ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    subprocess.run([*git, "-C", str(repository), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repository), "commit", "-qm", "template"], check=True)
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    work = tmp_path / "work"
    work.mkdir()
    result = wstui("new", "chat", "--no-input", "--template", f"git+file://{repository}", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert (work / "chat" / "handlers" / "send_message.py").is_file()


def test_the_printed_next_steps_work_as_pasted_in_the_readmes_flow(tmp_path: Path) -> None:
    """The README runs .venv/bin/wstui without activating the environment: the shell's PATH has
    neither that wstui nor that Python, so the steps must name them by path."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["PATH"] = "/usr/bin:/bin"
    result = wstui("new", "chat", "--no-input", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    steps = [line.split("   #")[0].strip() for line in lines[lines.index("Next:") + 1:]]
    assert steps[0] == "cd chat" and all(sys.executable in step for step in steps[1:])
    ran = subprocess.run(["bash", "-c", " && ".join(steps)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert " passed" in ran.stdout and '"ProtocolType": "WEBSOCKET"' in ran.stdout


def test_a_name_that_changes_is_said_and_a_refused_one_shown_as_typed(tmp_path: Path) -> None:
    result = wstui("new", "Chat Room", "--no-input", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "  project name chat-room, package folder chat_room (from 'Chat Room')" in result.stdout.splitlines()
    toml = (tmp_path / "chat_room" / "wstui.toml").read_text()
    assert toml.startswith("# chat-room: ") and 'name = "chat-room"' in toml
    assert (tmp_path / "chat_room" / "README.md").read_text().startswith("# chat-room\n")
    plain = wstui("new", "chat", "--no-input", cwd=tmp_path / "chat_room")
    assert "project name" not in plain.stdout, "nothing to say when the name is used as typed"
    refused = wstui("new", "évil", "--no-input", cwd=tmp_path)
    assert refused.returncode == 2 and 'The project name "évil" may hold only ASCII letters' in refused.stderr
