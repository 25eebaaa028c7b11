"""`wstui new`: scaffold a project from the bundled cookiecutter template (or another one)."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wstui.cli.options import key_values
from wstui.cli.remedies import said
from wstui.core.errors import UsageError

if TYPE_CHECKING:
    from wstui.core.scaffold import Question


@click.command()
@click.argument("name")
@click.option("-o", "--output-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="Where to create the project directory (default: here).")
@click.option("--no-input", is_flag=True, help="Ask nothing: use the defaults and the --option values.")
@click.option("--option", "answers", multiple=True, metavar="KEY=VALUE", callback=key_values,
              help="Answer a template question, e.g. --option authorization=token (repeatable).")
@click.option("--template", metavar="PATH|GIT-URL", help="Another cookiecutter template of a wstui project.")
@click.option("--force", is_flag=True, help="Write into an existing non-empty directory, replacing same-named files.")
def new(name: str, output_dir: Path, no_input: bool, answers: dict[str, str], template: str | None, force: bool) -> None:
    """Create the project NAME: handlers, tests, payloads and a wstui.toml."""
    from wstui.core.scaffold import ProjectNames, Template, scaffold

    names = ProjectNames.of(name)
    loaded = Template.load(template)
    for key in answers:
        loaded.question(key)
    if not no_input and sys.stdin.isatty():
        for question in loaded.questions:
            if question.key not in answers:
                answers[question.key] = _ask(question)
    result = scaffold(name, output_dir, answers, loaded, force=force)
    click.echo(f"Created {names.folder} in {result.directory}")
    if names.changed:
        click.echo(f"  project name {names.project}, package folder {names.folder} (from {names.typed!r})")
    click.echo(f"  {len(result.project.routes)} routes: {', '.join(r.key for r in result.project.routes)}")
    if result.generated_secrets:
        where = _shown(result.secrets_file)
        click.echo(f"  secrets generated into {where} (git-ignored): {', '.join(result.generated_secrets)}")
    python, wstui = _invocations()
    click.echo("Next:")
    click.echo(f"  cd {shlex.quote(_shown(result.directory))}")
    click.echo(f"  {python} -m pip install -r requirements-dev.txt && {python} -m pytest   # the handlers' tests")
    click.echo(f"  {wstui} synth   # the CloudFormation template")


def _invocations() -> tuple[str, str]:
    """How the user's shell reaches this Python and this wstui: by their short names when the shell
    finds these very programs (an activated environment), else by full path. The README runs
    `.venv/bin/wstui` from outside the environment, where `pip`, `pytest` and `wstui` are other
    programs or none, so the printed steps must name the environment's own."""
    python = "python" if _found_as(sys.executable, "python") else shlex.quote(sys.executable)
    wstui = "wstui" if _found_as(sys.argv[0], "wstui") else f"{python} -m wstui"
    return python, wstui


def _found_as(program: str, name: str) -> bool:
    """Whether `name` on PATH is `program` itself (compared as paths, not through symbolic links: a
    virtual environment's python links to the same binary as the Python it was made from)."""
    found = shutil.which(name)
    return found is not None and Path(found).absolute() == Path(program).absolute()


def _ask(question: Question) -> str:
    """Prompt until the answer passes the same check `--option` values get."""
    if question.choices:
        return str(click.prompt(question.prompt, default=question.default, type=click.Choice(question.choices)))

    def checked(value: str) -> str:
        try:
            return question.check(value)
        except UsageError as error:
            raise click.UsageError(said(error)) from None

    return str(click.prompt(question.prompt, default=question.default, value_proc=checked))


def _shown(directory: Path) -> str:
    try:
        return str(directory.relative_to(Path.cwd()))
    except ValueError:
        return str(directory)
