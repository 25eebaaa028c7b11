"""Keep a plugin's mistakes the plugin's: checked when it loads, named when it fails.

pluggy silently ignores a function named like a hook but spelled wrong, and reports a hook asking for
an argument wstui does not give with a traceback about hookspecs. `hook_problems` finds both before
the plugin is registered, in sentences that name the function. When a hook raises, `name_the_plugin`
turns the exception into a PluginFailure naming the plugin and the hook; the plugin whose code
raised is found from the traceback, since pluggy does not say which implementation failed.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from wstui.core.errors import PluginFailure, UsageError, WstuiError, exception_summary
from wstui.core.plugins import hookspecs
from wstui.core.plugins.origin import PluginOrigin

if TYPE_CHECKING:
    import pluggy
    from pluggy import HookImpl

HOOK_PREFIX = "wstui_"
HOOK_NAMES = tuple(sorted(name for name in vars(hookspecs) if name.startswith(HOOK_PREFIX)))


class PluginLoadError(UsageError):
    """A plugin that cannot be used as written: its hooks' names or arguments are wrong."""

    def __init__(self, origin: PluginOrigin, problems: list[str]) -> None:
        self.origin = origin
        self.problems = problems
        super().__init__(f"The {origin} cannot be loaded:\n" + "\n".join(f"- {p}" for p in problems))


def hook_problems(manager: pluggy.PluginManager, plugin: object) -> list[str]:
    """Every function of `plugin` that looks like a hook but would never be called as the author meant."""
    problems: list[str] = []
    for attribute in dir(plugin):
        value = getattr(plugin, attribute, None)
        if not (inspect.isfunction(value) or inspect.ismethod(value)):
            continue
        options = manager.parse_hookimpl_opts(plugin, attribute)
        if options is None:
            if attribute in HOOK_NAMES:
                problems.append(f"{attribute} is not marked @hookimpl, so wstui would never call it.")
            elif attribute.startswith(HOOK_PREFIX):
                problems.append(f"{attribute} is not a wstui hook{_did_you_mean(attribute)}")
            continue
        hook = options.get("specname") or attribute
        if hook not in HOOK_NAMES:
            if not options.get("optionalhook"):
                problems.append(f"{attribute} is marked @hookimpl but {hook} is not a wstui hook{_did_you_mean(hook)}")
            continue
        given = getattr(manager.hook, hook).spec.argnames
        unknown = [name for name in _required_arguments(value) if name not in given]
        if unknown:
            offered = ", ".join(given) if given else "no arguments"
            problems.append(
                f"{attribute} asks for {', '.join(unknown)}, which {hook} is not given (it gets: {offered})."
            )
    return problems


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, HOOK_NAMES, n=1, cutoff=0.6)
    return f': did you mean {close[0]}?' if close else f"; the hooks are {', '.join(HOOK_NAMES)}."


def _required_arguments(function: Any) -> list[str]:
    """The names pluggy will pass by: positional parameters without a default."""
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [
        p.name for p in inspect.signature(function).parameters.values() if p.kind in kinds and p.default is p.empty
    ]


def name_the_plugin(error: BaseException, origin: PluginOrigin, hook: str) -> PluginFailure:
    """The error to show for `error` raised in `origin`'s `hook`: the plugin's own message when it
    stopped on purpose (a WstuiError such as PluginError), else what went wrong, with `cause` kept."""
    if isinstance(error, PluginFailure):
        return error
    if isinstance(error, WstuiError):
        failure = PluginFailure(f"The {origin} stopped in {hook}: {error.message}", str(origin), exit_code=error.exit_code)
        failure.__suppress_context__ = True
        return failure
    failure = PluginFailure(f"The {origin} failed in {hook} ({exception_summary(error)}).", str(origin), cause=error)
    failure.__cause__ = error
    return failure


def culprit(traceback: TracebackType | None, impls: Iterable[HookImpl]) -> HookImpl | None:
    """The implementation whose code raised: the outermost frame in the traceback that is one of theirs."""
    codes = {getattr(impl.function, "__code__", None): impl for impl in impls}
    while traceback is not None:
        found = codes.get(traceback.tb_frame.f_code)
        if found is not None:
            return found
        traceback = traceback.tb_next
    return None
