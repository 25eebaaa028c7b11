"""`wstui routes ...`: list and edit routes in wstui.toml from the shell, through wstui.core's edits."""

from __future__ import annotations

import click

from wstui.cli.options import project_dir, project_option


def _open():  # type: ignore[no-untyped-def]
    from wstui.core.project.load import ProjectFile

    return ProjectFile.open(project_dir())


@click.group()
@project_option
def routes() -> None:
    """List and edit the routes of the WebSocket API (route keys need quotes in a shell: '$connect')."""


@routes.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the routes as JSON.")
@project_option
def list_routes(as_json: bool) -> None:
    """The routes, with the route selection expression."""
    project = _open().project
    rows = [
        {
            "key": r.key,
            "handler": r.handler,
            "operation_name": r.operation_name,
            "two_way": r.two_way,
            "posts": r.posts_to_connections,
            "authorizer": r.authorizer.handler if r.authorizer else None,
        }
        for r in project.routes
    ]
    if as_json:
        import json

        document = {"route_selection_expression": project.api.route_selection_expression, "routes": rows}
        click.echo(json.dumps(document, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from wstui.cli.verbatim import verbatim

    columns = {
        "key": [r["key"] for r in rows],
        "handler": [r["handler"] for r in rows],
        "operation": [r["operation_name"] for r in rows],
        "two-way": ["yes" if r["two_way"] else "" for r in rows],
        "posts": ["yes" if r["posts"] else "" for r in rows],
        "authorizer": [r["authorizer"] or "" for r in rows],
    }
    shown = {name: values for name, values in columns.items() if any(values)}
    table = Table(title=verbatim(f"Route selection expression: {project.api.route_selection_expression}"),
                  title_justify="left")
    for name in shown:
        table.add_column(name, overflow="fold")
    for row in zip(*shown.values(), strict=True):
        table.add_row(*map(verbatim, row))
    Console(highlight=False).print(table)


@routes.command("add")
@click.argument("key")
@click.option("--handler", required=True, metavar="MODULE:FUNCTION", help="Python handler, e.g. handlers.chat:send.")
@click.option("--operation-name", default="", help="OperationName of the route.")
@click.option("--two-way", is_flag=True, help="The handler's return value is sent back to the client.")
@project_option
def add(key: str, handler: str, operation_name: str, two_way: bool) -> None:
    """Add route KEY served by HANDLER."""
    from wstui.core.project.routes import add_route
    from wstui.core.template.diff import save_edit

    save_edit(_open(), lambda project_file: add_route(project_file, key, handler, operation_name, two_way))
    click.echo(f"Added route {key} -> {handler}.")


@routes.command("remove")
@click.argument("key")
@project_option
def remove(key: str) -> None:
    """Remove route KEY."""
    from wstui.core.project.routes import remove_route

    remove_route(_open(), key)
    click.echo(f"Removed route {key}.")


@routes.command("set")
@click.argument("key")
@click.option("--handler", metavar="MODULE:FUNCTION", help="Point the route at another handler.")
@click.option("--operation-name", help="OperationName of the route ('' removes it).")
@click.option("--two-way/--one-way", default=None, help="Whether the handler's return value is sent back.")
@click.option("--rename", "new_key", metavar="NEW_KEY", help="Give the route a new key.")
@project_option
def set_(key: str, handler: str | None, operation_name: str | None, two_way: bool | None, new_key: str | None) -> None:
    """Change route KEY."""
    from wstui.core.project.routes import RouteChange, set_route
    from wstui.core.template.diff import save_edit

    change = RouteChange(handler=handler, operation_name=operation_name, two_way=two_way, new_key=new_key)
    if change == RouteChange():
        raise click.UsageError("Nothing to change: give --handler, --operation-name, --two-way/--one-way or --rename.")
    save_edit(_open(), lambda project_file: set_route(project_file, key, change))
    click.echo(f"Updated route {new_key or key}.")


@routes.command("expression")
@click.argument("expression", required=False)
@project_option
def expression(expression: str | None) -> None:
    """Show the route selection expression, or set it to EXPRESSION (e.g. '$request.body.action')."""
    project_file = _open()
    if expression is None:
        click.echo(project_file.project.api.route_selection_expression)
        return
    from wstui.core.project.routes import set_expression

    set_expression(project_file, expression)
    click.echo(f"Route selection expression: {expression}")
