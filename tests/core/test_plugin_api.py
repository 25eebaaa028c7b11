"""`wstui.plugin` is the whole plugin API: an installed plugin built on it alone adds a command that
reads the project, its own settings and the template."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import wstui.plugin
from tests.installed_plugins import CHAT, install_plugin, project_with_plugin, run_wstui

ROLES = '''\
from dataclasses import dataclass

import click

from wstui.plugin import FunctionIds, current_project, hookimpl, project_option, setting, synthesize


@dataclass
class Settings:
    handler: str = setting("handlers.send:handle", "The handler whose role is printed.")


@hookimpl
def wstui_settings():
    return Settings


@hookimpl
def wstui_cli_commands():
    @click.command("role")
    @project_option
    def role():
        """Print the IAM actions of one handler's role."""
        project = current_project()
        ids = FunctionIds.of(project.plugin_settings["roles"].handler)
        resources = synthesize(project).to_dict()["Resources"]
        for policy in resources[ids.role]["Properties"]["Policies"]:
            for statement in policy["PolicyDocument"]["Statement"]:
                click.echo(" ".join(statement["Action"]))

    return [role]
'''


def test_every_public_name_is_there() -> None:
    for name in wstui.plugin.__all__:
        assert getattr(wstui.plugin, name) is not None, name


def test_importing_the_api_loads_neither_troposphere_nor_click() -> None:
    code = "import sys, wstui.plugin; print(sorted({'troposphere', 'click'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_an_installed_command_reads_project_settings_and_template(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    install_plugin(site, "wstui-roles", "0.2", {"roles": "wstui_roles"}, ROLES)
    table = '\n[plugins.roles]\nhandler = "handlers.connect:handle"\n'
    project = project_with_plugin(CHAT, tmp_path / "chat", None, [], table)
    result = run_wstui("--project", str(project), "role", pythonpath=site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "dynamodb:PutItem"
