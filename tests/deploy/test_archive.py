"""The code archive: deterministic, lean, and vendoring only what the Lambda runtime lacks."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from wstui.core.deploy.archive import PackagingError, build_archive, needed_requirements
from wstui.core.errors import ProjectError
from wstui.core.project.load import load_project

HANDLERS = ["handlers/__init__.py", "handlers/connect.py", "handlers/connections.py", "handlers/disconnect.py",
            "handlers/send_message.py"]


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


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def add_package_table(project: Path, table: str) -> None:
    toml = project / "wstui.toml"
    toml.write_text(toml.read_text() + f"\n[package]\n{table}\n")


def test_secrets_tests_environments_and_ignored_files_stay_out_and_the_handlers_go_in(
    chat_project: Path, local_wheels: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(local_wheels))
    write(chat_project, {
        ".env.local": "DB_PASSWORD=hunter2", ".aws/credentials": "[default]\naws_secret_access_key=x", "id_rsa": "KEY",
        "secrets.json": "{}", ".venv/pyvenv.cfg": "home = /usr\n", ".venv/lib/site.py": "x", "tests/test_more.py": "x",
        "handlers/.env.local": "x", "handlers/tests/test_connect.py": "x", "handlers/local_settings.py": "DEBUG = True",
        "handlers/key.json": "{}", "requirements.txt": "tinydep==1.0\n",
    })
    (chat_project / ".gitignore").write_text((chat_project / ".gitignore").read_text() + "handlers/local_settings.py\n*.json\n")
    (chat_project.parent / "outside.txt").write_text("not the project's")
    (chat_project / "handlers" / "config.py").symlink_to("../.env.local")
    (chat_project / "handlers" / "outside.py").symlink_to(chat_project.parent / "outside.txt")
    archive = build_archive(load_project(chat_project))
    listed = names(archive.body)
    assert [name for name in listed if not name.startswith("tinydep")] == HANDLERS
    assert "tinydep/__init__.py" in listed and archive.vendored == ("tinydep==1.0",)
    assert [item.name for item in archive.listing] == HANDLERS
    assert archive.files == len(listed)


def test_the_scaffolded_service_with_its_authorizer_runs_from_its_archive(chat_with_token: Path) -> None:
    """Every module the handlers import is in the archive: import each handler from the unpacked archive alone."""
    import subprocess
    import sys

    archive = build_archive(load_project(chat_with_token))
    unpacked = chat_with_token.parent / "unpacked"
    zipfile.ZipFile(io.BytesIO(archive.body)).extractall(unpacked)
    assert sorted(names(archive.body)) == sorted([*HANDLERS, "handlers/authorizer.py"])
    modules = ", ".join(f"handlers.{name}" for name in ("authorizer", "connect", "disconnect", "send_message"))
    script = f"import sys; sys.path.insert(0, {str(unpacked)!r}); import {modules}"
    result = subprocess.run([sys.executable, "-I", "-c", script], cwd=unpacked, capture_output=True, text=True,
                            env={"AWS_DEFAULT_REGION": "us-east-1"}, check=False)
    assert result.returncode == 0, result.stderr


def test_the_projects_own_modules_the_handlers_import_come_along_and_nothing_else(tmp_path: Path) -> None:
    write(tmp_path, {
        "wstui.toml": '[project]\nname = "solo"\n\n[[routes]]\nkey = "$default"\nhandler = "app:handle"\n',
        "app.py": "import json\nimport shared.text\n\ndef handle(event, context):\n    from store import table\n    return table\n",
        "shared/__init__.py": "", "shared/text.py": "from . import words\n", "shared/words.py": "import settings\n",
        "settings.py": "NAME = 1\n", "store.py": "table = 1\n", "scripts/seed.py": "import app\n", "notes.md": "x",
        "README.md": "x", "requirements-dev.txt": "pytest\n",
    })
    listed = names(build_archive(load_project(tmp_path)).body)
    assert listed == ["app.py", "settings.py", "shared/__init__.py", "shared/text.py", "shared/words.py", "store.py"]


def test_package_include_and_exclude_add_and_remove_files_but_never_secrets(chat_project: Path) -> None:
    write(chat_project, {"config/rooms.json": "[]", "config/.env": "x", "handlers/fixtures/big.bin": "x"})
    add_package_table(chat_project, 'include = ["config/"]\nexclude = ["handlers/fixtures/", "connections.py"]')
    listed = names(build_archive(load_project(chat_project)).body)
    assert "config/rooms.json" in listed
    assert not [name for name in listed if name.endswith((".env", "big.bin", "connections.py"))]


def test_an_include_that_matches_nothing_allowed_is_one_sentence(chat_project: Path) -> None:
    write(chat_project, {".env.local": "x"})
    add_package_table(chat_project, 'include = [".env*"]')
    with pytest.raises(PackagingError, match=r'\[package\] include "\.env\*" matches no file that may go into the code archive'):
        build_archive(load_project(chat_project))


def test_a_handler_kept_out_of_the_archive_is_one_sentence_before_any_upload(chat_project: Path) -> None:
    add_package_table(chat_project, 'exclude = ["send_message.py"]')
    with pytest.raises(PackagingError, match=r'Handler "handlers.send_message:handle": handlers/send_message.py may not go into'):
        build_archive(load_project(chat_project))


def test_bad_package_patterns_are_reported_with_their_line(chat_project: Path) -> None:
    add_package_table(chat_project, 'include = ["config/", "!"]\nexclude = ["../elsewhere/*"]')
    with pytest.raises(ProjectError) as raised:
        load_project(chat_project)
    lines = (chat_project / "wstui.toml").read_text().splitlines()
    include_line = lines.index('include = ["config/", "!"]') + 1
    message = str(raised.value)
    assert f"wstui.toml:{include_line}: [package] include: Pattern \"!\" is not a valid .gitignore-style pattern" in message
    assert f"wstui.toml:{include_line + 1}: [package] exclude: Pattern \"../elsewhere/*\" climbs out of the project" in message


def test_the_gitignore_files_of_the_repository_above_and_below_the_project_count(chat_project: Path, tmp_path: Path) -> None:
    repository = chat_project.parent
    (repository / ".git").mkdir()
    (repository / ".gitignore").write_text("*.local.py\n")
    (chat_project / "handlers" / ".gitignore").write_text("scratch/\n")
    write(chat_project, {"handlers/dev.local.py": "x", "handlers/scratch/notes.py": "x", "handlers/kept.py": "x"})
    listed = names(build_archive(load_project(chat_project)).body)
    assert "handlers/kept.py" in listed
    assert not [name for name in listed if "local" in name or "scratch" in name]


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


@pytest.fixture
def offline_pip(local_wheels: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip installs from `local_wheels` only, never from an index."""
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(local_wheels))


@pytest.mark.usefixtures("offline_pip")
def test_requirements_the_runtime_lacks_are_vendored_for_lambda(chat_project: Path) -> None:
    (chat_project / "requirements.txt").write_text("boto3\ntinydep==1.0\n")
    project = load_project(chat_project)
    archive = build_archive(project)
    assert archive.vendored == ("tinydep==1.0",)
    listed = names(archive.body)
    assert "tinydep/__init__.py" in listed
    assert any(name.startswith("tinydep-1.0.dist-info/") for name in listed)
    assert build_archive(project).sha256 == archive.sha256


@pytest.mark.usefixtures("offline_pip")
def test_a_requirement_pip_cannot_install_is_one_sentence(chat_project: Path) -> None:
    from wstui.core.deploy.archive import PackagingError

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


def sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that takes no room on disk."""
    with path.open("wb") as stream:
        stream.truncate(size)


@pytest.mark.usefixtures("offline_pip")
def test_code_over_lambdas_unzipped_limit_is_refused_naming_the_biggest_files_vendored_ones_too(chat_project: Path) -> None:
    (chat_project / "requirements.txt").write_text("tinydep==1.0\n")
    project = load_project(chat_project)
    assert build_archive(project).vendored == ("tinydep==1.0",)
    (vendored,) = (chat_project / ".wstui" / "build").glob("vendor-*/tinydep")
    sparse(vendored / "weights.bin", 110 * 1024 * 1024)
    sparse(chat_project / "handlers" / "model.bin", 150 * 1024 * 1024)
    with pytest.raises(PackagingError) as refused:
        build_archive(project)
    assert str(refused.value).startswith("The code archive would hold 260.0 MB (272,")
    assert "bytes) unzipped, over the 262,144,000 bytes (250 MB) Lambda takes for a function's code: the biggest files are " \
        "handlers/model.bin (150.0 MB), tinydep/weights.bin (110.0 MB), handlers/send_message.py (" in str(refused.value)
    assert "Keep large files out with [package] exclude or .gitignore" in str(refused.value)
