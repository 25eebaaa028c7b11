"""Load plugins: the built-ins, the `wstui` entry points, and the project's own list.

pluggy calls the last registered plugin first, so the project's plugins are registered first: they
run last and see (and may adjust) what the built-ins and installed plugins made.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pluggy

from wstui.core.errors import UsageError
from wstui.core.plugins import hookspecs
from wstui.core.plugins.discovery import local_plugin_file

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
    """Every plugin a project's build uses: its `plugins` list, installed entry points, and built-ins."""
    manager = _new_manager()
    for name in names:
        plugin = _import_project_plugin(name, directory)
        if not manager.is_registered(plugin):
            manager.register(plugin, name=name)
    _load_entry_points(manager)
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    return manager


def _load_entry_points(manager: pluggy.PluginManager) -> None:
    """Like pluggy's own loader, but a plugin the project also lists by module name loads once."""
    from importlib.metadata import entry_points

    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        if manager.has_plugin(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:  # a broken third-party plugin must not take the whole tool down
            raise UsageError(f'The installed wstui plugin "{entry_point.name}" failed to load: {error!r}.') from None
        if not manager.is_registered(plugin):
            manager.register(plugin, name=entry_point.name)


def _import_project_plugin(name: str, directory: Path) -> ModuleType:
    """A plugin from the project directory is read afresh from its file on every load, so two projects
    with a `plugins.py` each never share one, and an edited plugin is seen without a restart; any other
    name is imported as an installed module."""
    try:
        local = local_plugin_file(name, directory)
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
