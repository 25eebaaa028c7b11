"""A plugin's settings: declared once, written in [plugins.NAME] of wstui.toml, checked like wstui's own keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.installed_plugins import CHAT, LOCAL_PLUGIN, install_plugin, project_with_plugin, run_wstui
from wstui.cli.main import cli
from wstui.core.plugins.manager import plugins_for
from wstui.core.project.load import load_project

NOTIFY = '''\
"""Publishes to a topic whose name and retries come from [plugins.NAME]."""

from dataclasses import dataclass

from wstui.plugin import hookimpl, setting


@dataclass
class Settings:
    topic: str = setting("notify", "Name of the SNS topic the handlers publish to.")
    retries: int = setting(3, "How many times a publish is retried.")
    channels: list[str] = setting([], "Channels announced in every message.")


@hookimpl
def wstui_settings():
    return Settings


@hookimpl
def wstui_configure_project(project):
    # Its own settings, whatever name it is installed or listed under, beside any other plugin's.
    settings = next(s for s in project.plugin_settings.values() if isinstance(s, Settings))
    project.functions.environment["TOPIC"] = settings.topic
    project.functions.environment["RETRIES"] = str(settings.retries)
    project.functions.environment["CHANNELS"] = ",".join(settings.channels)
'''

SETTINGS_TABLE = f"""
# Settings of the notify plugin.
[plugins.{LOCAL_PLUGIN}]
topic = "chat-events"  # the topic the team reads
retries = 5
"""


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], prog_name="wstui")


def environments(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    resources = json.loads(result.stdout)["Resources"].values()
    return [r["Properties"]["Environment"]["Variables"] for r in resources if r["Type"] == "AWS::Lambda::Function"]


def table_line(project: Path, header: str) -> int:
    lines = (project / "wstui.toml").read_text(encoding="utf-8").splitlines()
    return lines.index(header) + 1


def test_settings_come_from_the_plugins_table(tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", NOTIFY, [LOCAL_PLUGIN], SETTINGS_TABLE)
    found = environments(run(project, "synth"))
    assert len(found) == 3
    for variables in found:
        assert (variables["TOPIC"], variables["RETRIES"], variables["CHANNELS"]) == ("chat-events", "5", "")


def test_without_a_table_the_defaults_apply(tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", NOTIFY, [LOCAL_PLUGIN])
    for variables in environments(run(project, "synth")):
        assert (variables["TOPIC"], variables["RETRIES"]) == ("notify", "3")


def test_a_wrong_value_is_named_with_its_line(tmp_path: Path) -> None:
    table = f'\n[plugins.{LOCAL_PLUGIN}]\nretries = "five"\nchanels = ["ops"]\n'
    project = project_with_plugin(CHAT, tmp_path / "chat", NOTIFY, [LOCAL_PLUGIN], table)
    result = run(project, "synth")
    assert result.exit_code == 2, result.output
    header = table_line(project, f"[plugins.{LOCAL_PLUGIN}]")
    toml = project / "wstui.toml"
    assert f'{toml}:{header + 1}: "plugins.{LOCAL_PLUGIN}.retries" must be an integer, not a string.' in result.stderr
    assert (
        f'{toml}:{header + 2}: Unknown key "chanels" in [plugins.{LOCAL_PLUGIN}]: did you mean "channels"?'
        in result.stderr
    )
    assert result.stdout == ""


def test_a_table_for_a_plugin_that_is_not_loaded_is_named(tmp_path: Path) -> None:
    table = '\n[plugins.sns_notfy]\ntopic = "x"\n'
    project = project_with_plugin(CHAT, tmp_path / "chat", NOTIFY, [LOCAL_PLUGIN], table)
    result = run(project, "synth")
    assert result.exit_code == 2, result.output
    line = table_line(project, "[plugins.sns_notfy]")
    assert (
        f'{project / "wstui.toml"}:{line}: [plugins.sns_notfy] is for a plugin "sns_notfy" that is not loaded '
        f"(loaded: {LOCAL_PLUGIN}): list its module in [project] plugins, or install it." in result.stderr
    )


def test_a_table_for_a_plugin_without_settings_is_refused(tmp_path: Path) -> None:
    plugin = "from wstui.plugin import hookimpl\n\n\n@hookimpl\ndef wstui_configure_project(project):\n    pass\n"
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN], SETTINGS_TABLE)
    result = run(project, "synth")
    assert result.exit_code == 2, result.output
    assert f'The plugin "{LOCAL_PLUGIN}" (project module {LOCAL_PLUGIN}.py) takes no settings' in result.stderr


def test_a_setting_without_help_is_refused_at_load(tmp_path: Path) -> None:
    plugin = NOTIFY.replace('setting(3, "How many times a publish is retried.")', "3")
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    result = run(project, "synth")
    assert result.exit_code == 2, result.output
    assert f'The plugin "{LOCAL_PLUGIN}" (project module {LOCAL_PLUGIN}.py) cannot be loaded:' in result.stderr
    assert 'Setting "retries" needs one line of help' in result.stderr


def test_an_edit_by_wstui_keeps_the_table_and_its_comments(tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", NOTIFY, [LOCAL_PLUGIN], SETTINGS_TABLE)
    before = (project / "wstui.toml").read_text(encoding="utf-8")
    result = run(project, "routes", "add", "ping", "--handler", "handlers.send:handle")
    assert result.exit_code == 0, result.output
    after = (project / "wstui.toml").read_text(encoding="utf-8")
    assert after.endswith(SETTINGS_TABLE)
    assert '[[routes]]\nkey = "ping"' in after and len(after) > len(before)


def test_plugin_settings_reach_the_project_model(tmp_path: Path) -> None:
    project = load_project(project_with_plugin(CHAT, tmp_path / "chat", NOTIFY, [LOCAL_PLUGIN], SETTINGS_TABLE))
    plugins_for(project)
    settings = project.plugin_settings[LOCAL_PLUGIN]
    assert (settings.topic, settings.retries, settings.channels) == ("chat-events", 5, [])


def test_plugins_show_lists_the_settings(tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", NOTIFY, [LOCAL_PLUGIN], SETTINGS_TABLE)
    result = CliRunner().invoke(cli, ["--project", str(project), "plugins", "show", LOCAL_PLUGIN],
                                prog_name="wstui", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = [line.strip("│ ").split("│") for line in result.stdout.splitlines() if line.startswith("│")]
    cells = [[cell.strip() for cell in row] for row in rows]
    assert cells == [
        ["topic", "string", '"notify"', '"chat-events"', "Name of the SNS topic the handlers publish to."],
        ["retries", "integer", "3", "5", "How many times a publish is retried."],
        ["channels", "list of strings", "[]", "", "Channels announced in every message."],
    ]
    assert f"Settings, in [plugins.{LOCAL_PLUGIN}] of wstui.toml" in result.stdout


@pytest.fixture(scope="module")
def notify_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_plugin(tmp_path_factory.mktemp("site"), "wstui-sns-notify", "1.2.0", {"sns_notify": "wstui_sns_notify"},
                          NOTIFY)


def test_an_installed_plugin_reads_the_table_of_its_entry_point_name(notify_site: Path, tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", None, [], '\n[plugins.sns_notify]\ntopic = "installed"\n')
    result = run_wstui("--project", str(project), "synth", pythonpath=notify_site)
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["Resources"].values()
    topics = {r["Properties"]["Environment"]["Variables"]["TOPIC"] for r in resources if r["Type"] == "AWS::Lambda::Function"}
    assert topics == {"installed"}
    shown = run_wstui("--project", str(project), "plugins", "show", "sns_notify", pythonpath=notify_site)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("sns_notify  package wstui-sns-notify 1.2.0\n  hooks: wstui_configure_project, wstui_settings\n")


def test_listing_the_installed_module_uses_the_same_table(notify_site: Path, tmp_path: Path) -> None:
    table = '\n[plugins.sns_notify]\ntopic = "listed"\n'
    project = project_with_plugin(CHAT, tmp_path / "chat", None, ["wstui_sns_notify"], table)
    result = run_wstui("--project", str(project), "synth", pythonpath=notify_site)
    assert result.returncode == 0, result.stderr
    assert '"TOPIC": "listed"' in result.stdout
