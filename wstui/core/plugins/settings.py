"""A plugin's settings: declared as a dataclass, written in `[plugins.NAME]` of wstui.toml.

The settings are read with the same schema reader as wstui's own keys (`project/schema.py`), so they
get the same messages: an unknown key with a "did you mean", a value of the wrong type, each with its
`wstui.toml:LINE`. The tables are part of the tomlkit document like any other, so they round-trip with
their comments through every edit wstui makes.
"""

from __future__ import annotations

import copy
import dataclasses
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wstui.core.errors import Problem, ProjectError
from wstui.core.plugins.guard import PluginLoadError
from wstui.core.plugins.origin import BUILT_IN, PluginOrigin
from wstui.core.project.locate import located
from wstui.core.project.schema import SchemaProblem, describe, read_dataclass, toml_fields

if TYPE_CHECKING:
    from wstui.core.plugins.manager import Plugins
    from wstui.core.project.model import Project

SETTINGS_HOOK = "wstui_settings"
SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def setting(default: Any, help: str) -> Any:  # noqa: A002 - the word a reader of a settings class expects
    """A field of a plugin's settings dataclass: its default and one line saying what it does."""
    metadata = {"help": help}
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: copy.deepcopy(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class SettingInfo:
    """One declared setting, as `wstui plugins show` lists it."""

    name: str
    type: str
    default: Any
    help: str


def declared_settings(plugins: Plugins) -> dict[str, type]:
    """The settings dataclass of each plugin that declares one, by plugin name; a declaration that is
    not a dataclass of supported types with a line of help each is a PluginLoadError."""
    declared: dict[str, type] = {}
    for origin, schema in plugins.call_each(SETTINGS_HOOK):
        if schema is not None:
            describe_settings(origin, schema)
            declared[origin.name] = schema
    return declared


def describe_settings(origin: PluginOrigin, schema: Any) -> list[SettingInfo]:
    if not (isinstance(schema, type) and dataclasses.is_dataclass(schema)):
        raise PluginLoadError(origin, [f"{SETTINGS_HOOK} must return a dataclass (the class), not {schema!r}."])
    hints = typing.get_type_hints(schema)
    infos: list[SettingInfo] = []
    problems: list[str] = []
    for field in toml_fields(schema):
        kind = _type_name(hints[field.name])
        help_text = str(field.metadata.get("help", "")).strip()
        if kind is None:
            problems.append(f'Setting "{field.name}" has a type wstui cannot read from TOML: {hints[field.name]}.')
        if not help_text or "\n" in help_text:
            problems.append(f'Setting "{field.name}" needs one line of help: declare it with setting(default, "...").')
        infos.append(SettingInfo(field.name, kind or "?", _default(field), help_text))
    if problems:
        raise PluginLoadError(origin, problems)
    return infos


def _type_name(tp: Any) -> str | None:
    if tp in SCALARS:
        return SCALARS[tp]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list and len(args) == 1 and args[0] in SCALARS:
        return f"list of {SCALARS[args[0]]}s"
    if origin is dict and len(args) == 2 and args[0] is str and args[1] in SCALARS:
        return f"table of {SCALARS[args[1]]}s"
    return None


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING


def read_settings(project: Project, plugins: Plugins) -> dict[str, Any]:
    """Each plugin's settings from `[plugins.NAME]`, or a ProjectError naming every problem with its line.

    A table no loaded plugin reads is a problem too (a typo in the name would otherwise go unnoticed),
    except for a plugin the project switched off.
    """
    declared = declared_settings(plugins)
    problems: list[SchemaProblem] = []
    values: dict[str, Any] = {}
    for name, schema in declared.items():
        value = read_dataclass(schema, project.plugins.get(name, {}), ("plugins", name), problems)
        if value is not None:
            values[name] = value
    for name in project.plugins:
        if name not in declared and name not in project.project.disabled_plugins:
            problems.append(SchemaProblem(_unread_table(name, plugins), ("plugins", name)))
    if problems:
        raise ProjectError(_locate(problems, project))
    return values


def _unread_table(name: str, plugins: Plugins) -> str:
    if name in plugins.origins:
        return f"The {plugins.origins[name]} takes no settings: remove [plugins.{name}]."
    if name in plugins.skipped:
        origin, reason = plugins.skipped[name]
        return f"[plugins.{name}] is for the {origin}, which {reason}."
    loaded = ", ".join(n for n, o in plugins.origins.items() if o.kind != BUILT_IN) or "none"
    return (
        f'[plugins.{name}] is for a plugin "{name}" that is not loaded (loaded: {loaded}): list its module in '
        "[project] plugins, or install it."
    )


def _locate(problems: list[SchemaProblem], project: Project) -> list[Problem]:
    if project.source is not None:
        try:
            return located(problems, project.source.read_text(encoding="utf-8"), project.source)
        except (OSError, UnicodeDecodeError):
            pass
    return [Problem(f"{describe(p.path)}: {p.message}") for p in problems]


def settings_table(plugins: Plugins, name: str) -> list[SettingInfo]:
    """The settings plugin `name` declares, for `wstui plugins show`."""
    schema = declared_settings(plugins).get(name)
    return [] if schema is None else describe_settings(plugins.origins[name], schema)
