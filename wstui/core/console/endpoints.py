"""Where the console connects when the user names no URL: the local dev gateway or the deployed stage."""

from __future__ import annotations

from pathlib import Path

from wstui.core.deploy.outputs import NotDeployedError, load_outputs, outputs_path
from wstui.core.project.model import Project, StageSettings
from wstui.core.template.ids import URL_OUTPUT

LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 3001


def local_url(project: Project | None, port: int = LOCAL_PORT, host: str = LOCAL_HOST) -> str:
    """The URL `wstui dev` serves the project's stage on; without a project, the stage `wstui new`
    gives every project (v1)."""
    stage = project.stage.name if project is not None else StageSettings().name
    return f"ws://{host}:{port}/{stage}"


def deployed_url(project_dir: Path) -> str:
    """`outputs.APIGatewayURL` of `.wstui/outputs.json`, which `wstui deploy` writes after a deployment."""
    url = load_outputs(project_dir).outputs.get(URL_OUTPUT)
    if not url:
        path = outputs_path(project_dir)
        raise NotDeployedError(f"{path} has no outputs.{URL_OUTPUT}: run `wstui deploy` first to write it again.")
    return url
