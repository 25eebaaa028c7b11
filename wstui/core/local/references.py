"""References to resources that have a value locally without moto's CloudFormation, rewritten as that value.

`wstui dev` runs some of the template's resources itself (the API, the functions, the tables), does
not enforce IAM, and a plugin may give a resource a local value of its own (`wstui_local_resource`).
moto's CloudFormation creates the rest; before it does, every `Ref`, `Fn::GetAtt` and `Fn::Sub`
variable naming one of the former is replaced by its local value, so moto never meets a resource it
would skip, and a value that names nothing else needs no stack at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wstui.core.errors import WstuiError

SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


@dataclass(frozen=True)
class LocalResource:
    """What a resource is under `wstui dev`: the value of its `Ref`, and of its attributes for `Fn::GetAtt`."""

    ref: str
    attributes: Mapping[str, str] = field(default_factory=dict)


class UnresolvedReference(WstuiError):
    """A template value names an attribute nothing gives a local value for."""


def rewrite(value: Any, known: Mapping[str, LocalResource], where: str) -> Any:
    """`value` with every reference to a resource in `known` replaced by its local value; an `Fn::Sub`
    left with no variable becomes its plain text."""
    if isinstance(value, list):
        return [rewrite(item, known, where) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref" and argument in known:
            return known[argument].ref
        if function == "Fn::GetAtt":
            logical, attribute = _get_att(argument)
            if logical in known:
                return _attribute(known, logical, attribute, where)
        if function == "Fn::Sub":
            return _sub(argument, known, where)
    return {key: rewrite(item, known, where) for key, item in value.items()}


def referenced(value: Any) -> set[str]:
    """The logical ids (and parameters) that `value` refers to, through any intrinsic."""
    if isinstance(value, list):
        return set().union(*(referenced(item) for item in value))
    if not isinstance(value, dict):
        return set()
    names: set[str] = set()
    for function, argument in value.items():
        if function == "Ref" and isinstance(argument, str):
            names.add(argument)
        elif function == "Fn::GetAtt":
            names.add(_get_att(argument)[0])
        elif function == "Fn::Sub":
            text, variables = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})
            if isinstance(text, str):
                names.update(name.split(".")[0] for name in SUB_VARIABLE.findall(text) if name not in variables)
            names |= referenced(variables)
        else:
            names |= referenced(argument)
    return names


def is_plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _get_att(argument: Any) -> tuple[str, str]:
    if isinstance(argument, str):
        logical, _, attribute = argument.partition(".")
        return logical, attribute
    if isinstance(argument, list) and len(argument) == 2 and all(isinstance(part, str) for part in argument):
        return argument[0], argument[1]
    return "", ""


def _attribute(known: Mapping[str, LocalResource], logical: str, attribute: str, where: str) -> str:
    resource = known[logical]
    if attribute not in resource.attributes:
        offered = ", ".join(sorted(resource.attributes)) or "none"
        raise UnresolvedReference(
            f"{where} uses {logical}.{attribute}, which has no local value under wstui dev (attributes it has "
            f"locally: {offered}). A plugin gives local values with the hook wstui_local_resource."
        )
    return resource.attributes[attribute]


def _sub(argument: Any, known: Mapping[str, LocalResource], where: str) -> Any:
    text, variables = (argument[0], argument[1]) if isinstance(argument, list) and len(argument) == 2 else (argument, {})
    if not isinstance(text, str) or not isinstance(variables, dict):
        return {"Fn::Sub": rewrite(argument, known, where)}

    def local(match: re.Match[str]) -> str:
        name = match.group(1)
        logical, dot, attribute = name.partition(".")
        if name in variables or logical not in known:
            return match.group(0)
        return _attribute(known, logical, attribute, where) if dot else known[logical].ref

    text = SUB_VARIABLE.sub(local, text)
    if variables:
        return {"Fn::Sub": [text, rewrite(variables, known, where)]}
    if SUB_VARIABLE.search(text) is None:
        return text.replace("${!", "${")
    return {"Fn::Sub": text}
