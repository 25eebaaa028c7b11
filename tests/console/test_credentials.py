"""Which token a project's own $connect authorizer expects, and `${secret:NAME}` filled in only to connect."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project_secrets import token_of
from wstui.core.console import ConnectionTarget
from wstui.core.console.credentials import ConnectToken, connect_token, resolve_references, with_token
from wstui.core.errors import ProjectError
from wstui.core.project.load import load_project

URL = "ws://127.0.0.1:3001/v1"


def test_the_token_authorizer_of_wstui_new_reads_the_query_parameter_token_against_auth_token(
    chat_with_token: Path, chat_template_dirs: dict[str, Path]
) -> None:
    project = load_project(chat_with_token)
    token = connect_token(project)
    assert token == ConnectToken(True, "token", "auth_token")
    target = with_token(ConnectionTarget(URL), token)
    assert target.query == (("token", "${secret:auth_token}"),)
    assert with_token(ConnectionTarget(URL, query=(("token", "mine"),)), token).query == (("token", "mine"),)
    assert resolve_references(target, project, {}).full_url == f"{URL}?token={token_of(chat_with_token)}"
    assert resolve_references(target, project, {"WSTUI_SECRET_AUTH_TOKEN": "from-ci"}).query == (("token", "from-ci"),)
    assert connect_token(load_project(chat_template_dirs["none"])) is None, "no authorizer, no token"


def test_a_header_source_gets_a_header_and_a_missing_value_is_a_project_error(chat_with_token: Path) -> None:
    project = load_project(chat_with_token)
    authorizer = project.routes[0].authorizer
    assert authorizer is not None
    authorizer.identity_source = ["route.request.header.X-Token"]
    token = connect_token(project)
    assert token == ConnectToken(False, "X-Token", "auth_token")
    assert with_token(ConnectionTarget(URL), token).headers == (("X-Token", "${secret:auth_token}"),)
    (chat_with_token / ".wstui" / "secrets.toml").unlink()
    with pytest.raises(ProjectError, match="auth_token"):
        resolve_references(with_token(ConnectionTarget(URL), token), project, {})
