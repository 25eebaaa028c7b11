"""Read plain TOML data into the model's dataclasses, collecting every problem with its key path.

The dataclasses in `model.py` are the schema: a field is a key, its annotation is the type. Walking
them keeps the accepted keys, the defaults and the model from drifting apart, and lets unknown keys
be named with a "did you mean" from the real field list.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Union

from wstui.core.errors import Remedy

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SchemaProblem:
    """A problem found while reading data, located by its key path (e.g. ("routes", 1, "handler"))."""

    message: str
    path: KeyPath
    remedies: tuple[Remedy, ...] = ()


def describe(path: KeyPath) -> str:
    """Name a key path the way a user reads their file: `[functions]`, `[[routes]] #2`, `memory`."""
    if not path:
        return "the top level"
    table = []
    for part in path:
        if isinstance(part, int):
            table[-1] = f"{table[-1]} #{part + 1}"
        else:
            table.append(part)
    return ".".join(str(p) for p in table)


def toml_fields(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if f.metadata.get("toml", True)]


def read_dataclass(cls: type, data: Any, path: KeyPath, problems: list[SchemaProblem]) -> Any:
    """Build `cls` from `data`; on problems append them and return None (or a partial default)."""
    if not isinstance(data, dict):
        problems.append(SchemaProblem(f"{describe(path)} must be a table, not {_kind(data)}.", path))
        return None
    hints = typing.get_type_hints(cls)
    fields = toml_fields(cls)
    names = [f.name for f in fields]
    for key in data:
        if key not in names:
            problems.append(SchemaProblem(_unknown_key_message(key, path, names), (*path, key)))
    values: dict[str, Any] = {}
    ok = True
    for f in fields:
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                where = f"in {describe(path)}" if path else "at the top level"
                problems.append(SchemaProblem(f'Missing required key "{f.name}" {where}.', path))
                ok = False
            continue
        before = len(problems)
        value = _read_value(hints[f.name], data[f.name], (*path, f.name), problems)
        if len(problems) > before:
            ok = False
        else:
            values[f.name] = value
    return cls(**values) if ok else None


def _read_value(tp: Any, value: Any, path: KeyPath, problems: list[SchemaProblem]) -> Any:
    if tp is Any:  # checked later by whoever declared it (a plugin's settings)
        return value
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        chosen = next((a for a in inner if _fits(a, value)), None)
        if chosen is None and len(inner) > 1:
            kinds = " or ".join(_article(a) for a in inner)
            problems.append(SchemaProblem(f'"{describe(path)}" must be {kinds}, not {_kind(value)}.', path))
            return None
        return _read_value(chosen or inner[0], value, path, problems)
    if dataclasses.is_dataclass(tp):
        return read_dataclass(tp, value, path, problems)  # type: ignore[arg-type]
    if origin is list:
        (item_type,) = typing.get_args(tp)
        if not isinstance(value, list):
            problems.append(SchemaProblem(f'"{describe(path)}" must be a list, not {_kind(value)}.', path))
            return None
        return [_read_value(item_type, item, (*path, i), problems) for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(SchemaProblem(f'"{describe(path)}" must be a table, not {_kind(value)}.', path))
            return None
        _, item_type = typing.get_args(tp)
        return {k: _read_value(item_type, v, (*path, k), problems) for k, v in value.items()}
    if not _is_instance(value, tp):
        problems.append(SchemaProblem(f'"{describe(path)}" must be {_article(tp)}, not {_kind(value)}.', path))
        return None
    return value


def _fits(tp: Any, value: Any) -> bool:
    """Whether `value` has the shape of `tp`, so a union reads it as that member."""
    if dataclasses.is_dataclass(tp):
        return isinstance(value, dict)
    origin = typing.get_origin(tp)
    if origin is not None:
        return isinstance(value, origin)
    return _is_instance(value, tp)


def _is_instance(value: Any, tp: type) -> bool:
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:  # TOML writes a whole number without a point: `rate = 50` is a number too
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, tp)


_KIND_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}


def _kind(value: Any) -> str:
    for tp, name in _KIND_NAMES.items():
        if isinstance(value, tp):
            return name
    return f"a {type(value).__name__}"


def _article(tp: type) -> str:
    if dataclasses.is_dataclass(tp):
        example = ", ".join(f'{f.name} = "..."' for f in toml_fields(tp))
        return f"a table {{ {example} }}"
    return _KIND_NAMES.get(tp, tp.__name__)


def _unknown_key_message(key: str, path: KeyPath, names: list[str]) -> str:
    where = f"in [{describe(path)}]" if path else "at the top level"
    message = f'Unknown key "{key}" {where}.'
    close = difflib.get_close_matches(key, names, n=1)
    if close:
        return f'{message[:-1]}: did you mean "{close[0]}"?'
    return f"{message} Known keys: {', '.join(names)}."
