"""A plugin's mistakes are the plugin's: named with the plugin and the hook, reported when it loads,
and an installed plugin that is broken does not take wstui down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.installed_plugins import CHAT, LOCAL_PLUGIN, install_plugin, project_with_plugin, run_wstui
from wstui.cli.main import cli
from wstui.core.deploy.context import DeployContext, call_deploy_hook
from wstui.core.errors import PluginFailure
from wstui.core.plugins.manager import plugins_for
from wstui.core.project.load import load_project

NAMED = f'The plugin "{LOCAL_PLUGIN}" (project module {LOCAL_PLUGIN}.py)'


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args[:1], "--project", str(project), *args[1:]], prog_name="wstui")


def plugin_with(hook: str, body: str, arguments: str = "project") -> str:
    return f"from wstui.plugin import PluginError, hookimpl\n\n\n@hookimpl\ndef {hook}({arguments}):\n    {body}\n"


# --- item 4: an exception in a hook names the plugin and the hook -------------------------------------


@pytest.mark.parametrize(
    ("hook", "arguments"),
    [
        ("wstui_configure_project", "project"),
        ("wstui_decorate_template", "service"),
        ("wstui_validate_template", "project, template"),
    ],
)
def test_a_hook_that_raises_ends_in_one_sentence_naming_plugin_and_hook(tmp_path: Path, hook: str, arguments: str) -> None:
    plugin = plugin_with(hook, "raise KeyError('topic')", arguments)
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    result = run(project, "synth")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: {NAMED} failed in {hook} (KeyError: 'topic'). `wstui --debug ...` shows the traceback.\n"
    )
    assert result.stdout == ""


def test_debug_shows_the_plugins_traceback(tmp_path: Path) -> None:
    plugin = plugin_with("wstui_decorate_template", "raise KeyError('topic')", "service")
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    result = run(project, "--debug", "synth")
    assert result.exit_code == 1, result.output
    assert "Traceback (most recent call last)" in result.stderr
    assert f'{LOCAL_PLUGIN}.py", line 6, in wstui_decorate_template' in result.stderr
    assert result.stderr.endswith(f"Error: {NAMED} failed in wstui_decorate_template (KeyError: 'topic').\n")


def test_a_plugin_error_stops_with_the_plugins_own_message(tmp_path: Path) -> None:
    plugin = plugin_with("wstui_configure_project", 'raise PluginError("Set [plugins.x] topic first.")')
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    result = run(project, "--debug", "synth")
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {NAMED} stopped in wstui_configure_project: Set [plugins.x] topic first.\n"


def test_a_deploy_hook_that_raises_is_named_too(tmp_path: Path) -> None:
    plugin = plugin_with("wstui_after_deploy", "raise RuntimeError('no topic')", "project, outputs")
    project = load_project(project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN]))
    plugins = plugins_for(project)
    context = DeployContext("v1", "chat-v1", "us-east-1", None, None, make_client=lambda service: None)
    with pytest.raises(PluginFailure) as failure:
        list(call_deploy_hook(plugins, "wstui_after_deploy", context, project=project, outputs={}))
    assert str(failure.value) == f"{NAMED} failed in wstui_after_deploy (RuntimeError: no topic)."
    assert isinstance(failure.value.cause, RuntimeError)


def test_a_plugin_resource_under_a_taken_id_names_the_plugin(tmp_path: Path) -> None:
    body = "from troposphere import sns\n    service.template.add_resource(sns.Topic('RouteConnect'))"
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin_with("wstui_decorate_template", body, "service"),
                                  [LOCAL_PLUGIN])
    result = run(project, "synth")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f'Error: {NAMED} added a resource whose logical id wstui also uses: duplicate key "RouteConnect" detected.\n'
    )


# --- item 6: mistakes in hook names and arguments are reported at load ---------------------------------


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (
            "def wstui_decorate_templates(service):\n    pass\n",
            "wstui_decorate_templates is not a wstui hook: did you mean wstui_decorate_template?",
        ),
        (
            "@hookimpl\ndef decorate_template(service):\n    pass\n",
            "decorate_template is marked @hookimpl but decorate_template is not a wstui hook: did you mean "
            "wstui_decorate_template?",
        ),
        (
            "def wstui_validate_template(project, template):\n    return []\n",
            "wstui_validate_template is not marked @hookimpl, so wstui would never call it.",
        ),
        (
            "@hookimpl\ndef wstui_decorate_template(servce):\n    pass\n",
            "wstui_decorate_template asks for servce, which wstui_decorate_template is not given (it gets: service, target).",
        ),
    ],
)
def test_a_hook_mistake_is_reported_at_load(tmp_path: Path, source: str, problem: str) -> None:
    plugin = f"from wstui.plugin import hookimpl\n\n\n{source}"
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    result = run(project, "synth")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {NAMED} cannot be loaded:\n- {problem}\n"


def test_a_validate_hook_returning_one_sentence_is_one_problem(tmp_path: Path) -> None:
    plugin = plugin_with("wstui_validate_template", 'return "The API has no tags."', "project, template")
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    result = run(project, "synth")
    assert result.exit_code == 2, result.output
    assert result.stderr == "Error: The template did not pass the plugins' checks:\n- The API has no tags.\n"


# --- installed plugins: commands, broken ones, switching one off ---------------------------------------

GREETER = '''\
import click

from wstui.plugin import hookimpl


@hookimpl
def wstui_cli_commands():
    @click.command("{command}")
    def greet():
        """Greet from {name}."""
        {body}

    return [greet]
'''
TOPIC = '''\
from wstui.plugin import hookimpl


@hookimpl
def wstui_decorate_template(service):
    from troposphere import sns

    service.template.add_resource(sns.Topic("PluginTopic"))
'''


def greeter(name: str, command: str = "greet", body: str = 'click.echo("hi")') -> str:
    return GREETER.format(name=name, command=command, body=body)


@pytest.fixture(scope="module")
def troubled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Installed: one plugin that cannot be imported, one whose command list raises, two adding `greet`,
    one whose command raises, and a working one that adds a topic."""
    site = tmp_path_factory.mktemp("site")
    install_plugin(site, "wstui-broken", "1.0", {"broken": "wstui_broken"}, "import wstui_missing_dependency\n")
    source = "from wstui.plugin import hookimpl\n\n\n@hookimpl\ndef wstui_cli_commands():\n    raise OSError('no config')\n"
    install_plugin(site, "wstui-no-commands", "2.0", {"no_commands": "wstui_no_commands"}, source)
    install_plugin(site, "wstui-greet-a", "1.0", {"greet_a": "wstui_greet_a"}, greeter("a"))
    install_plugin(site, "wstui-greet-b", "3.1", {"greet_b": "wstui_greet_b"}, greeter("b"))
    install_plugin(site, "wstui-crash", "0.3", {"crash": "wstui_crash"}, greeter("crash", "crash", "raise ValueError('bad')"))
    install_plugin(site, "wstui-topic", "0.9", {"topic": "wstui_topic"}, TOPIC)
    return site


BROKEN_WARNING = (
    'Warning: The installed plugin "broken" (package wstui-broken 1.0) failed to load (ModuleNotFoundError: No '
    "module named 'wstui_missing_dependency'). wstui goes on without it: uninstall it (pip uninstall wstui-broken), "
    'or switch it off in a project with disabled_plugins = ["broken"] under [project] in wstui.toml.\n'
)


def test_help_survives_broken_plugins_and_says_which(troubled_site: Path) -> None:
    result = run_wstui("--help", pythonpath=troubled_site)
    assert result.returncode == 0, result.stderr
    assert "synth" in result.stdout and "crash" in result.stdout
    assert "  greet    (Not available: added by 2 plugins.)\n" in result.stdout
    assert BROKEN_WARNING in result.stderr
    assert (
        'Warning: The plugin "no_commands" (package wstui-no-commands 2.0) failed in wstui_cli_commands (OSError: '
        "no config). Its commands are not available.\n" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_command_two_plugins_add_names_both(troubled_site: Path) -> None:
    result = run_wstui("greet", pythonpath=troubled_site)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.endswith(
        'Error: The command "greet" is added by 2 plugins, the plugin "greet_a" (package wstui-greet-a 1.0) and the '
        'plugin "greet_b" (package wstui-greet-b 3.1): uninstall all but one.\n'
    )


def test_a_plugin_command_that_raises_names_the_plugin(troubled_site: Path) -> None:
    result = run_wstui("crash", pythonpath=troubled_site)
    assert result.returncode == 1
    assert result.stderr.endswith(
        'Error: The plugin "crash" (package wstui-crash 0.3) failed in its command "crash" (ValueError: bad). '
        "`wstui --debug ...` shows the traceback.\n"
    )


def test_commands_and_projects_that_do_not_list_a_broken_plugin_keep_working(troubled_site: Path) -> None:
    routes = run_wstui("--project", str(CHAT), "routes", "list", "--json", pythonpath=troubled_site)
    assert routes.returncode == 0, routes.stderr
    built = run_wstui("--project", str(CHAT), "synth", pythonpath=troubled_site)
    assert built.returncode == 0, built.stderr
    assert "PluginTopic" in json.loads(built.stdout)["Resources"]  # the working installed plugin still ran
    assert built.stderr == BROKEN_WARNING


def test_a_project_that_lists_a_broken_plugin_stops(troubled_site: Path, tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", None, ["wstui_broken"])
    result = run_wstui("--project", str(project), "synth", pythonpath=troubled_site)
    assert result.returncode == 2
    assert 'Error: Plugin "wstui_broken" failed to import: No module named \'wstui_missing_dependency\'.' in result.stderr


def test_a_project_can_switch_an_installed_plugin_off(troubled_site: Path, tmp_path: Path) -> None:
    project = project_with_plugin(CHAT, tmp_path / "chat", None, [])
    toml = project / "wstui.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("[project]\n", '[project]\ndisabled_plugins = ["broken", "topic"]\n'),
        encoding="utf-8",
    )
    result = run_wstui("--project", str(project), "synth", pythonpath=troubled_site)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the broken one is not even imported
    assert "PluginTopic" not in json.loads(result.stdout)["Resources"]


def test_plugins_lists_source_hooks_and_commands(troubled_site: Path, tmp_path: Path) -> None:
    plugin = plugin_with("wstui_validate_template", "return []", "project, template")
    project = project_with_plugin(CHAT, tmp_path / "chat", plugin, [LOCAL_PLUGIN])
    result = run_wstui("--project", str(project), "plugins", pythonpath=troubled_site)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{LOCAL_PLUGIN}  project module {LOCAL_PLUGIN}.py\n"
        "  hooks: wstui_validate_template\n"
        "crash  package wstui-crash 0.3\n"
        "  hooks: wstui_cli_commands\n"
        "  commands: crash\n"
        "greet_a  package wstui-greet-a 1.0\n"
        "  hooks: wstui_cli_commands\n"
        "  commands: greet\n"
        "greet_b  package wstui-greet-b 3.1\n"
        "  hooks: wstui_cli_commands\n"
        "  commands: greet\n"
        "no_commands  package wstui-no-commands 2.0\n"
        "  hooks: wstui_cli_commands\n"
        "topic  package wstui-topic 0.9\n"
        "  hooks: wstui_decorate_template\n"
        "wstui.core.plugins.connection_table  built into wstui\n"
        "  hooks: wstui_decorate_template\n"
        "broken  package wstui-broken 1.0\n"
        "  not loaded: it failed to load (ModuleNotFoundError: No module named 'wstui_missing_dependency')\n"
    )
