"""Everything a wstui plugin needs, under one public name: `from wstui.plugin import hookimpl, ...`.

What this module offers is the plugin API; the modules it takes them from may move. It is documented
in docs/plugins.md:

- `hookimpl`: the marker of a hook function; the hooks are in `wstui.core.plugins.hookspecs`.
- `PluginError`: raise it to stop wstui with your own message (no traceback, exit code 1).
- `setting(default, help)`: one field of the dataclass your `wstui_settings` hook returns.
- `Project`, `RouteSettings`: the project model hooks are given.
- `ServiceTemplate`, `FunctionResources`: what `wstui_decorate_template` is given.
- `FunctionIds`, `RouteIds`: the logical ids wstui gives a handler's and a route's resources.
- `CLOUD`, `LOCAL`: the `target` a build hook is given (`wstui synth`/`deploy`, or `wstui dev`).
- `LocalResource`, `LocalAws`: what `wstui_local_resource` returns and `wstui_local_start` is given.
- `DeployContext`, `ResourceChange`: the `context` the deploy and remove hooks are given, and a row
  of its `changes`.
- `project_option`, `current_project`: for a command, `--project DIR` and the project it names, with
  every plugin's settings read; `synthesize(project)`: its template, as `wstui synth` builds it.

A plugin is imported to list its commands for `wstui --help`, so the names that pull in troposphere
or click, or that only deploys need, load when first used, not when this module is imported (PEP 562 `__getattr__`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from wstui.core.errors import PluginError
from wstui.core.plugins.hookspecs import CLOUD, LOCAL, hookimpl
from wstui.core.plugins.settings import setting
from wstui.core.project.model import Project, RouteSettings
from wstui.core.template import synthesize
from wstui.core.template.ids import FunctionIds, RouteIds

if TYPE_CHECKING:
    from wstui.cli.options import project_option
    from wstui.core.deploy.context import DeployContext
    from wstui.core.deploy.events import ResourceChange
    from wstui.core.local.local_aws import LocalAws
    from wstui.core.local.references import LocalResource
    from wstui.core.template.service import FunctionResources, ServiceTemplate

__all__ = [
    "CLOUD",
    "DeployContext",
    "LOCAL",
    "LocalAws",
    "LocalResource",
    "FunctionIds",
    "FunctionResources",
    "PluginError",
    "Project",
    "RouteIds",
    "ResourceChange",
    "RouteSettings",
    "ServiceTemplate",
    "current_project",
    "hookimpl",
    "project_option",
    "setting",
    "synthesize",
]

_LATER = {
    "FunctionResources": "wstui.core.template.service",
    "ServiceTemplate": "wstui.core.template.service",
    "project_option": "wstui.cli.options",
    "LocalAws": "wstui.core.local.local_aws",
    "LocalResource": "wstui.core.local.references",
    "DeployContext": "wstui.core.deploy.context",
    "ResourceChange": "wstui.core.deploy.events",
}


def __getattr__(name: str) -> Any:
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LATER[name]), name)


def current_project() -> Project:
    """In a plugin's command: the project of `--project DIR` (or the nearest wstui.toml), validated,
    with `plugin_settings` read from its [plugins.NAME] tables."""
    from wstui.cli.options import project_dir
    from wstui.core.plugins.manager import plugins_for
    from wstui.core.project.load import load_project

    project = load_project(project_dir())
    plugins_for(project)
    return project
