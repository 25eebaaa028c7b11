"""What a plugin's deploy and remove hooks are told (`context`), and how they are called with it.

A hook knew only the project, so a plugin guessed the stack and the region from wstui.toml and missed
`--stage`, `--stack-name`, `--region`, a profile and `--endpoint-url`. The context is where the
operation really goes, and its clients go there too. `report()` is the plugin's line in the CLI and
in the app's Deploy log: the hooks run inside the deploy generators, so what a plugin reports is
yielded as a `PluginProgress` event once its hook returns, in order with the rest of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from wstui.core.deploy.events import PluginProgress, ResourceChange
from wstui.core.errors import PluginFailure

if TYPE_CHECKING:
    from wstui.core.deploy.aws import AwsClients
    from wstui.core.plugins.manager import Plugins
    from wstui.core.project.model import Project


def _nowhere(message: str) -> None:
    """Where a context made outside a deploy (a plugin's own tests, say) reports: nowhere."""


@dataclass(frozen=True)
class DeployContext:
    """Where a deploy or a removal goes, what it changes, and a channel to the person watching.

    `profile` and `endpoint_url` are None for the default profile and AWS's own endpoints. `changes`
    is the change set's summary, empty until the change set exists (in `wstui_before_change_set`
    and the remove hooks). `outputs` are the stack's: after the deploy in `wstui_after_deploy`, as the
    stack stood before it was deleted in the remove hooks, else empty.
    """

    stage: str
    stack_name: str
    region: str
    profile: str | None
    endpoint_url: str | None
    make_client: Callable[[str], Any] = field(repr=False, compare=False)
    changes: tuple[ResourceChange, ...] = ()
    outputs: dict[str, str] = field(default_factory=dict)
    reporter: Callable[[str], None] = field(default=_nowhere, repr=False, compare=False)

    def client(self, service: str) -> Any:
        """A boto3 client of `service` with the credentials, region and endpoint the deploy uses."""
        return self.make_client(service)

    def report(self, message: str) -> None:
        """A line for the CLI and the app's Deploy log, shown with the plugin's name once its hook returns."""
        self.reporter(message)


def deploy_context(
    project: Project, clients: AwsClients, stack_name: str,
    changes: tuple[ResourceChange, ...] = (), outputs: dict[str, str] | None = None,
) -> DeployContext:
    """The context of an operation on `stack_name` with `clients`, before `call_deploy_hook` gives each
    plugin its own reporter."""
    where = clients.in_effect
    profile = where.profile if where is not None else ""
    endpoint = where.endpoint_url if where is not None else clients.endpoint_url
    return DeployContext(
        project.stage_name, stack_name, clients.region, profile or None, endpoint or None,
        clients.client, changes, dict(outputs or {}),
    )


def call_deploy_hook(plugins: Plugins, hook: str, context: DeployContext, **arguments: Any) -> Iterator[PluginProgress]:
    """Call `hook` plugin by plugin, each with a context whose reports carry its name, and yield what
    each reported as soon as its hook returns. A hook that raises ends the calls with a PluginFailure,
    after what it reported before raising."""
    for origin, impl in plugins.implementations(hook):
        said: list[str] = []
        kwargs = {**arguments, "context": replace(context, reporter=said.append)}
        failure: PluginFailure | None = None
        try:
            plugins.call_one(hook, origin, impl, kwargs)
        except PluginFailure as error:
            failure = error
        yield from (PluginProgress(origin.name, hook, message) for message in said)
        if failure is not None:
            raise failure
