"""The files wstui keeps for the user are replaced whole or not at all, through links, keeping their mode."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from wstui.cli.main import cli
from wstui.core.deploy.outputs import DeployedOutputs, find_outputs, save_outputs
from wstui.core.errors import UsageError
from wstui.core.files import write_atomic
from wstui.core.project.load import ProjectFile
from wstui.core.project.stubs import write_stub_handler

EXAMPLE = Path(__file__).parents[2] / "examples" / "chat"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """The example project whose wstui.toml is a link to a file kept in another folder."""
    project = Path(shutil.copytree(EXAMPLE, tmp_path / "chat"))
    kept = tmp_path / "dotfiles" / "chat.toml"
    kept.parent.mkdir()
    shutil.move(project / "wstui.toml", kept)
    (project / "wstui.toml").symlink_to(kept)
    return project, kept


@pytest.mark.parametrize("how", ["from-inside", "with-project-option"])
def test_routes_add_writes_through_a_linked_project_file(linked: tuple[Path, Path], how: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    project, kept = linked
    args = ["routes", "add", "echo", "--handler", "handlers.send:handle"]
    if how == "from-inside":
        monkeypatch.chdir(project)
    else:
        args = ["--project", str(project), *args]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (project / "wstui.toml").is_symlink() and (project / "wstui.toml").resolve() == kept
    assert 'key = "echo"' in kept.read_text()
    assert ProjectFile.open(project).directory == project.resolve()
    assert sorted(p.name for p in kept.parent.iterdir()) == ["chat.toml"]


def test_a_stub_is_written_through_a_linked_module(tmp_path: Path) -> None:
    kept = tmp_path / "shared" / "app.py"
    kept.parent.mkdir()
    kept.write_text("def send(event, context):\n    return None\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").symlink_to(kept)
    write_stub_handler(project, "app:leave")
    assert (project / "app.py").is_symlink()
    assert "def leave(event, context):" in kept.read_text()


def test_an_existing_files_mode_is_kept_and_a_new_file_gets_the_umasks(tmp_path: Path) -> None:
    secret = tmp_path / "wstui.toml"
    secret.write_text("old\n")
    secret.chmod(0o600)
    write_atomic(secret, "new\n")
    assert secret.read_text() == "new\n" and mode(secret) == 0o600
    shared = tmp_path / "shared.txt"
    shared.write_text("old\n")
    shared.chmod(0o664)
    write_atomic(shared, b"new\n")
    assert mode(shared) == 0o664
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "fresh.json", "{}\n")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "fresh.json") == 0o640


def test_a_new_file_can_be_private_from_its_first_byte(tmp_path: Path) -> None:
    """The temporary file is created 0600, so the content is never readable by others, not even before
    the rename; an existing file keeps its own mode."""
    write_atomic(tmp_path / "secrets.toml", 'auth_token = "x"\n', new_file_mode=0o600)
    assert mode(tmp_path / "secrets.toml") == 0o600
    (tmp_path / "shared.toml").write_text("old\n")
    (tmp_path / "shared.toml").chmod(0o640)
    write_atomic(tmp_path / "shared.toml", "new\n", new_file_mode=0o600)
    assert mode(tmp_path / "shared.toml") == 0o640


def test_outputs_keep_their_mode(tmp_path: Path) -> None:
    first = save_outputs(tmp_path, DeployedOutputs("chat", "us-east-1", {"APIGatewayURL": "wss://one"}))
    first.chmod(0o600)
    save_outputs(tmp_path, DeployedOutputs("chat", "us-east-1", {"APIGatewayURL": "wss://two"}))
    assert find_outputs(tmp_path, "us-east-1", "chat").outputs == {"APIGatewayURL": "wss://two"} and mode(first) == 0o600


def test_a_file_its_owner_cannot_read_is_rewritten_readable(tmp_path: Path) -> None:
    """A record kept at mode 000 could never be read back: rewriting it gives its owner read and write."""
    record = save_outputs(tmp_path, DeployedOutputs("chat", "us-east-1", {"APIGatewayURL": "wss://one"}))
    record.chmod(0o000)
    save_outputs(tmp_path, DeployedOutputs("chat", "us-east-1", {"APIGatewayURL": "wss://two"}))
    assert mode(record) == 0o600
    assert find_outputs(tmp_path, "us-east-1", "chat").outputs == {"APIGatewayURL": "wss://two"}
    shared = tmp_path / "wstui.toml"
    shared.write_text("old\n")
    shared.chmod(0o044)
    write_atomic(shared, "new\n")
    assert mode(shared) == 0o644 and shared.read_text() == "new\n"


def no_space(*args: object) -> None:
    raise OSError(28, "No space left on device")


def interrupted(*args: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("patched", "replacement", "text", "raised"),
    [
        ("replace", no_space, "new\n", UsageError),
        ("fsync", interrupted, "new\n", KeyboardInterrupt),
        ("open", no_space, "new\n", UsageError),
        (None, None, "lone \udc80 surrogate", UnicodeEncodeError),
    ],
    ids=["rename-fails", "interrupted-before-rename", "folder-unwritable", "text-cannot-be-encoded"],
)
def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patched: str | None, replacement: object, text: str,
    raised: type[BaseException],
) -> None:
    path = tmp_path / "wstui.toml"
    path.write_text("old\n")
    if patched is not None:
        monkeypatch.setattr(os, patched, replacement)
    with pytest.raises(raised) as failure:
        write_atomic(path, text)
    if raised is UsageError:
        assert str(failure.value) == f"Cannot write {path}: No space left on device."
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["wstui.toml"]


def test_the_file_and_its_folder_are_synced_before_returning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "wstui.toml"
    path.write_text("old\n")
    synced: list[str] = []
    real_fsync = os.fsync

    def recording(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording)
    write_atomic(path, "new\n")
    assert len(synced) == 2
    assert Path(synced[0]).parent == tmp_path and Path(synced[0]).name.startswith(".wstui.toml.")
    assert synced[1] == str(tmp_path)
