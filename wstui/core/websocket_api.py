"""A small Python API for those who prefer code to `wstui.toml`: the seed's concepts, Pythonic names.

It builds the very same `Project` the project file describes, so the template, the local runtime and
every check are shared:

    api = WebSocketApi("sample", "$request.body.message", Stage("v1", "New deploy!"))
    api.route("$connect", "handlers.connect:handle", operation_name="ConnectRoute")
    api.connection_table("CONNECTION_TABLE", "connectionId", read_capacity=5, write_capacity=5)
    print(api.synth("path/to/handlers/root").render())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wstui.core.project.model import (
    DEFAULT_EXPRESSION,
    ApiSettings,
    ConnectionTableSettings,
    FunctionSettings,
    Project,
    ProjectSettings,
    RouteSettings,
    StageSettings,
)
from wstui.core.project.validate import require_valid
from wstui.core.template import synthesize
from wstui.core.template.builder import Synthesized

Stage = StageSettings


@dataclass
class WebSocketApi:
    """A WebSocket API with one stage; routes and the connection table are added with methods."""

    name: str
    route_selection_expression: str = DEFAULT_EXPRESSION
    stage: StageSettings = field(default_factory=StageSettings)
    region: str = "us-east-1"
    description: str = ""
    functions: FunctionSettings = field(default_factory=FunctionSettings)
    routes: list[RouteSettings] = field(default_factory=list)
    table: ConnectionTableSettings | None = None
    plugins: list[str] = field(default_factory=list)

    def route(self, key: str, handler: str, *, operation_name: str = "", two_way: bool = False) -> RouteSettings:
        """Serve `key` with `handler` (`module:function`, relative to the project directory)."""
        route = RouteSettings(key=key, handler=handler, operation_name=operation_name, two_way=two_way)
        self.routes.append(route)
        return route

    def connection_table(
        self,
        env_var: str = "CONNECTION_TABLE",
        hash_key: str = "connectionId",
        *,
        read_capacity: int | None = None,
        write_capacity: int | None = None,
        ttl_attribute: str = "ttl",
    ) -> ConnectionTableSettings:
        """The seed's connection-table decorator; giving capacities selects provisioned billing."""
        provisioned = read_capacity is not None or write_capacity is not None
        self.table = ConnectionTableSettings(
            env_var=env_var,
            hash_key=hash_key,
            billing="provisioned" if provisioned else "on_demand",
            read_capacity=5 if read_capacity is None else read_capacity,
            write_capacity=5 if write_capacity is None else write_capacity,
            ttl_attribute=ttl_attribute,
        )
        return self.table

    def project(self, directory: Path | str = ".") -> Project:
        """The validated project model; handlers resolve against `directory`."""
        project = Project(
            project=ProjectSettings(name=self.name, region=self.region, plugins=list(self.plugins)),
            stage=self.stage,
            api=ApiSettings(
                name=self.name,
                route_selection_expression=self.route_selection_expression,
                description=self.description,
            ),
            functions=self.functions,
            routes=list(self.routes),
            connection_table=self.table,
            directory=Path(directory).resolve(),
        )
        require_valid(project)
        return project

    def synth(self, directory: Path | str = ".") -> Synthesized:
        """The CloudFormation template, exactly as `wstui synth` builds it."""
        return synthesize(self.project(directory))
