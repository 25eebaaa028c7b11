"""What the local runtime runs, read from the synthesized CloudFormation template.

`wstui dev` reads the very template `wstui deploy` sends to CloudFormation, not wstui.toml a second
time: routes, the route selection expression, the authorizer, each function's handler, timeout and
environment, and the tables all come from it, so local and cloud cannot drift apart. Only the few
intrinsics wstui's own template uses are resolved (a Ref to a table becomes the local table's name,
a Ref to a parameter the value given for it, as `wstui deploy` gives secrets); anything else is
refused with a sentence rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wstui.core.errors import WstuiError
from wstui.core.routes.expression import RouteSelectionExpression, parse_expression

_FUNCTION_IN_URI = re.compile(r"\$\{(\w+)\.Arn\}")
_INTEGRATION_IN_TARGET = re.compile(r"^integrations/\$\{(\w+)\}$")


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function as the local runtime runs it."""

    logical_id: str
    module: str
    function: str
    timeout: float
    memory: int
    environment: dict[str, str]


@dataclass(frozen=True)
class RouteSpec:
    key: str
    function: str
    two_way: bool


@dataclass(frozen=True)
class AuthorizerSpec:
    function: str
    identity_source: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table to create locally, as the template declares it."""

    logical_id: str
    name: str
    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    ttl_attribute: str | None


@dataclass(frozen=True)
class LocalSpec:
    stage: str
    expression: RouteSelectionExpression
    routes: dict[str, RouteSpec]
    functions: dict[str, FunctionSpec]
    tables: list[TableSpec] = field(default_factory=list)
    authorizer: AuthorizerSpec | None = None


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        logical: resource.get("Properties", {})
        for logical, resource in resources.items()
        if resource.get("Type") == kind
    }


def _only(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    found = list(_of_type(resources, kind).values())
    if len(found) != 1:
        raise WstuiError(f"The template has {len(found)} resources of type {kind}; wstui dev runs exactly one.")
    return found[0]


def _sub_text(value: Any) -> str:
    if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return value["Fn::Sub"]
    return str(value)


def _function_of(uri: Any) -> str:
    match = _FUNCTION_IN_URI.search(_sub_text(uri))
    if match is None:
        raise WstuiError(f"Cannot tell which function the integration URI {uri!r} invokes.")
    return match.group(1)


def local_spec(template: dict[str, Any], table_prefix: str, parameters: Mapping[str, str] | None = None) -> LocalSpec:
    """The local service described by `template`; tables are named `<table_prefix>-<LogicalId>`, and
    a Ref to a parameter is its value in `parameters`."""
    resources: dict[str, Any] = template.get("Resources", {})
    api = _only(resources, "AWS::ApiGatewayV2::Api")
    stage = _only(resources, "AWS::ApiGatewayV2::Stage")
    tables = [
        TableSpec(
            logical,
            f"{table_prefix}-{logical}",
            props["KeySchema"],
            props["AttributeDefinitions"],
            (props.get("TimeToLiveSpecification") or {}).get("AttributeName"),
        )
        for logical, props in _of_type(resources, "AWS::DynamoDB::Table").items()
    ]
    names = {table.logical_id: table.name for table in tables}
    refs = _References(names, dict(parameters or {}), set(template.get("Parameters", {})))
    functions = {
        logical: _function_spec(logical, props, refs)
        for logical, props in _of_type(resources, "AWS::Lambda::Function").items()
    }
    integrations = {
        logical: _function_of(props.get("IntegrationUri"))
        for logical, props in _of_type(resources, "AWS::ApiGatewayV2::Integration").items()
    }
    responses = {props["RouteId"]["Ref"] for props in _of_type(resources, "AWS::ApiGatewayV2::RouteResponse").values()}
    routes: dict[str, RouteSpec] = {}
    for logical, props in _of_type(resources, "AWS::ApiGatewayV2::Route").items():
        target = _INTEGRATION_IN_TARGET.match(_sub_text(props.get("Target")))
        if target is None or target.group(1) not in integrations:
            raise WstuiError(f"Route {logical} has a target wstui dev cannot follow: {props.get('Target')!r}.")
        routes[props["RouteKey"]] = RouteSpec(props["RouteKey"], integrations[target.group(1)], logical in responses)
    authorizer = None
    authorizers = _of_type(resources, "AWS::ApiGatewayV2::Authorizer")
    if authorizers:
        (props,) = authorizers.values()
        authorizer = AuthorizerSpec(_function_of(props["AuthorizerUri"]), tuple(props.get("IdentitySource", [])))
    return LocalSpec(
        stage=stage["StageName"],
        expression=parse_expression(api["RouteSelectionExpression"]),
        routes=routes,
        functions=functions,
        tables=tables,
        authorizer=authorizer,
    )


@dataclass(frozen=True)
class _References:
    """What a Ref in a function's environment can name locally: a table, or a parameter with a value."""

    tables: dict[str, str]
    values: dict[str, str]
    parameters: set[str]

    def resolve(self, value: Any, where: str) -> str:
        if isinstance(value, str):
            return value
        ref = value.get("Ref") if isinstance(value, dict) and set(value) == {"Ref"} else None
        if ref in self.tables:
            return self.tables[ref]
        if ref in self.parameters:
            if ref not in self.values:
                raise WstuiError(f"{where} is the template parameter {ref}, and wstui dev was given no value for it.")
            return self.values[ref]
        raise WstuiError(
            f"{where} is {value!r}, which wstui dev cannot resolve locally (only Refs to tables and parameters)."
        )


def _function_spec(logical: str, props: dict[str, Any], refs: _References) -> FunctionSpec:
    module, _, function = str(props["Handler"]).rpartition(".")
    environment: dict[str, str] = {}
    for name, value in (props.get("Environment") or {}).get("Variables", {}).items():
        environment[name] = refs.resolve(value, f"{logical} environment variable {name}")
    return FunctionSpec(
        logical_id=logical,
        module=module,
        function=function,
        timeout=float(props.get("Timeout", 3)),
        memory=int(props.get("MemorySize", 128)),
        environment=environment,
    )
