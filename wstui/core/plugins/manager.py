"""Load plugins: the built-ins, then the `wstui` entry points, then the project's own list."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pluggy

from wstui.core.errors import UsageError
from wstui.core.plugins import hookspecs

ENTRY_POINT_GROUP = "wstui"
BUILTIN_PLUGINS = ("wstui.core.plugins.connection_table",)


def _new_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


def entry_point_plugins() -> pluggy.PluginManager:
    """Only the installed plugins: what the command line can offer before any project is read."""
    manager = _new_manager()
    _load_entry_points(manager)
    return manager


def project_plugins(names: list[str], directory: Path) -> pluggy.PluginManager:
    """Every plugin a project's build uses: built-ins, installed entry points, and its `plugins` list."""
    manager = _new_manager()
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    _load_entry_points(manager)
    for name in names:
        if manager.has_plugin(name):
            continue
        manager.register(_import_project_plugin(name, directory), name=name)
    return manager


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    try:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    except Exception as error:  # a broken third-party plugin must not take the whole tool down
        raise UsageError(f"An installed wstui plugin failed to load: {error!r}.") from None


def _import_project_plugin(name: str, directory: Path) -> ModuleType:
    """A plugin from the project directory is read afresh from its file on every load, so two projects
    with a `plugins.py` each never share one, and an edited plugin is seen without a restart; any other
    name is imported as an installed module."""
    try:
        local = _local_module_file(name, directory)
        if local is not None:
            return _load_from_file(name, local)
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name or (error.name and name.startswith(error.name + ".")):
            raise UsageError(
                f'Plugin "{name}" listed in wstui.toml was not found: install it, or put {name.replace(".", "/")}.py '
                "in the project directory."
            ) from None
        raise UsageError(f'Plugin "{name}" failed to import: {error}.') from None
    except Exception as error:
        raise UsageError(f'Plugin "{name}" failed to import: {error!r}.') from None


def _local_module_file(name: str, directory: Path) -> Path | None:
    base = directory.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _load_from_file(name: str, path: Path) -> ModuleType:
    package = [str(path.parent)] if path.name == "__init__.py" else None
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=package)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
