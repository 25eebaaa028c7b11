"""Secrets: environment values kept out of `wstui.toml` and out of the CloudFormation template.

`AUTH_TOKEN = { secret = "auth_token" }` in an environment table names a secret instead of holding
its value. The value comes from the variable `WSTUI_SECRET_AUTH_TOKEN` when that is set (a CI job),
else from the project's `.wstui/secrets.toml`, which `wstui new` writes readable by its owner only
and which the generated `.gitignore` keeps out of git. The template declares a NoEcho parameter
`SecretAuthToken` that the function's environment refers to, so `wstui synth` and the template
CloudFormation keeps show no value; `wstui deploy` passes the value as that parameter, and
`wstui dev` resolves the parameter to it. Values are read only to deploy or to run: editing routes
and synthesizing work without them, in a fresh clone too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from secrets import token_hex

import tomlkit

from wstui.core.errors import Problem, ProjectError, UsageError
from wstui.core.files import write_atomic
from wstui.core.project.load import PROJECT_FILE, parse_document
from wstui.core.project.locate import LineIndex
from wstui.core.project.model import Project
from wstui.core.project.schema import describe
from wstui.core.template.ids import secret_parameter

SECRETS_FILE = Path(".wstui") / "secrets.toml"
VARIABLE_PREFIX = "WSTUI_SECRET_"
SECRETS_FILE_MODE = 0o600
HEADER = """\
# Secrets of this project: wstui.toml names them as { secret = "NAME" }; `wstui dev` and
# `wstui deploy` read their values here, or from WSTUI_SECRET_<NAME> in the environment.
# Keep this file out of git (.wstui/ is in .gitignore) and readable by you alone.
"""


def secret_variable(name: str) -> str:
    """The environment variable that gives the secret `name` its value: `WSTUI_SECRET_AUTH_TOKEN`."""
    return VARIABLE_PREFIX + name.upper()


def read_secrets(directory: Path) -> dict[str, str]:
    """The values in `directory`'s `.wstui/secrets.toml` by name; none when there is no such file."""
    path = directory / SECRETS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"Cannot read {path}: {error}.") from None
    data = parse_document(text, path).unwrap()
    lines = LineIndex(text)
    problems = [
        Problem(f'Secret "{name}" must be a string, such as {name} = "...".', path, lines.line((name,)))
        for name, value in data.items()
        if not isinstance(value, str)
    ]
    if problems:
        raise ProjectError(problems)
    return dict(data)


def resolve_secrets(project: Project, environ: Mapping[str, str]) -> dict[str, str]:
    """The value of every secret `project` uses, by name; ProjectError naming each use without one.

    `environ` is passed in (the CLI and the app give `os.environ`) so that nothing here reaches for
    the process's environment.
    """
    uses = project.secret_uses()
    if not uses:
        return {}
    stored = read_secrets(project.directory)
    values: dict[str, str] = {}
    missing: list[tuple[tuple[str | int, ...], str]] = []
    for path, name in uses:
        value = environ.get(secret_variable(name)) or stored.get(name)
        if value:
            values[name] = value
        else:
            missing.append((path, name))
    if missing:
        raise ProjectError(_missing_problems(project, missing), headline="A secret has no value:")
    return values


def secret_parameters(project: Project, environ: Mapping[str, str]) -> dict[str, str]:
    """The template parameters that carry `project`'s secrets, with their values, for deploy and dev."""
    return {secret_parameter(name): value for name, value in resolve_secrets(project, environ).items()}


def _missing_problems(project: Project, missing: list[tuple[tuple[str | int, ...], str]]) -> list[Problem]:
    path = project.directory / PROJECT_FILE
    try:
        lines: LineIndex | None = LineIndex(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        lines = None
    problems = []
    for key_path, name in missing:
        message = (
            f'{key_path[-1]} is the secret "{name}", which has no value: add {name} = "..." to '
            f"{project.directory / SECRETS_FILE}, or set {secret_variable(name)}."
        )
        if lines is None:
            problems.append(Problem(f"{describe(key_path)}: {message}"))
        else:
            problems.append(Problem(message, path, lines.line(key_path)))
    return problems


def provide_secrets(directory: Path, names: Iterable[str], known: Mapping[str, str]) -> list[str]:
    """Write `directory`'s secrets file with the `known` values and a random one for each other name
    in `names`; the names that got a random value. A new file is readable by its owner only."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    generated = [name for name in wanted if not known.get(name)]
    values = {**known, **{name: token_hex(16) for name in generated}}
    path = directory / SECRETS_FILE
    try:
        path.parent.mkdir(exist_ok=True)
    except OSError as error:
        raise UsageError(f"Cannot create {path.parent}: {error.strerror}.") from None
    write_atomic(path, HEADER + tomlkit.dumps(values), new_file_mode=SECRETS_FILE_MODE)
    return generated
