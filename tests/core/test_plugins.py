"""Plugins: a real entry-point plugin (installed with no pip) and plugins listed in wstui.toml."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.installed_plugins import CHAT, LOCAL_PLUGIN, ROOT, install_plugin, project_with_plugin, run_wstui
from wstui.cli.main import cli
from wstui.core.errors import UsageError
from wstui.core.project.load import load_project
from wstui.core.template import synthesize

LARGER = ROOT / "tests" / "fixtures" / "larger"

DEMO_PLUGIN = '''\
"""A third-party wstui plugin: an SNS topic in every template and a `demo-hello` command."""

import click

from wstui.core.plugins.hookspecs import hookimpl


@hookimpl
def wstui_decorate_template(service):
    from troposphere import sns

    service.template.add_resource(sns.Topic("DemoTopic", DisplayName=f"{service.project.project.name} events"))


@hookimpl
def wstui_cli_commands():
    @click.command("demo-hello")
    def hello():
        """Say hello from the demo plugin."""
        click.echo("Hello from the demo plugin!")

    return [hello]
'''


# --- helpers ------------------------------------------------------------------------------------------


def install_demo_plugin(site: Path) -> Path:
    """Make `site` look like site-packages holding an installed `wstui_demo_plugin` distribution."""
    return install_plugin(site, "wstui_demo_plugin", "0.1", {"demo": "wstui_demo_plugin"}, DEMO_PLUGIN)


def synth(project: Path) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), "synth"], prog_name="wstui")


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: r["Properties"] for n, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Function"}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_demo_plugin(tmp_path_factory.mktemp("site"))


# --- an installed (entry-point) plugin ----------------------------------------------------------------


def test_entry_point_plugin_command_is_listed_in_help(demo_site: Path) -> None:
    result = run_wstui("--help", pythonpath=demo_site)
    assert result.returncode == 0, result.stderr
    assert "demo-hello" in result.stdout
    assert "Say hello from the demo plugin." in result.stdout
    assert "synth" in result.stdout  # the built-in commands are still there


def test_entry_point_plugin_command_runs(demo_site: Path) -> None:
    result = run_wstui("demo-hello", pythonpath=demo_site)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from the demo plugin!\n"


def test_entry_point_plugin_decorates_the_template(demo_site: Path) -> None:
    result = run_wstui("--project", str(CHAT), "synth", pythonpath=demo_site)
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["Resources"]
    assert resources["DemoTopic"] == {"Properties": {"DisplayName": "sample events"}, "Type": "AWS::SNS::Topic"}
    assert "ConnectionTable" in resources  # the built-in plugin still ran


def test_without_the_plugin_there_is_no_demo(tmp_path: Path) -> None:
    help_text = run_wstui("--help", pythonpath=tmp_path)
    assert help_text.returncode == 0, help_text.stderr
    assert "demo-hello" not in help_text.stdout
    unknown = run_wstui("demo-hello", pythonpath=tmp_path)
    assert unknown.returncode == 2
    assert "No such command 'demo-hello'" in unknown.stderr


# --- plugins listed in wstui.toml ---------------------------------------------------------------------

REQUIRE_TAGS = """\
from wstui.core.plugins.hookspecs import hookimpl


@hookimpl
def wstui_validate_template(project, template):
    if not template["Resources"]["WebSocketApi"]["Properties"].get("Tags"):
        return ["The API has no tags: add [api.tags] to wstui.toml."]
    return []
"""


def test_project_plugin_problem_stops_synth_with_exit_2(tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", REQUIRE_TAGS, [LOCAL_PLUGIN])
    result = synth(project)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "The API has no tags: add [api.tags] to wstui.toml." in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""  # no half-built template on stdout


def test_project_plugin_that_finds_no_problem_lets_synth_through(tmp_path: Path) -> None:
    project = project_with_plugin(LARGER, tmp_path / "larger", REQUIRE_TAGS, [LOCAL_PLUGIN])
    result = synth(project)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["Resources"]["WebSocketApi"]["Properties"]["Tags"]


def test_missing_project_plugin_is_named(tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", None, ["wstui_no_such_plugin"])
    result = synth(project)
    assert result.exit_code == 2, result.output
    assert 'wstui.toml:6: Plugin "wstui_no_such_plugin" was not found: install it' in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(UsageError, match="wstui_no_such_plugin"):
        synthesize(load_project(project))


def test_project_plugin_that_fails_to_import_is_reported(tmp_path: Path) -> None:
    broken = "raise RuntimeError('boom at import')\n"
    project = project_with_plugin(CHAT, tmp_path / "chat", broken, [LOCAL_PLUGIN])
    result = synth(project)
    assert result.exit_code == 2, result.output
    assert f'Plugin "{LOCAL_PLUGIN}" failed to import' in result.stderr
    assert "boom at import" in result.stderr
    assert "Traceback" not in result.output


def test_configure_project_hook_changes_the_build(tmp_path: Path) -> None:
    plugin = """\
    from wstui.core.plugins.hookspecs import hookimpl


    @hookimpl
    def wstui_configure_project(project):
        project.functions.environment["FEATURE_FLAGS"] = "beta"
        project.api.tags["owner"] = "plugin"
    """
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    template = synthesize(load_project(project)).to_dict()
    found = functions(template)
    assert len(found) == 3
    for name, function in found.items():
        assert function["Environment"]["Variables"]["FEATURE_FLAGS"] == "beta", name
        assert function["Environment"]["Variables"]["CONNECTION_TABLE"] == {"Ref": "ConnectionTable"}, name
    assert template["Resources"]["WebSocketApi"]["Properties"]["Tags"] == {"owner": "plugin"}


def test_without_the_project_plugin_the_hook_does_not_run(tmp_path: Path) -> None:
    template = synthesize(load_project(CHAT)).to_dict()
    for function in functions(template).values():
        assert "FEATURE_FLAGS" not in function["Environment"]["Variables"]


def test_each_project_gets_its_own_local_plugin_and_edits_are_seen(tmp_path: Path) -> None:
    def plugin(value: str) -> str:
        return f"""\
    from wstui.core.plugins.hookspecs import hookimpl


    @hookimpl
    def wstui_configure_project(project):
        project.functions.environment["WHICH"] = "{value}"
    """

    def which(project: Path) -> set[str]:
        template = synthesize(load_project(project)).to_dict()
        return {f["Environment"]["Variables"]["WHICH"] for f in functions(template).values()}

    first = project_with_plugin(CHAT, tmp_path / "first", plugin("first"), [LOCAL_PLUGIN])
    second = project_with_plugin(CHAT, tmp_path / "second", plugin("second"), [LOCAL_PLUGIN])
    assert which(first) == {"first"}
    assert which(second) == {"second"}
    (first / f"{LOCAL_PLUGIN}.py").write_text(textwrap.dedent(plugin("edited")), encoding="utf-8")
    assert which(first) == {"edited"}
