"""The deployed stages of a project: which stacks in a region are its stages, with URL and last update.

Each stage is a stack of its own. A deploy tags its stack with the project and the stage, so
`wstui status` finds every stage deployed to the region, from this machine or another, named in
wstui.toml or not (`--stage pr-42`). A stack deployed before stages existed carries no such tags
until its next deploy: it is found by the name wstui.toml gives its stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wstui.core.deploy.aws import AwsClients, explained
from wstui.core.project.model import Project
from wstui.core.template.ids import URL_OUTPUT

PROJECT_TAG = "wstui:project"
STAGE_TAG = "wstui:stage"
# A stack in REVIEW_IN_PROGRESS holds nothing yet: a plan's first change set made it.
NOT_DEPLOYED = {"REVIEW_IN_PROGRESS", "DELETE_COMPLETE"}


def stage_tags(project: Project) -> dict[str, str]:
    """The stack tags that say whose stage a stack is."""
    return {PROJECT_TAG: project.project.name, STAGE_TAG: project.stage_name}


@dataclass(frozen=True)
class DeployedStage:
    stage: str
    stack_name: str
    status: str
    url: str
    updated: datetime | None


def deployed_stages(clients: AwsClients, project: Project) -> list[DeployedStage]:
    """Every stage of `project` that has a stack in the clients' region: the stages wstui.toml names
    first, in its order, then the others by name."""
    named = {project.stack_name_for(stage): stage for stage in project.stage_names()}
    found: list[DeployedStage] = []
    with explained("listing the stacks"):
        for page in clients.cloudformation.get_paginator("describe_stacks").paginate():
            for stack in page.get("Stacks", []):
                stage = _stage_of(stack, project.project.name, named)
                if stage and stack["StackStatus"] not in NOT_DEPLOYED:
                    found.append(_deployed(stage, stack))
    order = project.stage_names()
    return sorted(found, key=lambda s: (order.index(s.stage) if s.stage in order else len(order), s.stage, s.stack_name))


def _stage_of(stack: dict[str, Any], project_name: str, named: dict[str, str]) -> str:
    tags = {tag["Key"]: tag["Value"] for tag in stack.get("Tags") or []}
    if PROJECT_TAG in tags:
        return tags.get(STAGE_TAG, "") if tags[PROJECT_TAG] == project_name else ""
    return named.get(stack["StackName"], "")


def _deployed(stage: str, stack: dict[str, Any]) -> DeployedStage:
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs") or []}
    return DeployedStage(
        stage, stack["StackName"], stack["StackStatus"], outputs.get(URL_OUTPUT, ""),
        stack.get("LastUpdatedTime") or stack.get("CreationTime"),
    )
