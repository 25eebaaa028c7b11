"""The Routes area: the routes of wstui.toml in a table, edited through forms that preview the template.

The forms' modules (checkboxes, template diffs) are imported when a form opens: this screen is the
app's first paint, which need not wait for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static

from wstui.cli.verbatim import verbatim
from wstui.core.errors import WstuiError
from wstui.core.project.load import ProjectFile
from wstui.core.project.model import Project, RouteSettings
from wstui.tui.area_screen import AreaScreen, palette_text
from wstui.tui.running_app import running_app
from wstui.tui.remedies import said

if TYPE_CHECKING:
    from wstui.tui.routes.edit_form import EditForm, Saved

HELP = """\
# Routes

The routes of `wstui.toml`: the route key API Gateway matches, the handler (`module:function`) that
serves it, its OperationName, whether it is two-way (the handler's answer goes back to the client),
and the authorizer on `$connect`.

Every change goes through a form that checks it as you type, with the same rules and messages as
`wstui routes ...`, and previews on the right what it does to the CloudFormation template
(resources added `+`, removed `-`, changed `~`). Saving writes `wstui.toml` and keeps your comments.
A handler that does not exist yet can be written as a stub from the form.

`ctrl+n` adds a route, `enter` (or `ctrl+e`) edits the selected one, `ctrl+r` renames it, `ctrl+d`
(or `delete`) removes it, and `ctrl+a` opens the API settings. In a form, `ctrl+s` (or `enter` in a
field) saves; the footer names it as the button does (Add, Save, Delete), and shows it only while the
change is accepted.
"""


class RoutesScreen(AreaScreen):
    HELP = HELP
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add", "Add", id="routes.add", tooltip="Add a route (a stub handler can be written for it)."),
        Binding("ctrl+e", "edit", "Edit", id="routes.edit", tooltip="Change the selected route's handler, name or mode (enter too)."),
        Binding("ctrl+r", "rename", "Rename", id="routes.rename", tooltip="Give the selected route another key."),
        Binding("ctrl+d,delete", "delete", "Delete", id="routes.delete", tooltip="Remove the selected route."),
        Binding("ctrl+a", "api", "API", id="routes.api", tooltip="API settings: route selection expression, API name, description."),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="routes-body"):
            with Vertical(id="routes-main"):
                yield Static("", id="api-summary")
                yield DataTable(id="routes", cursor_type="row", zebra_stripes=True)
            with Vertical(id="routes-side"):
                yield Label("Last change to the template", classes="pane-title")
                yield Static(Text("Nothing changed yet in this session.", style="dim"), id="last-change")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#routes", DataTable)
        for name in ("key", "handler", "operation", "two-way", "auth"):
            table.add_column(name, key=name)
        self.reload()
        table.focus()

    @property
    def project_file(self) -> ProjectFile:
        return running_app(self).project()

    def reload(self, select: str | None = None) -> Project | None:
        """Re-read wstui.toml (it may have been edited by hand) and show it; None when it does not validate.
        The cursor goes to the route `select` when given (one just added or renamed), else stays on its row."""
        try:
            project = running_app(self).reopen_project().project
        except WstuiError as error:
            self.query_one("#api-summary", Static).update(verbatim(said(error), "bold red"))
            self.query_one("#routes", DataTable).clear()
            return None
        api = project.api
        summary = Text.assemble(("Route selection expression ", "dim"), verbatim(api.route_selection_expression, "bold"),
                                ("   API ", "dim"), verbatim(project.api_name), ("   stage ", "dim"), verbatim(project.stage.name))
        self.query_one("#api-summary", Static).update(summary)
        table = self.query_one("#routes", DataTable)
        row = table.cursor_row
        table.clear()
        for route in project.routes:
            auth = route.authorizer.handler if route.authorizer else ""
            cells = (route.key, route.handler, route.operation_name, "yes" if route.two_way else "", auth)
            table.add_row(*map(verbatim, cells), key=route.key)
        if select in table.rows:
            row = table.get_row_index(select)
        table.move_cursor(row=min(row, max(table.row_count - 1, 0)))
        return project

    def selected_route(self) -> RouteSettings | None:
        project = self.reload()
        table = self.query_one("#routes", DataTable)
        if project is None or not table.row_count:
            return None
        return project.routes[table.cursor_row] if table.cursor_row < len(project.routes) else None

    def open_form(self, form: EditForm) -> None:
        self.app.push_screen(form, self.saved)

    def saved(self, result: Saved | None) -> None:
        if result is None:
            return
        self.notify(result.message, title="wstui.toml", markup=False)
        if running_app(self).gateway.running:
            self.notify("The local gateway serves the routes it started with: stop and start it (F3, ctrl+s) to serve these.",
                        title="Local gateway", severity="warning")
        from wstui.tui.routes.edit_form import describe_diff

        self.query_one("#last-change", Static).update(Text(result.message + "\n\n", style="bold") + describe_diff(result.diff))
        self.reload(select=result.route_key)

    def action_add(self) -> None:
        from wstui.tui.routes.forms import AddRouteForm

        if self.reload() is not None:
            self.open_form(AddRouteForm(self.project_file))

    def action_edit(self) -> None:
        from wstui.tui.routes.forms import RouteForm

        route = self.selected_route()
        if route is not None:
            self.open_form(RouteForm(self.project_file, route))

    def action_rename(self) -> None:
        from wstui.tui.routes.forms import RouteForm

        route = self.selected_route()
        if route is not None:
            self.open_form(RouteForm(self.project_file, route, focus_key=True))

    def action_delete(self) -> None:
        from wstui.tui.routes.forms import DeleteRouteForm

        route = self.selected_route()
        if route is not None:
            self.open_form(DeleteRouteForm(self.project_file, route.key))

    def action_api(self) -> None:
        from wstui.tui.routes.forms import ApiForm

        if self.reload() is not None:
            self.open_form(ApiForm(self.project_file))

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit()

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Add a route", "A new route in wstui.toml", self.action_add)
        yield SystemCommand("API settings", "Route selection expression, API name and description", self.action_api)
        route = self.selected_route()
        if route is not None:
            key = palette_text(route.key)
            yield SystemCommand(f"Edit route {key}", "Handler, operation name, two-way", self.action_edit)
            yield SystemCommand(f"Delete route {key}", "Remove it from wstui.toml", self.action_delete)
