"""Where a plugin came from, said the way a user finds it again to fix, update or uninstall it.

Every message about a plugin (a hook that failed, a plugin that did not load) names it with its origin,
so that a plugin's bug never looks like a bug of wstui.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

INSTALLED = "installed"
PROJECT = "project"
BUILT_IN = "built-in"


@dataclass(frozen=True)
class PluginOrigin:
    """A loaded (or skipped) plugin: its name, which is also the name of its `[plugins.NAME]` table,
    what kind it is, and where it is: a distribution and its version, or a file of the project."""

    name: str
    kind: str
    where: str
    distribution: str = ""

    def __str__(self) -> str:
        return f'plugin "{self.name}" ({self.where})'


def installed_origin(entry_point: EntryPoint) -> PluginOrigin:
    dist = entry_point.dist
    if dist is None:
        return PluginOrigin(entry_point.name, INSTALLED, f"entry point {entry_point.value}")
    name = dist.metadata["Name"] or entry_point.module
    return PluginOrigin(entry_point.name, INSTALLED, f"package {name} {dist.version}", name)


def project_origin(name: str, file: Path | None, directory: Path) -> PluginOrigin:
    """A plugin listed in wstui.toml: a file of the project, or a module installed without an entry point."""
    if file is not None:
        return PluginOrigin(name, PROJECT, f"project module {file.relative_to(directory)}")
    return PluginOrigin(name, PROJECT, f"module {name}")


def built_in_origin(name: str) -> PluginOrigin:
    return PluginOrigin(name, BUILT_IN, "built into wstui")
