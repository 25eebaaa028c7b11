"""Where the console connects when the user names no URL: the local dev gateway or the deployed stage."""

from __future__ import annotations

import json
from pathlib import Path

from wstui.core.errors import WstuiError
from wstui.core.project.model import Project

LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 3001
OUTPUTS_FILE = Path(".wstui") / "outputs.json"
URL_OUTPUT = "APIGatewayURL"


class NotDeployedError(WstuiError):
    """No usable record of a deployment: `wstui deploy` writes it."""


def local_url(project: Project, port: int = LOCAL_PORT, host: str = LOCAL_HOST) -> str:
    """The URL `wstui dev` serves the project's stage on."""
    return f"ws://{host}:{port}/{project.stage.name}"


def deployed_url(project_dir: Path) -> str:
    """`outputs.APIGatewayURL` of `.wstui/outputs.json`, which `wstui deploy` writes after a deployment."""
    path = project_dir / OUTPUTS_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotDeployedError(f"No deployment recorded in {path}: run `wstui deploy` first.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise NotDeployedError(f"{path} is not readable JSON: run `wstui deploy` first to write it again.") from None
    outputs = document.get("outputs") if isinstance(document, dict) else None
    url = outputs.get(URL_OUTPUT) if isinstance(outputs, dict) else None
    if not isinstance(url, str) or not url:
        raise NotDeployedError(f"{path} has no outputs.{URL_OUTPUT}: run `wstui deploy` first to write it again.")
    return url
