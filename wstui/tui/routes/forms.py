"""The Routes area's forms: add or edit a route, delete one, and the API settings."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Checkbox, Input, Label

from wstui.core.project.load import ProjectFile
from wstui.core.project.model import Project, RouteSettings
from wstui.core.project.routes import (
    RouteChange,
    add_route,
    remove_route,
    set_api_settings,
    set_expression,
    set_route,
)
from wstui.tui.routes.edit_form import Edit, EditForm, save_binding


def _field(label: str, value: str, field_id: str, placeholder: str, tooltip: str) -> ComposeResult:
    yield Label(label, classes="field-label")
    yield Input(value, placeholder=placeholder, id=field_id, tooltip=tooltip)


class RouteForm(EditForm):
    """Changes a route, its key included (a rename); `AddRouteForm` adds one (`route` None)."""

    def __init__(self, project_file: ProjectFile, route: RouteSettings | None = None, focus_key: bool = False) -> None:
        super().__init__(project_file)
        self.route = route
        self.focus_key = focus_key
        self.HEADING = f"Route {route.key}" if route else "New route"

    def compose_fields(self) -> ComposeResult:
        route = self.route
        yield from _field("Route key", route.key if route else "", "key", "e.g. sendmessage or $default",
                          "What the route selection expression must yield ($connect, $disconnect, $default or yours).")
        yield from _field("Handler", route.handler if route else "", "handler", "e.g. handlers.chat:send_message",
                          "module:function in the project; a missing one can be written as a stub.")
        yield from _field("Operation name", route.operation_name if route else "", "operation", "optional, e.g. SendRoute",
                          "The route's OperationName (optional).")
        yield Checkbox("Two-way: the handler's return value is sent back to the client",
                       route.two_way if route else False, id="two-way")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#key" if self.route is None or self.focus_key else "#handler", Input).focus()

    def values(self) -> tuple[str, str, str, bool]:
        return (
            self.query_one("#key", Input).value.strip(),
            self.query_one("#handler", Input).value.strip(),
            self.query_one("#operation", Input).value.strip(),
            self.query_one("#two-way", Checkbox).value,
        )

    def edit(self) -> Edit:
        key, handler, operation, two_way = self.values()
        route = self.route
        if route is None:
            return lambda project_file: add_route(project_file, key, handler, operation, two_way)
        change = RouteChange(
            handler=handler if handler != route.handler else None,
            operation_name=operation if operation != route.operation_name else None,
            two_way=two_way if two_way != route.two_way else None,
            new_key=key if key != route.key else None,
        )
        return lambda project_file: set_route(project_file, route.key, change)

    def handler(self) -> str | None:
        return self.values()[1] or None

    def is_blank(self) -> bool:
        return self.route is None and not any(self.values()[:3])

    def saved_message(self) -> str:
        key, handler = self.values()[:2]
        if self.route is None:
            return f"Added route {key} -> {handler}."
        return f"Renamed route {self.route.key} to {key}." if key != self.route.key else f"Updated route {key}."

    def saved_route(self) -> str | None:
        return self.values()[0]


class AddRouteForm(RouteForm):
    SAVE_LABEL = "Add"
    BINDINGS: ClassVar[list[BindingType]] = [save_binding(SAVE_LABEL)]


class DeleteRouteForm(EditForm):
    SAVE_LABEL = "Delete"
    BINDINGS: ClassVar[list[BindingType]] = [save_binding(SAVE_LABEL)]

    def __init__(self, project_file: ProjectFile, key: str) -> None:
        super().__init__(project_file)
        self.key = key
        self.HEADING = f"Delete route {key}?"

    def compose_fields(self) -> ComposeResult:
        yield Label("The route leaves wstui.toml; its handler's file stays.", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#save").focus()

    def edit(self) -> Edit:
        return lambda project_file: remove_route(project_file, self.key)

    def saved_message(self) -> str:
        return f"Removed route {self.key}."


class ApiForm(EditForm):
    """The route selection expression and the API's name and description, saved in one write."""

    HEADING = "API settings"

    def compose_fields(self) -> ComposeResult:
        api = self.project_file.project.api
        yield from _field("Route selection expression", api.route_selection_expression, "expression",
                          "e.g. $request.body.action", "Where in a frame API Gateway finds the route key.")
        yield from _field("API name", api.name, "api-name", self.project_file.project.project.name,
                          "Name of the WebSocket API (empty: the project name).")
        yield from _field("Description", api.description, "api-description", "", "Description of the API (optional).")

    def edit(self) -> Edit:
        expression = self.query_one("#expression", Input).value.strip()
        name = self.query_one("#api-name", Input).value.strip()
        description = self.query_one("#api-description", Input).value.strip()

        def both(project_file: ProjectFile) -> Project:
            set_expression(project_file, expression)
            return set_api_settings(project_file, name, description)

        return both

    def saved_message(self) -> str:
        return "Saved the API settings."
