"""What the Deploy area's worker posts to the area: the engine's events, and what each step learned.

Their handlers keep the names they had as classes nested in `DeployScreen` (`on_deploy_screen_engine`),
through the `deploy_screen` namespace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from wstui.core.deploy.aws import AwsIdentity, TargetInEffect
    from wstui.core.deploy.change_set import StackState
    from wstui.core.deploy.deployer import Deployer
    from wstui.core.deploy.events import DeployEvent
    from wstui.core.deploy.status import StackStatus
    from wstui.core.deploy.sync import SyncEvent
    from wstui.core.errors import WstuiError


class Engine(Message, namespace="deploy_screen"):
    """An event the deploy engine (or a sync) yielded in the worker."""

    def __init__(self, event: DeployEvent | SyncEvent) -> None:
        super().__init__()
        self.event = event


class Connected(Message, namespace="deploy_screen"):
    def __init__(self, deployer: Deployer) -> None:
        super().__init__()
        self.deployer = deployer


class RecreationNeeded(Message, namespace="deploy_screen"):
    def __init__(self, state: StackState) -> None:
        super().__init__()
        self.state = state


class StatusRead(Message, namespace="deploy_screen"):
    def __init__(self, status: StackStatus, region: str) -> None:
        super().__init__()
        self.status = status
        self.region = region


class Identified(Message, namespace="deploy_screen"):
    """The account and region the step acts in, and its bucket, known once it connected."""

    def __init__(self, identity: AwsIdentity, bucket: str = "") -> None:
        super().__init__()
        self.identity = identity
        self.bucket = bucket


class InEffect(Message, namespace="deploy_screen"):
    """Where the fields, the environment and ~/.aws/config send the calls, read before connecting."""

    def __init__(self, where: TargetInEffect | None) -> None:
        super().__init__()
        self.where = where


class Failed(Message, namespace="deploy_screen"):
    def __init__(self, error: WstuiError) -> None:
        super().__init__()
        self.error = error


class Idle(Message, namespace="deploy_screen"):
    """The worker has ended, however it ended."""
