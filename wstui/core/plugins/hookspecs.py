"""The hooks a wstui plugin can implement, at the points of a service's life a service author needs.

A plugin is a module (or object) with functions marked `@hookimpl` and named as below. It is loaded
from the `wstui` entry-point group of an installed package, or from the `plugins` list of the
project's `wstui.toml` (a module path, found relative to the project directory first).

The deploy and remove hooks are also given `context` (`wstui.core.deploy.context.DeployContext`): the
stage, the stack and where it is, clients that go there, the change set's summary, and `report()` for
a line the user sees. A hook function that does not name `context` is not given it, as with every
argument, so hooks written before it existed work unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pluggy

if TYPE_CHECKING:
    from wstui.core.deploy.context import DeployContext
    from wstui.core.local.local_aws import LocalAws
    from wstui.core.local.references import LocalResource
    from wstui.core.project.model import Project
    from wstui.core.template.service import ServiceTemplate

PROJECT_NAME = "wstui"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

CLOUD = "cloud"
LOCAL = "local"
Target = Literal["cloud", "local"]
"""What a template is built for, given to the hooks that build it as `target`: "cloud" for
`wstui synth` and `wstui deploy`, "local" for `wstui dev` and the app's Local area."""


@hookspec
def wstui_configure_project(project: Project, target: Target) -> None:
    """Adjust the validated project model before anything is built from it (add environment, tags...)."""


@hookspec
def wstui_decorate_template(service: ServiceTemplate, target: Target) -> None:
    """Add or change resources of the template being built: the seed's "service decorator"."""


@hookspec
def wstui_validate_template(project: Project, template: dict[str, Any], target: Target) -> list[str] | None:
    """Check the finished template (as plain data); return one sentence per problem, or nothing."""


@hookspec
def wstui_archive_files(project: Project) -> list[tuple[str, Path]] | None:
    """Extra files for the code archive, as (path inside the archive, file on disk) pairs."""


@hookspec
def wstui_before_deploy(project: Project, template: dict[str, Any], context: DeployContext) -> None:
    """Called after the change set is approved, before anything is uploaded and before it is executed;
    `context.changes` is the change set's summary. Raising refuses the deploy: the change set is
    deleted, and nothing is uploaded."""


@hookspec
def wstui_after_deploy(project: Project, outputs: dict[str, str], context: DeployContext) -> None:
    """Called after a successful deploy with the stack's outputs."""


@hookspec
def wstui_cli_commands() -> list[Any] | None:
    """Click commands to add to the `wstui` command line (only entry-point plugins are asked)."""


@hookspec
def wstui_settings() -> type | None:
    """The dataclass of this plugin's settings, read from its table `[plugins.NAME]` in wstui.toml (each
    field a setting, declared with `wstui.plugin.setting(default, help)`); the validated values are in
    `project.plugin_settings[NAME]`."""


# --- wstui dev: the local runtime (see wstui/core/local/local_aws.py) ----------------------------------


@hookspec(firstresult=True)
def wstui_local_resource(project: Project, logical_id: str, resource: dict[str, Any]) -> LocalResource | None:
    """The value a resource of the template has under `wstui dev`, instead of moto's CloudFormation
    creating it: for a type moto does not support, or a service the plugin runs itself. Asked for every
    resource wstui dev does not run itself; return nothing to leave it to moto."""


@hookspec
def wstui_local_start(project: Project, local: LocalAws) -> Callable[[], object] | None:
    """Called as `wstui dev` starts, once the local AWS holds the template's resources and before the
    gateway takes connections: start a helper, seed data. Return a function to call when it stops."""


# --- deploy and remove: refusing, and what follows ---------------------------------------------------


@hookspec
def wstui_before_change_set(project: Project, template: dict[str, Any], dry_run: bool, context: DeployContext) -> None:
    """Called by every `wstui deploy`, `--plan` included (`dry_run`), before the code is packaged and the
    change set created. Raising refuses the deploy: nothing is uploaded and no change set is made."""


@hookspec
def wstui_before_remove(project: Project, stack_name: str, context: DeployContext) -> None:
    """Called by `wstui remove` before the stack is deleted. Raising refuses: nothing is deleted."""


@hookspec
def wstui_after_remove(project: Project, stack_name: str, context: DeployContext) -> None:
    """Called by `wstui remove` once the stack and its uploaded artifacts are gone."""


@hookspec
def wstui_archive_exclude(project: Project) -> list[str] | None:
    """Patterns (as in .gitignore) of project files to keep out of the code archive, whatever
    `[package] include` says: a plugin's own settings or data files, say."""
