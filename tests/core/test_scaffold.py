"""`wstui new`: the generated service passes its own tests, validates, and bad input writes nothing."""

from __future__ import annotations

import json
import keyword
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint
from hypothesis import given
from hypothesis import strategies as st

from wstui.core.errors import UsageError, WstuiError
from wstui.core.project.load import load_project
from wstui.core.scaffold import Template, bundled_template, project_slug, scaffold
from wstui.core.template import synthesize

SEED_PAYLOAD = {"message": "sendmessage", "data": "hello world !"}


def new(tmp_path: Path, name: str = "chat", **answers: str) -> Path:
    return scaffold(name, tmp_path, answers, Template.load(None)).directory


@pytest.mark.parametrize("authorization", ["none", "token"])
def test_the_generated_projects_own_tests_pass(tmp_path: Path, authorization: str) -> None:
    project = new(tmp_path, authorization=authorization)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    expected = 16 if authorization == "token" else 10
    assert f"{expected} passed" in result.stdout
    assert (project / "handlers" / "authorizer.py").exists() == (authorization == "token")


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"authorization": "token", "billing_mode": "provisioned", "route_field": "action", "stage": "prod",
         "aws_region": "eu-west-1", "python_runtime": "python3.13", "description": 'Say "hi" \\ there'},
    ],
    ids=["defaults", "every-option"],
)
def test_the_generated_project_validates_and_synthesizes_cleanly(tmp_path: Path, answers: dict[str, str]) -> None:
    project = load_project(new(tmp_path, "Team Chat", **answers))
    assert project.project.name == "team-chat"
    assert [r.key for r in project.routes] == ["$connect", "$disconnect", "sendmessage"]
    field = answers.get("route_field", "message")
    assert project.api.route_selection_expression == f"$request.body.{field}"
    assert project.stage.description == answers.get("description", "A real-time chat service on API Gateway WebSockets")
    assert (project.connection_table.billing if project.connection_table else None) == answers.get("billing_mode", "on_demand")
    connect = project.route("$connect")
    assert connect is not None and (connect.authorizer is not None) == (answers.get("authorization") == "token")
    text = synthesize(project).render()
    assert lint(text, config=ManualArgs(regions=[project.project.region])) == []


def test_payloads_include_the_seeds_message(tmp_path: Path) -> None:
    payloads = new(tmp_path) / "payloads"
    assert json.loads((payloads / "sendmessage.json").read_text()) == SEED_PAYLOAD
    action = new(tmp_path / "other", route_field="action") / "payloads" / "sendmessage.json"
    assert json.loads(action.read_text()) == {"action": "sendmessage", "data": "hello world !"}


def stored_secrets(directory: Path) -> dict[str, str]:
    return tomllib.loads((directory / ".wstui" / "secrets.toml").read_text(encoding="utf-8"))


def test_each_token_project_gets_its_own_secret(tmp_path: Path) -> None:
    first = stored_secrets(new(tmp_path / "a", authorization="token"))["auth_token"]
    second = stored_secrets(new(tmp_path / "b", authorization="token"))["auth_token"]
    assert len(first) >= 32 and first != second


def test_the_secret_is_in_a_private_git_ignored_file_not_in_wstui_toml(tmp_path: Path) -> None:
    project = new(tmp_path, authorization="token")
    secrets_file = project / ".wstui" / "secrets.toml"
    token = stored_secrets(project)["auth_token"]
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert token not in (project / "wstui.toml").read_text(encoding="utf-8")
    assert 'AUTH_TOKEN = { secret = "auth_token" }' in (project / "wstui.toml").read_text(encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    ignored = subprocess.run(["git", "-C", str(project), "check-ignore", "-q", ".wstui/secrets.toml"], check=False)
    assert ignored.returncode == 0, "the generated .gitignore keeps the secrets file out of git"
    assert not (new(tmp_path / "plain") / ".wstui").exists(), "no secrets, no file"


def test_force_keeps_the_secret_the_project_has(tmp_path: Path) -> None:
    project = new(tmp_path, authorization="token")
    token = stored_secrets(project)["auth_token"]
    scaffold("chat", tmp_path, {"authorization": "token"}, Template.load(None), force=True)
    assert stored_secrets(project) == {"auth_token": token}


def test_an_existing_project_is_refused_and_left_alone(tmp_path: Path) -> None:
    project = new(tmp_path)
    (project / "handlers" / "connect.py").write_text("# mine\n")
    with pytest.raises(UsageError, match="already exists and is not empty"):
        new(tmp_path)
    assert (project / "handlers" / "connect.py").read_text() == "# mine\n"


def test_force_lays_new_files_over_and_keeps_the_others(tmp_path: Path) -> None:
    project = new(tmp_path)
    (project / "handlers" / "connect.py").write_text("# mine\n")
    (project / "notes.txt").write_text("keep me\n")
    scaffold("chat", tmp_path, {}, Template.load(None), force=True)
    assert "connections.add" in (project / "handlers" / "connect.py").read_text()
    assert (project / "notes.txt").read_text() == "keep me\n"


def test_an_empty_existing_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "chat").mkdir()
    assert (new(tmp_path) / "wstui.toml").is_file()


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


SLUG_DIR = "{{cookiecutter.project_slug}}"


def copy_of_bundled_template(tmp_path: Path) -> Path:
    """A template to change: the bundled one, copied."""
    return Path(shutil.copytree(bundled_template(), tmp_path / "template"))


def test_a_template_without_wstui_toml_leaves_nothing(tmp_path: Path) -> None:
    template = tmp_path / "template"
    (template / SLUG_DIR).mkdir(parents=True)
    (template / "cookiecutter.json").write_text(json.dumps({"project_name": "x", "project_slug": "x"}))
    (template / SLUG_DIR / "README.md").write_text("hi\n")
    out = tmp_path / "out"
    with pytest.raises(UsageError, match="made no wstui.toml"):
        scaffold("chat", out, {}, Template.load(str(template)))
    assert leftovers(out) == []


def test_a_template_that_fails_to_render_leaves_nothing(tmp_path: Path) -> None:
    template = copy_of_bundled_template(tmp_path)
    (template / SLUG_DIR / "broken.txt").write_text("{{ cookiecutter.nope.deeper }}\n")
    out = tmp_path / "out"
    with pytest.raises(WstuiError, match="failed to render"):
        scaffold("chat", out, {}, Template.load(str(template)))
    assert leftovers(out) == []


def test_another_local_template_with_its_own_questions(tmp_path: Path) -> None:
    template = copy_of_bundled_template(tmp_path)
    context = json.loads((template / "cookiecutter.json").read_text())
    context["team"] = ["red", "blue"]
    (template / "cookiecutter.json").write_text(json.dumps(context))
    (template / SLUG_DIR / "TEAM").write_text("{{ cookiecutter.team }}\n")
    loaded = Template.load(str(template))
    assert loaded.question("team").choices == ("red", "blue")
    project = scaffold("chat", tmp_path / "out", {"team": "blue"}, loaded).directory
    assert (project / "TEAM").read_text() == "blue\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The project name is empty"),
        ("   ", "The project name is empty"),
        ("a/b", "is a path, not a name"),
        ("..", "is a path, not a name"),
        ("../escape", "is a path, not a name"),
        ("C:\\chat", "is a path, not a name"),
        (".hidden", "is a path, not a name"),
        ("class", "a Python keyword"),
        ("match", "a Python keyword"),
        ("9lives", "must start with a letter"),
        ("---", "must start with a letter"),
        ("caf\u00e9", "ASCII letters"),
        ("chat\nrm -rf", "ASCII letters"),
        ("x" * 65, "65 characters long; at most 64"),
    ],
)
def test_hostile_names_get_one_sentence_and_write_nothing(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        scaffold(name, tmp_path, {}, Template.load(None))
    assert leftovers(tmp_path) == []


@given(st.text(max_size=80))
def test_any_name_gives_a_safe_slug_or_a_usage_error(name: str) -> None:
    try:
        slug = project_slug(name)
    except UsageError as error:
        assert "\n" not in str(error).replace(name, "")
        return
    assert slug.isidentifier() and slug.isascii() and slug == slug.lower()
    assert not keyword.iskeyword(slug) and len(slug) <= 64
    assert "/" not in slug and not slug.startswith(".")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"colour": "blue"}, 'Unknown option "colour": this template asks for description, aws_region'),
        ({"authorization": "maybe"}, "Option authorization must be one of none, token"),
        ({"stage": "v 1"}, "Option stage must be letters, digits"),
        ({"aws_region": "mars"}, "Option aws_region must be an AWS region name"),
        ({"description": "two\nlines"}, "Option description must be one line"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(tmp_path: Path, options: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        scaffold("chat", tmp_path, options, Template.load(None))
    assert leftovers(tmp_path) == []
