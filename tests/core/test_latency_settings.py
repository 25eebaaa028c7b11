"""[dev] latency in wstui.toml: a profile's name or a table of milliseconds, checked with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from wstui.core.errors import ProjectError
from wstui.core.project.latency import PROFILES, describe_latency, resolve_latency
from wstui.core.project.load import ProjectFile, load_project
from wstui.core.project.model import LatencySettings

BASE = """\
[project]
name = "demo"

[[routes]]
key = "sendmessage"
handler = "handlers.chat:send"
"""


def project_with(root: Path, extra: str) -> Path:
    (root / "handlers").mkdir(exist_ok=True)
    (root / "handlers" / "__init__.py").write_text("")
    (root / "handlers" / "chat.py").write_text("def send(event, context):\n    return {'statusCode': 200}\n")
    (root / "wstui.toml").write_text(BASE + extra)
    return root


def test_latency_is_off_unless_the_file_says_otherwise(tmp_path: Path) -> None:
    project = load_project(project_with(tmp_path, ""))
    assert resolve_latency(project.dev.latency) == LatencySettings() == PROFILES["off"]
    assert describe_latency(project.dev.latency) == "off"


def test_a_named_profile_and_a_table_of_figures_are_read(tmp_path: Path) -> None:
    assert load_project(project_with(tmp_path, '\n[dev]\nlatency = "cloud"\n')).dev.latency == "cloud"
    table = "\n[dev.latency]\nconnections_ms = 20\ncold_start_ms = 312.5\n"
    custom = load_project(project_with(tmp_path, table)).dev.latency
    assert custom == LatencySettings(connections_ms=20, cold_start_ms=312.5)
    assert describe_latency(custom) == "custom (@connections 20 ms, DynamoDB 0 ms, cold start 312.5 ms, integration 0 ms)"


@pytest.mark.parametrize(
    ("extra", "line", "expected"),
    [
        ('\n[dev]\nlatency = "clowd"\n', 9, 'No latency profile "clowd": use "off", "cloud", or a [dev.latency] table'),
        ("\n[dev]\nlatency = 20\n", 9, '"dev.latency" must be a string or a table'),
        ("\n[dev.latency]\nconnections_ms = 20\ncold_start_ms = -1\n", 10, "cold_start_ms = -1: a delay must be milliseconds"),
        ("\n[dev.latency]\ndynamodb_ms = nan\n", 9, "dynamodb_ms = nan: a delay must be milliseconds from 0 to 29000"),
        ("\n[dev.latency]\nintegration_ms = inf\n", 9, "integration_ms = inf"),
        ("\n[dev.latency]\nintegration_ms = 29001\n", 9, "integration_ms = 29001"),
        ('\n[dev.latency]\nconnections_ms = "20ms"\n', 9, '"dev.latency.connections_ms" must be a number, not a string'),
        ("\n[dev.latency]\npost_ms = 20\n", 9, 'Unknown key "post_ms" in [dev.latency]'),
    ],
)
def test_a_bad_latency_setting_is_refused_at_its_line(tmp_path: Path, extra: str, line: int, expected: str) -> None:
    project_with(tmp_path, extra)
    with pytest.raises(ProjectError) as caught:
        load_project(tmp_path)
    (problem,) = [str(p) for p in caught.value.problems]
    assert f"wstui.toml:{line}: " in problem
    assert expected in problem


def test_an_edit_keeps_the_latency_table_and_its_comments(tmp_path: Path) -> None:
    table = "\n[dev.latency]\n# measured on our staging stage\nconnections_ms = 35\n"
    project_file = ProjectFile.open(project_with(tmp_path, table))
    document = project_file.document
    document["dev"]["latency"]["dynamodb_ms"] = 6  # type: ignore[index]
    saved = project_file.save(document)
    assert saved.dev.latency == LatencySettings(connections_ms=35, dynamodb_ms=6)
    text = (tmp_path / "wstui.toml").read_text()
    assert "# measured on our staging stage\nconnections_ms = 35\ndynamodb_ms = 6\n" in text
    assert tomlkit.parse(text).unwrap()["dev"]["latency"] == {"connections_ms": 35, "dynamodb_ms": 6}


def test_an_edit_that_breaks_the_profile_is_not_saved(tmp_path: Path) -> None:
    project_file = ProjectFile.open(project_with(tmp_path, '\n[dev]\nlatency = "cloud"\n'))
    document = project_file.document
    document["dev"]["latency"] = "fast"  # type: ignore[index]
    with pytest.raises(ProjectError, match="Not saved"):
        project_file.save(document)
    assert 'latency = "cloud"' in (tmp_path / "wstui.toml").read_text()
