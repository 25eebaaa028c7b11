"""The code archive: deterministic, lean, and vendoring only what the Lambda runtime lacks."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from wstui.core.deploy.archive import build_archive, needed_requirements
from wstui.core.project.load import load_project


def names(body: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(body)).namelist()


def test_same_source_gives_the_same_bytes_whatever_the_file_times(chat_project: Path) -> None:
    project = load_project(chat_project)
    first = build_archive(project)
    for path in chat_project.rglob("*.py"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    second = build_archive(project)
    assert first.sha256 == second.sha256
    assert first.body == second.body


def test_a_changed_handler_gives_a_new_hash(chat_project: Path) -> None:
    project = load_project(chat_project)
    before = build_archive(project)
    handler = chat_project / "handlers" / "connect.py"
    handler.write_text(handler.read_text() + "\n# changed\n")
    assert build_archive(project).sha256 != before.sha256


def test_entries_are_sorted_with_fixed_times_and_normal_permissions(chat_project: Path) -> None:
    (chat_project / "handlers" / "tool.sh").write_text("#!/bin/sh\n")
    (chat_project / "handlers" / "tool.sh").chmod(0o700)
    (chat_project / "handlers" / "connect.py").chmod(0o600)
    archive = zipfile.ZipFile(io.BytesIO(build_archive(load_project(chat_project)).body))
    infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {info.filename: info.external_attr >> 16 & 0o777 for info in infos}
    assert modes["handlers/tool.sh"] == 0o755
    assert modes["handlers/connect.py"] == 0o644


def test_tests_caches_secrets_and_environments_stay_out(chat_project: Path) -> None:
    for relative in (".git/config", ".env", "handlers/__pycache__/connect.cpython-311.pyc", ".wstui/outputs.json",
                     "node_modules/x/index.js", "handlers/test_connect.py", ".pytest_cache/v/x"):
        path = chat_project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    venv = chat_project / "myenv"
    (venv / "lib").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr\n")
    (venv / "lib" / "site.py").write_text("x")
    listed = names(build_archive(load_project(chat_project)).body)
    assert "handlers/connect.py" in listed and "handlers/send_message.py" in listed
    assert not [name for name in listed if name.startswith(("tests/", ".git/", ".wstui/", "node_modules/", "myenv/", ".pytest_cache/"))]
    assert not [name for name in listed if name.endswith((".pyc", ".env", "test_connect.py", "wstui.toml"))]


def test_requirements_the_runtime_has_vendor_nothing(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# comment\nboto3>=1.34\nbotocore\n\nurllib3 ; python_version > '3'\nrequests==2.32.3  # http\n")
    assert needed_requirements(requirements) == ["requests==2.32.3"]
    assert needed_requirements(tmp_path / "absent.txt") == []


@pytest.fixture(scope="module")
def local_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pure-Python wheel written here, so vendoring runs the real pip with no network."""
    wheels = tmp_path_factory.mktemp("wheels")
    files = {
        "tinydep/__init__.py": b"VALUE = 42\n",
        "tinydep-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n",
        "tinydep-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: wstui-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
        for name, data in files.items()
    ) + "tinydep-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(wheels / "tinydep-1.0-py3-none-any.whl", "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
        wheel.writestr("tinydep-1.0.dist-info/RECORD", record)
    return wheels


def test_requirements_the_runtime_lacks_are_vendored_for_lambda(
    chat_project: Path, local_wheels: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(local_wheels))
    (chat_project / "requirements.txt").write_text("boto3\ntinydep==1.0\n")
    project = load_project(chat_project)
    archive = build_archive(project)
    assert archive.vendored == ("tinydep==1.0",)
    listed = names(archive.body)
    assert "tinydep/__init__.py" in listed
    assert any(name.startswith("tinydep-1.0.dist-info/") for name in listed)
    assert build_archive(project).sha256 == archive.sha256


def test_a_requirement_pip_cannot_install_is_one_sentence(chat_project: Path, local_wheels: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wstui.core.deploy.archive import PackagingError

    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(local_wheels))
    (chat_project / "requirements.txt").write_text("no-such-package-anywhere==9\n")
    with pytest.raises(PackagingError, match="Cannot install requirements.txt for Lambda"):
        build_archive(load_project(chat_project))


def test_plugin_files_join_the_archive_inside_it_only(chat_project: Path, tmp_path: Path) -> None:
    from wstui.core.errors import UsageError

    extra = tmp_path / "extra.json"
    extra.write_text("{}")
    listed = names(build_archive(load_project(chat_project), [("config/extra.json", extra)]).body)
    assert "config/extra.json" in listed
    with pytest.raises(UsageError, match="relative paths inside it"):
        build_archive(load_project(chat_project), [("../escape.json", extra)])
