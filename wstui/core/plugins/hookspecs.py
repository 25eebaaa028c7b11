"""The hooks a wstui plugin can implement, at the points of a service's life a service author needs.

A plugin is a module (or object) with functions marked `@hookimpl` and named as below. It is loaded
from the `wstui` entry-point group of an installed package, or from the `plugins` list of the
project's `wstui.toml` (a module path, found relative to the project directory first).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from wstui.core.project.model import Project
    from wstui.core.template.service import ServiceTemplate

PROJECT_NAME = "wstui"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def wstui_configure_project(project: Project) -> None:
    """Adjust the validated project model before anything is built from it (add environment, tags...)."""


@hookspec
def wstui_decorate_template(service: ServiceTemplate) -> None:
    """Add or change resources of the template being built: the seed's "service decorator"."""


@hookspec
def wstui_validate_template(project: Project, template: dict[str, Any]) -> list[str] | None:
    """Check the finished template (as plain data); return one sentence per problem, or nothing."""


@hookspec
def wstui_archive_files(project: Project) -> list[tuple[str, Path]] | None:
    """Extra files for the code archive, as (path inside the archive, file on disk) pairs."""


@hookspec
def wstui_before_deploy(project: Project, template: dict[str, Any]) -> None:
    """Called after the change set is approved and before it is executed."""


@hookspec
def wstui_after_deploy(project: Project, outputs: dict[str, str]) -> None:
    """Called after a successful deploy with the stack's outputs."""


@hookspec
def wstui_cli_commands() -> list[Any] | None:
    """Click commands to add to the `wstui` command line (only entry-point plugins are asked)."""


@hookspec
def wstui_settings() -> type | None:
    """The dataclass of this plugin's settings, read from its table `[plugins.NAME]` in wstui.toml (each
    field a setting, declared with `wstui.plugin.setting(default, help)`); the validated values are in
    `project.plugin_settings[NAME]`."""
