"""What a plugin sees of wstui dev's local AWS, and what it gives it: the two hooks of the local runtime.

`wstui_local_resource` gives a resource a value of the plugin's own instead of having moto's
CloudFormation create it (a type moto does not support, or a helper the plugin runs);
`wstui_local_start` is called once the local AWS holds the template's resources, to start a helper
or seed data, and may return what to call when wstui dev stops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wstui.core.local.dynamodb import local_client
from wstui.core.local.references import LocalResource
from wstui.core.local.spec import run_by_wstui

if TYPE_CHECKING:
    import pluggy

    from wstui.core.project.model import Project

Stop = Callable[[], object]


@dataclass(frozen=True)
class LocalAws:
    """wstui dev's local AWS: moto on `endpoint_url`, which the handlers' boto3 reaches too.

    `resources` are the physical ids of what moto's CloudFormation created, by logical id (a queue's
    URL, a topic's ARN, a bucket's name), and `environments` each function's environment variables
    from the template, by logical id, as the handlers see them.
    """

    endpoint_url: str
    region: str
    resources: dict[str, str] = field(default_factory=dict)
    environments: dict[str, dict[str, str]] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        """A boto3 client of `service` on the local AWS (with the fake credentials it accepts)."""
        return local_client(service, self.endpoint_url, self.region)


def plugin_values(plugins: pluggy.PluginManager, project: Project, template: dict[str, Any]) -> dict[str, LocalResource]:
    """The local values plugins give resources of `template`, by logical id (asked only for the
    resources wstui dev does not run itself)."""
    values: dict[str, LocalResource] = {}
    for logical, resource in template.get("Resources", {}).items():
        if run_by_wstui(resource.get("Type", "")):
            continue
        value = plugins.hook.wstui_local_resource(project=project, logical_id=logical, resource=resource)
        if value is not None:
            values[logical] = value
    return values


def start_plugins(plugins: pluggy.PluginManager, project: Project, local: LocalAws) -> list[Stop]:
    """Call every `wstui_local_start`; what they return is called, last first, when wstui dev stops."""
    return [stop for stop in plugins.hook.wstui_local_start(project=project, local=local) if stop is not None]
