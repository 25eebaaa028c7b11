"""The typed project model: what `wstui.toml` says, after validation.

Field names are the TOML keys, so the dataclasses double as the schema: `schema.py` walks them to
read a TOML table and to name unknown keys. Defaults here are the defaults users get.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
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
    """[stage]: the default stage (the one every command uses without --stage), and what every stage
    has unless its own [stages.NAME] section says otherwise.

    A stage is one deployment of the API, in a stack of its own; its name is the API Gateway stage,
    the last segment of the wss:// URL (and of `wstui dev`'s).
    """

    name: str = "v1"
    description: str = ""
    log_retention: int | None = None
    throttling_burst: int | None = None
    throttling_rate: float | None = None
    access_logging: bool = False
    protected: bool = False


@dataclass
class StageOverrides:
    """[stages.NAME]: what one stage changes of [stage] and [functions]; a key left out keeps theirs.

    `protected` marks a stage that only a full deploy may change (`wstui sync` refuses it).
    """

    stack_name: str = ""
    description: str | None = None
    memory: int | None = None
    timeout: int | None = None
    environment: dict[str, EnvironmentValue] = field(default_factory=dict)
    log_retention: int | None = None
    throttling_burst: int | None = None
    throttling_rate: float | None = None
    access_logging: bool | None = None
    protected: bool | None = None


@dataclass(frozen=True)
class ResolvedStage:
    """One stage as it deploys: [stage] and [functions] with the stage's [stages.NAME] section over them.

    `memory`, `timeout` and `environment` stand where [functions]' do: a route's own still wins.
    Any valid name resolves: a stage wstui.toml does not name has the settings of [stage].
    """

    name: str
    stack_name: str
    description: str
    memory: int
    timeout: int
    environment: dict[str, EnvironmentValue]
    log_retention: int | None
    throttling_burst: int | None
    throttling_rate: float | None
    access_logging: bool
    protected: bool


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
class LatencySettings:
    """[dev.latency]: a latency profile of your own, in milliseconds; a key left out adds nothing.

    `connections_ms` is each @connections call (post, get, delete), `dynamodb_ms` each DynamoDB call
    a handler makes, `cold_start_ms` a function's first invocation (and its first after a reload),
    `integration_ms` the hop from the gateway to the function and back, on every invocation.
    """

    connections_ms: float = 0
    dynamodb_ms: float = 0
    cold_start_ms: float = 0
    integration_ms: float = 0


@dataclass
class DevSettings:
    """[dev]: how `wstui dev` and the app's Local area run the service. `latency` names a profile
    ("off", "cloud") or is a table of figures (`LatencySettings`); see `wstui.core.project.latency`."""

    latency: str | LatencySettings = "off"


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
    dev: DevSettings = field(default_factory=DevSettings)
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    """[plugins.NAME] tables as written; each plugin's declared settings check them when it loads."""
    stages: dict[str, StageOverrides] = field(default_factory=dict)
    directory: Path = field(default=Path("."), metadata={"toml": False})
    selected_stage: str = field(default="", metadata={"toml": False})
    source: Path | None = field(default=None, compare=False, metadata={"toml": False})
    """The wstui.toml this project was read from, so plugin settings' problems can name their line."""
    plugin_settings: dict[str, Any] = field(default_factory=dict, compare=False, metadata={"toml": False})
    """Each loaded plugin's settings (an instance of the dataclass it declares), by plugin name."""

    @property
    def api_name(self) -> str:
        return self.api.name or self.project.name

    @property
    def stage_name(self) -> str:
        """The stage this project builds and deploys: the one chosen with `at_stage`, else [stage] name."""
        return self.selected_stage or self.stage.name

    @property
    def stack_name(self) -> str:
        return self.stack_name_for(self.stage_name)

    @property
    def active_stage(self) -> ResolvedStage:
        return self.resolve_stage(self.stage_name)

    def at_stage(self, name: str | None) -> Project:
        """This project as stage `name` deploys it (None or "": the default stage). A name wstui.toml
        does not declare is allowed; `stage_checks.select_stage` also checks that AWS would take it."""
        return replace(self, selected_stage=name or "")

    def stage_names(self) -> list[str]:
        """The stages wstui.toml names: the default first, then each [stages.NAME] in file order."""
        return list(dict.fromkeys([self.stage.name, *self.stages]))

    def stack_name_for(self, stage: str) -> str:
        """The stack of `stage`: its [stages.NAME] stack_name; for the default stage, [deploy] stack_name
        (so a project made before stages keeps its stack); else PROJECT-STAGE."""
        overrides = self.stages.get(stage)
        if overrides is not None and overrides.stack_name:
            return overrides.stack_name
        if stage == self.stage.name and self.deploy.stack_name:
            return self.deploy.stack_name
        return f"{self.project.name}-{stage}"

    def resolve_stage(self, name: str) -> ResolvedStage:
        base, functions = self.stage, self.functions
        o = self.stages.get(name) or StageOverrides()
        return ResolvedStage(
            name=name,
            stack_name=self.stack_name_for(name),
            description=_over(o.description, base.description),
            memory=_over(o.memory, functions.memory),
            timeout=_over(o.timeout, functions.timeout),
            environment={**functions.environment, **o.environment},
            log_retention=_over(o.log_retention, base.log_retention),
            throttling_burst=_over(o.throttling_burst, base.throttling_burst),
            throttling_rate=_over(o.throttling_rate, base.throttling_rate),
            access_logging=_over(o.access_logging, base.access_logging),
            protected=_over(o.protected, base.protected),
        )

    def route(self, key: str) -> RouteSettings | None:
        return next((r for r in self.routes if r.key == key), None)

    def secret_uses(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(key path, secret name) of every environment value of this stage that is a secret, in file
        order: another stage's secrets, and a [functions] secret this stage's section replaces, are not
        needed to deploy or run this one."""
        staged = self.stages[self.stage_name].environment if self.stage_name in self.stages else {}
        shared = {name: value for name, value in self.functions.environment.items() if name not in staged}
        tables: list[tuple[tuple[str | int, ...], dict[str, EnvironmentValue]]] = [
            (("functions", "environment"), shared), (("stages", self.stage_name, "environment"), staged)
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


def _over(value: T | None, default: T) -> T:
    """A stage's value where it sets one, else the shared one."""
    return default if value is None else value
