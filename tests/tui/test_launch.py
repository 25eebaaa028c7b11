"""`wstui` with no command: the app for a project, or a clear error for a --project that holds none."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from wstui.cli.main import cli


def test_a_project_option_without_a_project_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--project", str(tmp_path)])
    assert result.exit_code == 2
    assert f"No wstui.toml in {tmp_path}" in result.output


def test_help_still_lists_the_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "With no command, opens the app" in result.output
    assert "routes" in result.output
