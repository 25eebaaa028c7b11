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
from wstui.core.local.events import API_ID
from wstui.core.local.references import LocalResource, is_plain, referenced, rewrite
from wstui.core.routes.expression import RouteSelectionExpression, parse_expression

_FUNCTION_IN_URI = re.compile(r"\$\{(\w+)\.Arn\}")
_INTEGRATION_IN_TARGET = re.compile(r"^integrations/\$\{(\w+)\}$")
TABLE = "AWS::DynamoDB::Table"
FUNCTION = "AWS::Lambda::Function"
RUN_BY_WSTUI = frozenset({FUNCTION, "AWS::Lambda::Permission", TABLE})
RUN_BY_WSTUI_FAMILIES = ("AWS::ApiGatewayV2::", "AWS::IAM::")
LOCAL_ACCOUNT = "000000000000"
"""The account in the ARNs of what wstui dev runs itself (moto's own resources are in 123456789012)."""
MOTO_ACCOUNT = "123456789012"


def run_by_wstui(kind: str) -> bool:
    """Whether wstui dev provides a resource of this type itself, rather than moto's CloudFormation."""
    return kind in RUN_BY_WSTUI or kind.startswith(RUN_BY_WSTUI_FAMILIES)


def function_arn(region: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{LOCAL_ACCOUNT}:function:{name}"


@dataclass(frozen=True)
class FunctionSpec:
    """One Lambda function as the local runtime runs it."""

    logical_id: str
    module: str
    function: str
    timeout: float
    memory: int
    environment: dict[str, str]
    pending: dict[str, Any] = field(default_factory=dict)
    """Variables whose values name resources moto's CloudFormation creates: moto works them out."""


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
    stack: dict[str, Any] = field(default_factory=dict)
    """The template of what is left for moto's CloudFormation (no resources: nothing is)."""

    @property
    def pending(self) -> dict[str, dict[str, Any]]:
        """Each function's environment values that wait for moto's CloudFormation, by function."""
        return {logical: function.pending for logical, function in self.functions.items() if function.pending}


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


def local_spec(
    template: dict[str, Any],
    table_prefix: str,
    parameters: Mapping[str, str] | None = None,
    provided: Mapping[str, LocalResource] | None = None,
    region: str = "us-east-1",
) -> LocalSpec:
    """The local service described by `template`; tables are named `<table_prefix>-<LogicalId>`, a Ref
    to a parameter is its value in `parameters`, and a resource in `provided` (a plugin's local value)
    is that value."""
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
    given = dict(parameters or {})
    known = {
        **_own_values(resources, names, region),
        **(provided or {}),
        **{name: LocalResource(value) for name, value in given.items()},
    }
    refs = _References(known, set(template.get("Parameters", {})) - set(given))
    functions = {
        logical: _function_spec(logical, props, refs)
        for logical, props in _of_type(resources, FUNCTION).items()
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
        stack=_stack_template(template, refs),
    )


def _own_values(resources: dict[str, Any], tables: dict[str, str], region: str) -> dict[str, LocalResource]:
    """What the resources wstui dev runs itself are locally: a table its local name, a function its
    logical id (`context.function_name`), the API `local` (`requestContext.apiId`)."""
    values: dict[str, LocalResource] = {}
    for logical, resource in resources.items():
        kind = resource.get("Type", "")
        if not run_by_wstui(kind):
            continue
        if kind == TABLE:
            arn = f"arn:aws:dynamodb:{region}:{MOTO_ACCOUNT}:table/{tables[logical]}"
            values[logical] = LocalResource(tables[logical], {"Arn": arn})
        elif kind == FUNCTION:
            values[logical] = LocalResource(logical, {"Arn": function_arn(region, logical)})
        elif kind == "AWS::IAM::Role":
            values[logical] = LocalResource(logical, {"Arn": f"arn:aws:iam::{LOCAL_ACCOUNT}:role/{logical}"})
        elif kind == "AWS::ApiGatewayV2::Api":
            values[logical] = LocalResource(API_ID)
        else:
            values[logical] = LocalResource(logical)
    return values


def _stack_template(template: dict[str, Any], refs: _References) -> dict[str, Any]:
    """The template of the resources neither wstui dev nor a plugin provides, for moto's CloudFormation."""
    left = {
        logical: resource
        for logical, resource in template.get("Resources", {}).items()
        if logical not in refs.known
    }
    if not left:
        return {}
    stack: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}
    for key in ("Mappings", "Conditions"):
        if key in template:
            stack[key] = refs.resolve_within(template[key], key)
    for logical, resource in left.items():
        rewritten = refs.resolve_within(resource, f"Resource {logical}")
        depends = rewritten.get("DependsOn")
        if depends is not None:
            kept = [name for name in ([depends] if isinstance(depends, str) else depends) if name in left]
            rewritten = {key: value for key, value in rewritten.items() if key != "DependsOn"}
            if kept:
                rewritten["DependsOn"] = kept
        stack["Resources"][logical] = rewritten
    return stack


@dataclass(frozen=True)
class _References:
    """What a reference can name locally: a resource or parameter with a local value (`known`), a
    parameter with none (`missing`, an error once used), or a resource moto's CloudFormation creates."""

    known: dict[str, LocalResource]
    missing: set[str]

    def resolve_within(self, value: Any, where: str) -> Any:
        """`value` with what has a local value rewritten as it; a parameter without a value stops here."""
        for name in sorted(referenced(value) & self.missing):
            verb = "is" if value == {"Ref": name} else "uses"
            raise WstuiError(f"{where} {verb} the template parameter {name}, and wstui dev was given no value for it.")
        return rewrite(value, self.known, where)


def _function_spec(logical: str, props: dict[str, Any], refs: _References) -> FunctionSpec:
    module, _, function = str(props["Handler"]).rpartition(".")
    environment: dict[str, str] = {}
    pending: dict[str, Any] = {}
    for name, value in (props.get("Environment") or {}).get("Variables", {}).items():
        local = refs.resolve_within(value, f"{logical} environment variable {name}")
        if is_plain(local):
            environment[name] = str(local)
        else:
            pending[name] = local
    return FunctionSpec(
        logical_id=logical,
        module=module,
        function=function,
        timeout=float(props.get("Timeout", 3)),
        memory=int(props.get("MemorySize", 128)),
        environment=environment,
        pending=pending,
    )
