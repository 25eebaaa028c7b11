"""What the Deploy area's fields say, for each of its steps (the deploy steps in screen.py, Sync in syncing.py)."""

from __future__ import annotations

from dataclasses import dataclass

from wstui.core.deploy.aws import AwsTarget
from wstui.core.deploy.deployer import DeploySettings


@dataclass(frozen=True)
class Connection:
    """What the fields say: where to deploy, and how."""

    target: AwsTarget
    settings: DeploySettings
