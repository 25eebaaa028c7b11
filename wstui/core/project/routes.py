"""Route edits on `wstui.toml`: the one implementation behind `wstui routes ...` and the TUI's editor.

Each edit works on a copy of the tomlkit document and saves through `ProjectFile.save`, which
validates the whole project first: an edit that would make the project invalid is refused and the
file stays as it was.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import tomlkit
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from wstui.core.errors import Remedy, UsageError
from wstui.core.project.load import ProjectFile
from wstui.core.project.model import Project
from wstui.core.project.toml_layout import append_table, remove_table, set_value


@dataclass(frozen=True)
class RouteChange:
    """What `set_route` changes; None leaves a setting as it is."""

    handler: str | None = None
    operation_name: str | None = None
    two_way: bool | None = None
    new_key: str | None = None


def _routes(document: TOMLDocument) -> AoT:
    routes = document.get("routes")
    if routes is None:
        routes = tomlkit.aot()
        document.add(tomlkit.nl())
        document.append("routes", routes)
    if not isinstance(routes, AoT):
        raise UsageError('"routes" in wstui.toml must be an array of tables ([[routes]]) for wstui to edit it.')
    return routes


def _find(routes: AoT, key: str) -> int:
    for index, table in enumerate(routes):
        if table.get("key") == key:
            return index
    known = ", ".join(str(t.get("key")) for t in routes) or "none"
    raise UsageError(f'No route "{key}" (routes: {known}).')


def add_route(
    project_file: ProjectFile, key: str, handler: str, operation_name: str = "", two_way: bool = False
) -> Project:
    document = copy.deepcopy(project_file.document)
    routes = _routes(document)
    if any(t.get("key") == key for t in routes):
        raise UsageError(f'Route "{key}" already exists.', Remedy.EDIT_ROUTE, key=key)
    table = tomlkit.table()
    table["key"] = key
    table["handler"] = handler
    if operation_name:
        table["operation_name"] = operation_name
    if two_way:
        table["two_way"] = True
    append_table(routes, table)
    return project_file.save(document)


def remove_route(project_file: ProjectFile, key: str) -> Project:
    document = copy.deepcopy(project_file.document)
    routes = _routes(document)
    remove_table(document, routes, _find(routes, key))
    return project_file.save(document)


def set_route(project_file: ProjectFile, key: str, change: RouteChange) -> Project:
    document = copy.deepcopy(project_file.document)
    routes = _routes(document)
    table: Table = routes[_find(routes, key)]
    if change.new_key is not None:
        set_value(table, "key", change.new_key)
    if change.handler is not None:
        set_value(table, "handler", change.handler)
    if change.operation_name is not None:
        _set_or_drop(table, "operation_name", change.operation_name, "")
    if change.two_way is not None:
        _set_or_drop(table, "two_way", change.two_way, False)
    return project_file.save(document)


def set_expression(project_file: ProjectFile, expression: str) -> Project:
    document = copy.deepcopy(project_file.document)
    api = document.get("api")
    if api is None:
        api = tomlkit.table()
        document.append("api", api)
    set_value(api, "route_selection_expression", expression)
    return project_file.save(document)


def set_api_settings(project_file: ProjectFile, name: str, description: str) -> Project:
    """Set the API's name and description ("" goes back to the default: the project name, no description)."""
    document = copy.deepcopy(project_file.document)
    api = document.get("api")
    if api is None:
        api = tomlkit.table()
        document.append("api", api)
    _set_or_drop(api, "name", name, "")
    _set_or_drop(api, "description", description, "")
    return project_file.save(document)


def _set_or_drop(table: Table, name: str, value: object, default: object) -> None:
    """Write a setting, or remove the key when the value goes back to the default."""
    if value != default:
        set_value(table, name, value)
    elif name in table:
        del table[name]
