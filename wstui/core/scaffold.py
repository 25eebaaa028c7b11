"""`wstui new`: render a cookiecutter template of a wstui project, safely.

cookiecutter is used as a library with `no_input=True`: wstui asks the questions itself (click prompts
in the CLI, a form in the TUI), because cookiecutter's own prompts would break a running Textual app.
The project is rendered into a temporary directory beside the target and validated there; only a
project whose wstui.toml loads is moved into place, so a failure leaves nothing half-written.
Each secret the new wstui.toml names (`{ secret = "auth_token" }`) gets a random value in the
project's git-ignored `.wstui/secrets.toml`, never in a file the template renders.
"""

from __future__ import annotations

import json
import keyword
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from wstui.core.errors import Remedy, UsageError, WstuiError
from wstui.core.project.load import PROJECT_FILE, load_project
from wstui.core.project.model import Project
from wstui.core.project.secrets import SECRETS_FILE, provide_secrets, read_secrets
from wstui.core.project.validate import REGION, STAGE_NAME

MAX_NAME_LENGTH = 64
NAME_CHARACTERS = re.compile(r"^[A-Za-z0-9 _-]+$")
DERIVED_KEYS = ("project_name", "project_slug")
# What the bundled template's questions mean, for prompts and `--help`; other templates show the key.
DESCRIPTIONS = {
    "description": "One line about the service",
    "aws_region": "AWS region",
    "stage": "Stage name (last part of the wss:// URL)",
    "route_field": "JSON field that selects the route",
    "authorization": "Authorization on $connect",
    "billing_mode": "Connection table billing",
    "python_runtime": "Lambda Python runtime",
}
# What a choice of the bundled template does, for the app's wizard (shown under the question).
HINTS = {
    "authorization": (
        "token: $connect runs an authorizer that lets a client in only with ?token=... matching a random "
        "value wstui writes to .wstui/secrets.toml (auth_token); none: any client can connect."
    ),
}
VALUE_RULES = {
    "aws_region": (REGION, 'an AWS region name such as "us-east-1"'),
    "stage": (STAGE_NAME, 'letters, digits, "_" and "-"'),
}


def bundled_template() -> Path:
    """The template shipped in the wheel (the repository's `cookiecutter-template/`)."""
    return Path(str(resources.files("wstui.cookiecutter_template")))


@dataclass(frozen=True)
class Question:
    """One thing the template asks: free text with a default, or one of a list of choices."""

    key: str
    default: str
    choices: tuple[str, ...] = ()

    @property
    def prompt(self) -> str:
        return DESCRIPTIONS.get(self.key, self.key.replace("_", " ").capitalize())

    @property
    def hint(self) -> str:
        """What the answer changes, where the prompt alone does not say it; empty for most questions."""
        return HINTS.get(self.key, "")

    def check(self, value: str, subject: str = "") -> str:
        """`value` if acceptable for this question, else UsageError in one sentence about `subject`
        (by default `Option KEY`, as `wstui new --option` names it; a form passes its field's label)."""
        subject = subject or f"Option {self.key}"
        if self.choices and value not in self.choices:
            raise UsageError(f'{subject} must be one of {", ".join(self.choices)}, not "{value}".')
        rule = VALUE_RULES.get(self.key)
        if rule and not rule[0].match(value):
            raise UsageError(f'{subject} must be {rule[1]}, not "{value}".')
        if any(unicodedata.category(c) in ("Cc", "Cs") and c != "\t" for c in value):
            raise UsageError(f"{subject} must be one line of text, without control characters.")
        return value


@dataclass
class Template:
    """A cookiecutter template of a wstui project, ready to render."""

    directory: Path
    questions: list[Question] = field(default_factory=list)
    expression_delimiters: tuple[str, str] = ("{{", "}}")

    @classmethod
    def load(cls, location: str | None) -> Template:
        directory = bundled_template() if location is None else _fetch(location)
        context_file = directory / "cookiecutter.json"
        try:
            context = json.loads(context_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UsageError(f"{context_file} is not a readable cookiecutter.json: {error}.") from None
        questions = [
            Question(key, str(value[0]) if isinstance(value, list) else str(value), _choices(value))
            for key, value in context.items()
            if not key.startswith("_") and key not in DERIVED_KEYS and isinstance(value, (str, list))
        ]
        env_vars = context.get("_jinja2_env_vars")
        env_vars = env_vars if isinstance(env_vars, dict) else {}
        delimiters = (str(env_vars.get("variable_start_string", "{{")), str(env_vars.get("variable_end_string", "}}")))
        return cls(directory, questions, delimiters)

    def extra_context(self, context: dict[str, str]) -> dict[str, str]:
        """`context` as cookiecutter must receive it so that every free-text value arrives literally.

        cookiecutter renders each value of its context as a Jinja template, so an answer such as
        `{{ 7*7 }}` became "49", `curly {{ braces` a syntax error, and a crafted one reached Python
        through Jinja's globals. A free-text value goes as a Jinja expression holding it as a string
        literal, which renders back to exactly the value; a choice must be passed as the choice itself.
        """
        choices = {q.key for q in self.questions if q.choices}
        return {key: value if key in choices else self._literal(value) for key, value in context.items()}

    def _literal(self, value: str) -> str:
        # Only ASCII letters, digits and spaces stay as they are: no delimiter, quote or backslash of
        # the value can reach Jinja's lexer, and the escapes decode to the same characters.
        escaped = "".join(c if c == " " or (c.isascii() and c.isalnum()) else f"\\U{ord(c):08x}" for c in value)
        start, end = self.expression_delimiters
        return f"{start} '{escaped}' {end}"

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        known = ", ".join(q.key for q in self.questions)
        raise UsageError(f'Unknown option "{key}": this template asks for {known}.')


def _choices(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _fetch(location: str) -> Path:
    """A local template directory as is; anything else is cloned by cookiecutter (git or zip)."""
    local = Path(location).expanduser()
    if local.is_dir():
        return local.resolve()
    from cookiecutter.config import get_user_config
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.repository import determine_repo_dir

    config = get_user_config(default_config=True)
    try:
        directory, _ = determine_repo_dir(
            location, config["abbreviations"], config["cookiecutters_dir"], None, no_input=True
        )
    except (CookiecutterException, OSError) as error:
        raise UsageError(f'Cannot use template "{location}": {error}') from None
    return Path(directory)


def _quoted(text: str) -> str:
    """A name as an error shows it: as typed (`"évil"`), quoted, with control characters and quotes
    escaped so the message is one line."""
    return json.dumps(text, ensure_ascii=False)


def project_slug(name: str) -> str:
    """The directory and identifier form of a project name, or UsageError saying what is wrong with it."""
    stripped = name.strip()
    shown = _quoted(stripped)
    if not stripped:
        raise UsageError("The project name is empty.", Remedy.NAME_PROJECT)
    if len(stripped) > MAX_NAME_LENGTH:
        raise UsageError(f"The project name is {len(stripped)} characters long; at most {MAX_NAME_LENGTH}.")
    if any(sep in stripped for sep in ("/", "\\")) or stripped.startswith("."):
        raise UsageError(f"{shown} is a path, not a name.", Remedy.NAME_NOT_PATH)
    if not NAME_CHARACTERS.match(stripped):
        raise UsageError(f'The project name {shown} may hold only ASCII letters, digits, spaces, "-" and "_".')
    slug = re.sub(r"[^a-z0-9]+", "_", stripped.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        raise UsageError(f"The project name {shown} must start with a letter.")
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        raise UsageError(f'The project name {shown} becomes "{slug}", a Python keyword: choose another.')
    return slug


@dataclass(frozen=True)
class ProjectNames:
    """What a typed name becomes, by one rule: lower-case ASCII words, joined by "-" in the project
    name (`[project] name`, the stack name, the titles of README.md and wstui.toml) and by "_" in the
    folder, which is a Python identifier. `wstui new 'Chat Room'` gives chat-room in chat_room/."""

    typed: str
    project: str
    folder: str

    @classmethod
    def of(cls, typed: str) -> ProjectNames:
        folder = project_slug(typed)
        return cls(typed.strip(), folder.replace("_", "-"), folder)

    @property
    def changed(self) -> bool:
        return self.typed not in (self.project, self.folder) or self.project != self.folder


@dataclass(frozen=True)
class Scaffolded:
    """Where the new project is, the project it holds, and the secrets that got a random value."""

    directory: Path
    project: Project
    names: ProjectNames
    generated_secrets: tuple[str, ...] = ()

    @property
    def secrets_file(self) -> Path:
        return self.directory / SECRETS_FILE


def scaffold(
    name: str,
    output_dir: Path,
    answers: dict[str, str],
    template: Template,
    force: bool = False,
) -> Scaffolded:
    """Render `template` for `name` into `output_dir`/<slug>; nothing is written unless it all works."""
    names = ProjectNames.of(name)
    context = {key: template.question(key).check(value) for key, value in answers.items()}
    context.update({"project_name": names.project, "project_slug": names.folder})
    target = output_dir / names.folder
    if target.is_symlink():
        raise UsageError(f"{target} is a symbolic link, and wstui does not write a project through links: remove it.", Remedy.OTHER_TARGET)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a directory.")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target} already exists and is not empty.", Remedy.OTHER_TARGET, Remedy.OVERWRITE)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".wstui-new-", dir=output_dir))
    except OSError as error:
        raise UsageError(f"Cannot write in {output_dir}: {error.strerror}.") from None
    try:
        rendered = _render(template, context, staging)
        try:
            project = load_project(rendered)
        except WstuiError as error:
            problems = str(error).replace(str(rendered.resolve()), "<generated project>")
            raise WstuiError(f"The template {template.directory} made a project that does not validate:\n{problems}") from None
        # With --force, a secret the existing project has keeps its value.
        known = {**read_secrets(rendered), **read_secrets(target)}
        generated = provide_secrets(rendered, (name for _, name in project.secret_uses()), known)
        _move_into_place(rendered, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    project.directory = target.resolve()
    return Scaffolded(target.resolve(), project, names, tuple(generated))


def _render(template: Template, context: dict[str, str], staging: Path) -> Path:
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter
    from jinja2 import TemplateError, TemplateSyntaxError

    try:
        rendered = Path(
            cookiecutter(
                str(template.directory),
                no_input=True,
                extra_context=template.extra_context(context),
                output_dir=str(staging),
                default_config=True,
            )
        )
    except TemplateSyntaxError as error:
        where = f" ({error.name}, line {error.lineno})" if error.name else ""
        reason = (error.message or "syntax error").rstrip(".")
        raise WstuiError(f"The template {template.directory} failed to render: {reason}{where}.") from None
    except (CookiecutterException, TemplateError) as error:
        raise WstuiError(f"The template {template.directory} failed to render: {error}") from None
    if not (rendered / PROJECT_FILE).is_file():
        raise UsageError(f"The template {template.directory} made no {PROJECT_FILE}: wstui needs a template of a wstui project.")
    return rendered


def _move_into_place(rendered: Path, target: Path) -> None:
    """Rename when the target is free; with --force, lay the new files over the existing ones."""
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        rendered.rename(target)
        return
    folders, files = _laid_over(rendered, target)
    try:
        for folder in folders:
            folder.mkdir(exist_ok=True)
        for source, destination in files:
            shutil.copy2(source, destination)
    except OSError as error:
        raise UsageError(f"Cannot write {error.filename}: {error.strerror}.") from None


def _laid_over(rendered: Path, target: Path) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The folders and (source, destination) files of laying `rendered` over `target`, or UsageError.

    A link planted in an existing project would take the write somewhere else (a `README.md` link
    overwrote its target; a `tests` link received the tests), so any link, or a file where a folder
    goes, is refused before anything is written.
    """
    folders: list[Path] = []
    files: list[tuple[Path, Path]] = []
    problems: list[str] = []
    for source_folder, folder_names, file_names in os.walk(rendered):
        relative = Path(source_folder).relative_to(rendered)
        for name in list(folder_names):
            destination = target / relative / name
            if destination.is_symlink() or (destination.exists() and not destination.is_dir()):
                folder_names.remove(name)
                problems.append(_in_the_way(destination, target, "a folder"))
            else:
                folders.append(destination)
        for name in file_names:
            destination = target / relative / name
            if destination.is_symlink() or destination.is_dir():
                problems.append(_in_the_way(destination, target, "a file"))
            else:
                files.append((Path(source_folder, name), destination))
    if problems:
        raise UsageError(
            f"Not written: in {target}, " + "; ".join(problems) + ". wstui new --force writes only real files and "
            "folders, never through links: move these away, or choose another directory."
        )
    return folders, files


def _in_the_way(path: Path, target: Path, needed: str) -> str:
    shown = path.relative_to(target).as_posix()
    if path.is_symlink():
        return f"{shown} is a symbolic link to {os.readlink(path)}"
    kind = "a folder" if path.is_dir() else "a file"
    return f"{shown} is {kind} where the project has {needed}"
