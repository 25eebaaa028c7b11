"""The typed project model: what `wstui.toml` says, after validation.

Field names are the TOML keys, so the dataclasses double as the schema: `schema.py` walks them to
read a TOML table and to name unknown keys. Defaults here are the defaults users get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONNECT = "$connect"
DISCONNECT = "$disconnect"
DEFAULT = "$default"
RESERVED_ROUTE_KEYS = (CONNECT, DISCONNECT, DEFAULT)
DEFAULT_EXPRESSION = "$request.body.message"
DEFAULT_RUNTIME = "python3.12"


@dataclass
class ProjectSettings:
    """[project]: who the service is and where it lives."""

    name: str
    region: str = "us-east-1"
    plugins: list[str] = field(default_factory=list)
    disabled_plugins: list[str] = field(default_factory=list)


@dataclass
class StageSettings:
    """[stage]: the API Gateway stage; its name is the last segment of the wss:// URL."""

    name: str = "v1"
    description: str = ""


@dataclass
class ApiSettings:
    """[api]: the WebSocket API itself."""

    name: str = ""
    route_selection_expression: str = DEFAULT_EXPRESSION
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Secret:
    """An environment value kept out of wstui.toml: `NAME = { secret = "auth_token" }`.

    wstui.toml is committed; a secret's value is not. It comes from `.wstui/secrets.toml` (git-ignored)
    or the variable WSTUI_SECRET_AUTH_TOKEN, and reaches CloudFormation as a NoEcho parameter, so
    neither the project file nor the template holds it (see `secrets.py`).
    """

    secret: str


EnvironmentValue = str | Secret


@dataclass
class AuthorizerSettings:
    """[routes.authorizer]: a Lambda REQUEST authorizer; API Gateway only runs one on $connect."""

    handler: str
    identity_source: list[str] = field(default_factory=lambda: ["route.request.querystring.token"])
    name: str = "authorizer"
    environment: dict[str, EnvironmentValue] = field(default_factory=dict)


@dataclass
class RouteSettings:
    """[[routes]]: one route key and the handler that serves it.

    `posts` says the handler sends to connections through the @connections API: it then gets
    execute-api:ManageConnections and, with the connection table, Scan and DeleteItem. It defaults to
    true for custom routes and $default, false for $connect and $disconnect (see `posts_to_connections`).
    """

    key: str
    handler: str
    operation_name: str = ""
    two_way: bool = False
    posts: bool | None = None
    authorizer: AuthorizerSettings | None = None
    memory: int | None = None
    timeout: int | None = None
    environment: dict[str, EnvironmentValue] = field(default_factory=dict)

    @property
    def posts_to_connections(self) -> bool:
        if self.posts is not None:
            return self.posts
        return self.key not in (CONNECT, DISCONNECT)


@dataclass
class FunctionSettings:
    """[functions]: defaults for every Lambda function; a route may override memory, timeout, environment."""

    runtime: str = DEFAULT_RUNTIME
    memory: int = 128
    timeout: int = 10
    architecture: str = "x86_64"
    environment: dict[str, EnvironmentValue] = field(default_factory=dict)


@dataclass
class ConnectionTableSettings:
    """[connection_table]: the DynamoDB table of open connections (the built-in connection-table plugin)."""

    env_var: str = "CONNECTION_TABLE"
    hash_key: str = "connectionId"
    billing: str = "on_demand"
    read_capacity: int = 5
    write_capacity: int = 5
    ttl_attribute: str = "ttl"


@dataclass
class DeploySettings:
    """[deploy]: where and how `wstui deploy` puts the stack."""

    stack_name: str = ""
    s3_bucket: str = ""
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class PackageSettings:
    """[package]: what the code archive holds beyond what the handlers need, in .gitignore's pattern
    syntax. Neither list can bring in what never goes (dot-files, tests, virtual environments,
    what .gitignore ignores): see `wstui.core.deploy.archive_contents`."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


@dataclass
class Project:
    """A whole project: the settings plus the directory handlers resolve against."""

    project: ProjectSettings
    stage: StageSettings = field(default_factory=StageSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    functions: FunctionSettings = field(default_factory=FunctionSettings)
    routes: list[RouteSettings] = field(default_factory=list)
    connection_table: ConnectionTableSettings | None = None
    deploy: DeploySettings = field(default_factory=DeploySettings)
    package: PackageSettings = field(default_factory=PackageSettings)
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    """[plugins.NAME] tables as written; each plugin's declared settings check them when it loads."""
    directory: Path = field(default=Path("."), metadata={"toml": False})
    source: Path | None = field(default=None, compare=False, metadata={"toml": False})
    """The wstui.toml this project was read from, so plugin settings' problems can name their line."""
    plugin_settings: dict[str, Any] = field(default_factory=dict, compare=False, metadata={"toml": False})
    """Each loaded plugin's settings (an instance of the dataclass it declares), by plugin name."""

    @property
    def api_name(self) -> str:
        return self.api.name or self.project.name

    @property
    def stack_name(self) -> str:
        return self.deploy.stack_name or f"{self.project.name}-{self.stage.name}"

    def route(self, key: str) -> RouteSettings | None:
        return next((r for r in self.routes if r.key == key), None)

    def secret_uses(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(key path, secret name) of every environment value that is a secret, in file order."""
        tables: list[tuple[tuple[str | int, ...], dict[str, EnvironmentValue]]] = [
            (("functions", "environment"), self.functions.environment)
        ]
        for index, route in enumerate(self.routes):
            tables.append((("routes", index, "environment"), route.environment))
            if route.authorizer is not None:
                tables.append((("routes", index, "authorizer", "environment"), route.authorizer.environment))
        return [
            ((*path, name), value.secret)
            for path, environment in tables
            for name, value in environment.items()
            if isinstance(value, Secret)
        ]
