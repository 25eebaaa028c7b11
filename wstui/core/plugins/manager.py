"""Load plugins: the built-ins, the `wstui` entry points, and the project's own list.

pluggy calls the last registered plugin first, so the project's plugins are registered first: they
run last and see (and may adjust) what the built-ins and installed plugins made.

An installed plugin is on for every project, so one that is broken must not take every project down:
it is skipped with a PluginWarning naming the distribution to uninstall, and a project can switch it
off (`[project] disabled_plugins`). A plugin the project lists is part of its build: a problem with one
stops the build.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from wstui.core.errors import PluginFailure, PluginWarning, UsageError, exception_summary
from wstui.core.plugins import hookspecs
from wstui.core.plugins.discovery import local_plugin_file
from wstui.core.plugins.guard import PluginLoadError, culprit, hook_problems, name_the_plugin
from wstui.core.plugins.origin import PluginOrigin, built_in_origin, installed_origin, project_origin

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from pluggy import HookImpl

    from wstui.core.project.model import Project

ENTRY_POINT_GROUP = "wstui"
BUILTIN_PLUGINS = ("wstui.core.plugins.connection_table",)
SWITCHED_OFF = "is switched off in wstui.toml (disabled_plugins)"


class Plugins(pluggy.PluginManager):
    """pluggy's manager, plus where each plugin came from and why an installed one was skipped. A hook
    that raises ends in a PluginFailure that names the plugin and the hook."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self.add_hookspecs(hookspecs)
        self.origins: dict[str, PluginOrigin] = {}
        self.skipped: dict[str, tuple[PluginOrigin, str]] = {}
        self.add_hookcall_monitoring(_before_call, self._name_the_plugin)

    def add(self, plugin: object, origin: PluginOrigin) -> None:
        """Register `plugin` under its origin's name, or raise PluginLoadError saying what is wrong with it."""
        problems = hook_problems(self, plugin)
        if problems:
            raise PluginLoadError(origin, problems)
        self.register(plugin, name=origin.name)
        self.origins[origin.name] = origin

    def skip(self, origin: PluginOrigin, reason: str) -> None:
        self.skipped[origin.name] = (origin, reason)

    def hooks_of(self, name: str) -> list[str]:
        """The hooks plugin `name` implements."""
        return sorted(caller.name for caller in self.get_hookcallers(self.get_plugin(name)) or [])

    def call_each(
        self, hook: str, on_failure: Callable[[PluginFailure], None] | None = None, **kwargs: Any
    ) -> Iterator[tuple[PluginOrigin, Any]]:
        """Call `hook` plugin by plugin, in pluggy's order, pairing what each returns with its origin.

        A plugin that raises ends the calls with a PluginFailure; with `on_failure`, that is given the
        failure instead and the other plugins are still called.
        """
        for origin, impl in self.implementations(hook):
            try:
                result = self.call_one(hook, origin, impl, kwargs)
            except PluginFailure as failure:
                if on_failure is None:
                    raise
                on_failure(failure)
                continue
            yield origin, result

    def implementations(self, hook: str) -> Iterator[tuple[PluginOrigin, HookImpl]]:
        """The implementations of `hook` in pluggy's calling order, with their plugins' origins; for
        callers that give each plugin something of its own (the deploy hooks' `context`)."""
        for impl in reversed(getattr(self.hook, hook).get_hookimpls()):
            if not (impl.wrapper or impl.hookwrapper):
                yield self.origins[impl.plugin_name], impl

    def call_one(self, hook: str, origin: PluginOrigin, impl: HookImpl, kwargs: dict[str, Any]) -> Any:
        """One implementation, given the arguments it names; what it raises ends in a PluginFailure naming it."""
        try:
            return impl.function(**{name: kwargs[name] for name in impl.argnames})
        except Exception as error:
            raise name_the_plugin(error, origin, hook)

    def _name_the_plugin(self, outcome: pluggy.Result[Any], hook: str, impls: list[HookImpl], _kwargs: Any) -> None:
        error = outcome.exception
        if not isinstance(error, Exception) or isinstance(error, PluginFailure):
            return
        impl = culprit(error.__traceback__, impls)
        if impl is not None:
            outcome.force_exception(name_the_plugin(error, self.origins[impl.plugin_name], hook))


def _before_call(_hook: str, _impls: list[HookImpl], _kwargs: Any) -> None:
    """pluggy's monitoring wants a function to call before each hook too; wstui has nothing to do there."""


def entry_point_plugins() -> Plugins:
    """Only the installed plugins: what the command line can offer before any project is read."""
    plugins = Plugins()
    _load_entry_points(plugins, _installed(), listed=(), disabled=())
    return plugins


def project_plugins(names: list[str], directory: Path, disabled: list[str] | tuple[str, ...] = ()) -> Plugins:
    """Every plugin a project's build uses: its `plugins` list, installed entry points, and built-ins.

    A listed module that an installed package declares as a `wstui` entry point is that installed
    plugin, under the entry point's name, unless the project directory holds a file of that name.
    """
    plugins = Plugins()
    installed = _installed()
    by_module = {entry_point.module: entry_point for entry_point in installed}
    for name in names:
        local = local_plugin_file(name, directory)
        entry_point = by_module.get(name) if local is None else None
        if entry_point is not None:
            plugin = _import_listed(name, entry_point.load)
            origin = installed_origin(entry_point)
        else:
            plugin = _import_listed(name, lambda: _load_from_file(name, local) if local else importlib.import_module(name))
            origin = project_origin(name, local, directory)
        if not plugins.is_registered(plugin):
            plugins.add(plugin, origin)
    _load_entry_points(plugins, installed, listed=names, disabled=disabled)
    for name in BUILTIN_PLUGINS:
        plugins.add(importlib.import_module(name), built_in_origin(name))
    return plugins


def plugins_for(project: Project) -> Plugins:
    """The plugins of `project`, with their settings read from its [plugins.NAME] tables into
    `project.plugin_settings`; a ProjectError names every settings problem with its line."""
    from wstui.core.plugins.settings import read_settings

    plugins = project_plugins(project.project.plugins, project.directory, project.project.disabled_plugins)
    project.plugin_settings = read_settings(project, plugins)
    return plugins


def _installed() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    return list(entry_points(group=ENTRY_POINT_GROUP))


def _load_entry_points(
    plugins: Plugins, installed: list[EntryPoint], listed: list[str] | tuple[str, ...], disabled: list[str] | tuple[str, ...]
) -> None:
    """Like pluggy's own loader, but a plugin the project also lists loads once, and one that fails is
    skipped with a warning instead of failing every command."""
    for entry_point in installed:
        if plugins.has_plugin(entry_point.name) or entry_point.module in listed:
            continue
        origin = installed_origin(entry_point)
        if entry_point.name in disabled:
            plugins.skip(origin, SWITCHED_OFF)
            continue
        try:
            plugin = entry_point.load()
            if not plugins.is_registered(plugin):
                plugins.add(plugin, origin)
        except PluginLoadError as error:
            _warn_skipped(plugins, origin, "has hooks wstui cannot call: " + " ".join(error.problems))
        except Exception as error:  # a broken third-party plugin must not take the whole tool down
            _warn_skipped(plugins, origin, f"failed to load ({exception_summary(error)})")


def _warn_skipped(plugins: Plugins, origin: PluginOrigin, reason: str) -> None:
    plugins.skip(origin, reason)
    remedy = f"uninstall it (pip uninstall {origin.distribution})" if origin.distribution else "uninstall it"
    warnings.warn(
        f"The installed {origin} {reason}. wstui goes on without it: {remedy}, or switch it off in a project "
        f'with disabled_plugins = ["{origin.name}"] under [project] in wstui.toml.',
        PluginWarning,
        stacklevel=2,
    )


def _import_listed(name: str, load: Callable[[], Any]) -> Any:
    """A listed plugin, or a UsageError saying why it cannot be imported. A plugin from the project
    directory is read afresh from its file on every load, so two projects with a `plugins.py` each
    never share one, and an edited plugin is seen without a restart."""
    try:
        return load()
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
