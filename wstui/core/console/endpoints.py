"""Where the console connects when the user names no URL: the local dev gateway or the deployed stage."""

from __future__ import annotations

from wstui.core.deploy.aws import AwsTarget, region_in_effect
from wstui.core.deploy.outputs import NotDeployedError, find_outputs, outputs_path
from wstui.core.errors import Remedy
from wstui.core.project.model import Project, StageSettings
from wstui.core.template.ids import URL_OUTPUT

LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 3001


def local_url(project: Project | None, port: int = LOCAL_PORT, host: str = LOCAL_HOST, stage: str = "") -> str:
    """The URL `wstui dev` serves the project's stage on; without a project, `stage`, or else the
    stage `wstui new` gives every project (v1)."""
    if project is not None:
        stage = project.stage_name
    return f"ws://{host}:{port}/{stage or StageSettings().name}"


def deployed_url(project: Project, region: str = "") -> str:
    """`outputs.APIGatewayURL` of the stack of the project's stage in `region` (empty: the region a cloud command
    would use, AWS_REGION, your profile's, then the project's), as `wstui deploy` recorded it in
    `.wstui/outputs.json`."""
    region = region_in_effect(AwsTarget(region=region), project.project.region)
    record = find_outputs(project.directory, region, project.stack_name)
    url = record.outputs.get(URL_OUTPUT)
    if not url:
        raise NotDeployedError(
            f"The record of {record.where} in {outputs_path(project.directory)} has no URL ({URL_OUTPUT}).", Remedy.STACK_OUTPUTS
        )
    return url
