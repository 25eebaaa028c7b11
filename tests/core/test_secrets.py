"""Secrets: `{ secret = "name" }` in an environment table. The value lives in `.wstui/secrets.toml` or a
WSTUI_SECRET_* variable, never in wstui.toml or the template, and a missing one is named with its line."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from wstui.cli.main import cli
from wstui.core.errors import ProjectError, WstuiError
from wstui.core.local.spec import local_spec
from wstui.core.project.load import load_project
from wstui.core.project.secrets import resolve_secrets, secret_parameters
from wstui.core.template import synthesize

AUTHORIZER_FUNCTION = "HandlersAuthorizerHandleFunction"


def stored_token(project: Path) -> str:
    """The token as `wstui new` stored it, read with the standard library alone."""
    return tomllib.loads((project / ".wstui" / "secrets.toml").read_text(encoding="utf-8"))["auth_token"]


def line_of(project: Path, text: str) -> int:
    lines = (project / "wstui.toml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(text))


def test_neither_wstui_toml_nor_the_template_holds_the_token(chat_with_token: Path) -> None:
    token = stored_token(chat_with_token)
    assert len(token) >= 32
    assert token not in (chat_with_token / "wstui.toml").read_text(encoding="utf-8")
    synthesized = synthesize(load_project(chat_with_token))
    for fmt in ("json", "yaml"):
        assert token not in synthesized.render(fmt)
    template = synthesized.to_dict()
    assert token not in json.dumps(template)
    parameter = template["Parameters"]["SecretAuthToken"]
    assert (parameter["Type"], parameter["NoEcho"], parameter["MinLength"]) == ("String", True, 1)
    variables = template["Resources"][AUTHORIZER_FUNCTION]["Properties"]["Environment"]["Variables"]
    assert variables["AUTH_TOKEN"] == {"Ref": "SecretAuthToken"}
    synth = CliRunner().invoke(cli, ["--project", str(chat_with_token), "synth"])
    assert synth.exit_code == 0 and '"NoEcho": true' in synth.output and token not in synth.output


def test_the_value_comes_from_the_environment_before_the_file(chat_with_token: Path) -> None:
    project = load_project(chat_with_token)
    token = stored_token(chat_with_token)
    assert resolve_secrets(project, {}) == {"auth_token": token}
    assert secret_parameters(project, {"WSTUI_SECRET_AUTH_TOKEN": "from-ci"}) == {"SecretAuthToken": "from-ci"}
    (chat_with_token / ".wstui" / "secrets.toml").unlink()
    assert resolve_secrets(project, {"WSTUI_SECRET_AUTH_TOKEN": "from-ci"}) == {"auth_token": "from-ci"}


@pytest.mark.parametrize("environ", [{}, {"WSTUI_SECRET_AUTH_TOKEN": ""}], ids=["unset", "empty"])
def test_a_missing_secret_names_its_line_and_where_to_put_it(chat_with_token: Path, environ: dict[str, str]) -> None:
    (chat_with_token / ".wstui" / "secrets.toml").write_text("# emptied\n", encoding="utf-8")
    project = load_project(chat_with_token)  # loading, editing and synthesizing need no value
    synthesize(project)
    with pytest.raises(ProjectError) as caught:
        resolve_secrets(project, environ)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"{chat_with_token / 'wstui.toml'}:{line_of(chat_with_token, 'AUTH_TOKEN')}: AUTH_TOKEN is the secret "
        f'"auth_token", which has no value: add auth_token = "..." to {chat_with_token / ".wstui" / "secrets.toml"}, '
        "or set WSTUI_SECRET_AUTH_TOKEN."
    )


def test_a_secrets_file_that_is_wrong_names_its_line(chat_with_token: Path) -> None:
    secrets_file = chat_with_token / ".wstui" / "secrets.toml"
    project = load_project(chat_with_token)
    secrets_file.write_text("# mine\nauth_token = 42\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=re.escape(f"{secrets_file}:2: Secret \"auth_token\" must be a string")):
        resolve_secrets(project, {})
    secrets_file.write_text('auth_token = "unterminated\n', encoding="utf-8")
    with pytest.raises(ProjectError, match=re.escape(f"{secrets_file}:1: TOML syntax error")):
        resolve_secrets(project, {})


def test_a_literal_value_still_works_and_stays_literal(chat_with_token: Path) -> None:
    toml = chat_with_token / "wstui.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('AUTH_TOKEN = { secret = "auth_token" }', 'AUTH_TOKEN = "plain"'),
        encoding="utf-8",
    )
    project = load_project(chat_with_token)
    template = synthesize(project).to_dict()
    assert set(template["Parameters"]) == {"CodeS3Bucket", "CodeS3Key"}
    assert resolve_secrets(project, {}) == {}
    spec = local_spec(template, "chat")
    assert spec.functions[AUTHORIZER_FUNCTION].environment["AUTH_TOKEN"] == "plain"


def test_wstui_dev_resolves_the_parameter_to_the_secret(chat_with_token: Path) -> None:
    project = load_project(chat_with_token)
    template = synthesize(project).to_dict()
    spec = local_spec(template, "chat", secret_parameters(project, {}))
    assert spec.functions[AUTHORIZER_FUNCTION].environment["AUTH_TOKEN"] == stored_token(chat_with_token)
    with pytest.raises(WstuiError, match="is the template parameter SecretAuthToken, and wstui dev was given no value"):
        local_spec(template, "chat")
