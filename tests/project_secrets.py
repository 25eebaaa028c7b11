"""The token the scaffolded token authorizer accepts, read from where `wstui new` put it."""

from __future__ import annotations

from pathlib import Path

from wstui.core.project.load import load_project
from wstui.core.project.secrets import resolve_secrets


def token_of(project: Path) -> str:
    """The value of the project's secret `auth_token` (its `.wstui/secrets.toml`), resolved as
    `wstui dev` and `wstui deploy` resolve it, with no WSTUI_SECRET_* variable set."""
    return resolve_secrets(load_project(project), {})["auth_token"]
