"""`wstui new` given hostile answers, broken templates and planted links: text stays text, and nothing
is written outside the project directory."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from wstui.core.errors import UsageError, WstuiError
from wstui.core.project.load import load_project
from wstui.core.scaffold import Template, bundled_template, scaffold

SLUG_DIR = "{{cookiecutter.project_slug}}"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def description_in_every_file(tmp_path: Path, description: str) -> Path:
    """Scaffold with `description` and check it reached wstui.toml (value and comment) and the README as is."""
    project = scaffold("chat", tmp_path / "out", {"description": description}, Template.load(None)).directory
    toml = (project / "wstui.toml").read_text(encoding="utf-8")
    assert tomllib.loads(toml)["stage"]["description"] == description
    assert toml.splitlines()[0] == f"# chat: {description}"
    assert load_project(project).stage.description == description
    assert (project / "README.md").read_text(encoding="utf-8").splitlines()[2].startswith(f"{description}. A WebSocket")
    return project


@pytest.mark.parametrize(
    "description",
    [
        "{{ 7*7 }}",
        "{% raw %}",
        "{% raw %}x{% endraw %}{{ 1 }}",
        "curly {{ braces",
        "{# not a comment",
        "}} {% %} {{",
        'Say "hi" \\ there, it\'s <b>&amp;</b>',
        "emoji \U0001f600, accents \u00e9, a tab\there",
        "\\u0041 \\n \\U0001f600 \\x41",
    ],
)
def test_free_text_answers_are_stored_literally(tmp_path: Path, description: str) -> None:
    description_in_every_file(tmp_path, description)


def test_an_answer_cannot_reach_jinja_globals(tmp_path: Path) -> None:
    planted = tmp_path / "ran"
    description = "{{ cycler.__init__.__globals__.os.popen('touch " + str(planted) + "').read() }}"
    description_in_every_file(tmp_path, description)
    assert not planted.exists()


@pytest.mark.parametrize("description", ["two\nlines", "carriage\rreturn", "bell\a", "nul\x00", "del\x7f", "lone \udc80"])
def test_control_characters_are_refused_before_anything_is_written(tmp_path: Path, description: str) -> None:
    with pytest.raises(UsageError, match="Option description must be one line of text, without control characters"):
        scaffold("chat", tmp_path, {"description": description}, Template.load(None))
    assert leftovers(tmp_path) == []


def broken_template(tmp_path: Path, file_text: str) -> Template:
    template = Path(shutil.copytree(bundled_template(), tmp_path / "template"))
    (template / SLUG_DIR / "broken.txt").write_text(file_text)
    return Template.load(str(template))


@pytest.mark.parametrize("file_text", ["{{ broken\n", "{% if %}\n", "{{ 1 | no_such_filter }}\n"])
def test_a_jinja_error_in_a_template_is_a_clear_error(tmp_path: Path, file_text: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(WstuiError, match=r"failed to render: .*broken\.txt"):
        scaffold("chat", out, {}, broken_template(tmp_path, file_text))
    assert leftovers(out) == []


def test_a_jinja_error_in_a_templates_defaults_is_a_clear_error(tmp_path: Path) -> None:
    template = Path(shutil.copytree(bundled_template(), tmp_path / "template"))
    context = json.loads((template / "cookiecutter.json").read_text())
    context["__broken"] = "{{ unclosed"
    (template / "cookiecutter.json").write_text(json.dumps(context))
    out = tmp_path / "out"
    with pytest.raises(WstuiError, match="failed to render"):
        scaffold("chat", out, {}, Template.load(str(template)))
    assert leftovers(out) == []


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """A scaffolded project at tmp_path/out/chat, to scaffold over with --force."""
    return scaffold("chat", tmp_path / "out", {}, Template.load(None)).directory


def test_force_refuses_a_file_link_and_leaves_its_target_alone(tmp_path: Path, existing: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("not yours\n")
    (existing / "README.md").unlink()
    (existing / "README.md").symlink_to(outside)
    (existing / "handlers" / "connect.py").write_text("# mine\n")
    with pytest.raises(UsageError) as raised:
        scaffold("chat", tmp_path / "out", {}, Template.load(None), force=True)
    assert "README.md" in raised.value.message and "symbolic link" in raised.value.message
    assert outside.read_text() == "not yours\n"
    assert (existing / "README.md").is_symlink()
    assert (existing / "handlers" / "connect.py").read_text() == "# mine\n"
    assert leftovers(tmp_path / "out") == ["chat"]


def test_force_refuses_a_folder_link_and_writes_nothing_into_it(tmp_path: Path, existing: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(existing / "tests")
    (existing / "tests").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UsageError, match=r"tests .*symbolic link"):
        scaffold("chat", tmp_path / "out", {}, Template.load(None), force=True)
    assert leftovers(outside) == []


def test_every_planted_link_is_named_at_once(tmp_path: Path, existing: Path) -> None:
    (tmp_path / "a").write_text("a\n")
    (existing / "wstui.toml").unlink()
    (existing / "wstui.toml").symlink_to(tmp_path / "a")
    (existing / "handlers" / "connect.py").unlink()
    (existing / "handlers" / "connect.py").symlink_to(tmp_path / "missing.py")
    with pytest.raises(UsageError) as raised:
        scaffold("chat", tmp_path / "out", {}, Template.load(None), force=True)
    assert "wstui.toml" in raised.value.message and "handlers/connect.py" in raised.value.message
    assert not (tmp_path / "missing.py").exists() and (tmp_path / "a").read_text() == "a\n"


def test_a_file_where_the_template_has_a_folder_is_a_clear_error(tmp_path: Path, existing: Path) -> None:
    shutil.rmtree(existing / "payloads")
    (existing / "payloads").write_text("mine\n")
    with pytest.raises(UsageError, match="payloads is a file where the project has a folder"):
        scaffold("chat", tmp_path / "out", {}, Template.load(None), force=True)
    assert (existing / "payloads").read_text() == "mine\n"


@pytest.mark.parametrize("force", [False, True])
def test_a_project_directory_that_is_a_link_is_refused(tmp_path: Path, force: bool) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "chat").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UsageError, match="is a symbolic link"):
        scaffold("chat", tmp_path / "out", {}, Template.load(None), force=force)
    assert leftovers(outside) == []
    assert leftovers(tmp_path / "out") == ["chat"]


def test_a_dangling_link_in_place_of_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "chat").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    with pytest.raises(UsageError, match="is a symbolic link"):
        scaffold("chat", tmp_path / "out", {}, Template.load(None))
    assert not (tmp_path / "nowhere").exists()
