"""Which log groups belong to a deployed stack, and what each line from them is called.

The functions come from the stack's resources (what is deployed, not what wstui.toml says today): each
Lambda function's physical id is its name, and Lambda writes to `/aws/lambda/NAME`. A function is
called by the routes it serves, which wstui.toml knows through the function's logical id; one the
project no longer names keeps its logical id. The API's access log is the log group the stage's
`AccessLogSettings` points at, read from the deployed template.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wstui.core.deploy.aws import AwsClients, explained
from wstui.core.deploy.change_set import stack_state
from wstui.core.errors import UsageError, WstuiError
from wstui.core.project.model import Project
from wstui.core.template.ids import FunctionIds

LAMBDA_FUNCTION = "AWS::Lambda::Function"
LOG_GROUP = "AWS::Logs::LogGroup"
API_STAGE = "AWS::ApiGatewayV2::Stage"
API_LABEL = "api"
AUTHORIZER_LABEL = "authorizer"
_ARN_GROUP = re.compile(r"^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(?P<name>[^:]+)(?::\*)?$")
_SUB_NAME = re.compile(r"\$\{(?P<id>[A-Za-z0-9]+)(?:\.Arn)?\}")


class LogsError(WstuiError):
    """The logs cannot be read as asked: no stack, access logging off."""


@dataclass(frozen=True)
class LogSource:
    """One log group and what its lines are marked with: the routes a function serves ("sendmessage",
    "$connect, ping"), "authorizer", or "api" for the access log (whose `function` is empty)."""

    label: str
    group: str
    function: str = ""
    logical_id: str = ""
    handler: str = ""
    routes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StackLogs:
    """The log groups of a deployed stack. `access_log` is None when the stage does not log access,
    or when it was not asked for."""

    stack_name: str
    functions: tuple[LogSource, ...]
    access_log: LogSource | None = None

    def select(self, function: str = "", route: str = "", api: bool = False) -> tuple[LogSource, ...]:
        """Every function's log, or the one `function` (its name, logical id or handler) or `route`
        names; with `api`, the access log too."""
        chosen = self.functions
        if function:
            chosen = tuple(s for s in self.functions if function in (s.function, s.logical_id, s.handler))
            if not chosen:
                raise UsageError(f"No function {function!r} in stack {self.stack_name}; it has: {self._names()}.")
        elif route:
            chosen = tuple(s for s in self.functions if route in s.routes)
            if not chosen:
                routes = ", ".join(r for s in self.functions for r in s.routes) or "none"
                raise UsageError(f"No route {route!r} in stack {self.stack_name}; its routes: {routes}.")
        if api:
            if self.access_log is None:
                raise LogsError(
                    f"Access logging is off for the API stage of stack {self.stack_name}: there is no access log to "
                    "show. Turn access logging on for the stage in wstui.toml and deploy, then try --api again."
                )
            chosen = (*chosen, self.access_log)
        return chosen

    def _names(self) -> str:
        return ", ".join(f"{s.function} ({s.label})" for s in self.functions) or "none"


def stack_logs(clients: AwsClients, stack_name: str, project: Project, with_access_log: bool = False) -> StackLogs:
    """The stack's function log groups, labelled from `project`; the access log's only when asked, as
    finding it reads the whole template."""
    state = stack_state(clients, stack_name)
    if not state.exists:
        raise LogsError(
            f"No stack {stack_name} in {clients.region}: nothing deployed, so no logs. Deploy with `wstui deploy` "
            "(or name the stack with --stack-name, the region with --region)."
        )
    rows = list(_resources(clients, stack_name))
    functions = _functions(rows, project)
    access_log = _access_log(clients, stack_name, rows) if with_access_log else None
    return StackLogs(stack_name, functions, access_log)


def _resources(clients: AwsClients, stack_name: str) -> Iterator[dict[str, Any]]:
    with explained(f"listing the resources of stack {stack_name}"):
        for page in clients.cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name):
            yield from page.get("StackResourceSummaries", [])


def _functions(rows: list[dict[str, Any]], project: Project) -> tuple[LogSource, ...]:
    """In the project's route order, then the functions it no longer names."""
    routes: dict[str, list[str]] = {}
    handlers: dict[str, str] = {}
    for route in project.routes:
        logical = FunctionIds.of(route.handler).function
        routes.setdefault(logical, []).append(route.key)
        handlers[logical] = route.handler
        if route.authorizer is not None:
            handlers.setdefault(FunctionIds.of(route.authorizer.handler).function, route.authorizer.handler)
    order = list(handlers)
    deployed = [row for row in rows if row.get("ResourceType") == LAMBDA_FUNCTION and row.get("PhysicalResourceId")]
    deployed.sort(key=lambda row: (order.index(row["LogicalResourceId"]) if row.get("LogicalResourceId") in order else len(order),
                                   row.get("LogicalResourceId", "")))
    sources = []
    for row in deployed:
        logical = row.get("LogicalResourceId", "")
        keys = tuple(routes.get(logical, ()))
        label = ", ".join(keys) or (AUTHORIZER_LABEL if logical in handlers else logical.removesuffix("Function"))
        name = row["PhysicalResourceId"]
        sources.append(LogSource(label, f"/aws/lambda/{name}", name, logical, handlers.get(logical, ""), keys))
    return tuple(sources)


def _access_log(clients: AwsClients, stack_name: str, rows: list[dict[str, Any]]) -> LogSource | None:
    groups = {row["LogicalResourceId"]: row["PhysicalResourceId"] for row in rows
              if row.get("ResourceType") == LOG_GROUP and row.get("LogicalResourceId") and row.get("PhysicalResourceId")}
    with explained(f"reading the template of stack {stack_name}"):
        body = clients.cloudformation.get_template(StackName=stack_name).get("TemplateBody", {})
    template = _parsed(body)
    for resource in template.get("Resources", {}).values():
        if isinstance(resource, dict) and resource.get("Type") == API_STAGE:
            settings = (resource.get("Properties") or {}).get("AccessLogSettings") or {}
            name = _group_name(settings.get("DestinationArn"), groups)
            if name:
                return LogSource(API_LABEL, name)
    return None


def _parsed(body: Any) -> dict[str, Any]:
    """botocore hands a JSON template over parsed; wstui deploys JSON, so text that is not JSON has no stage of ours."""
    if isinstance(body, dict):
        return body
    try:
        parsed = json.loads(body)
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _group_name(destination: Any, groups: dict[str, str]) -> str:
    """The log group a DestinationArn names: `Fn::GetAtt` or `Fn::Sub` on a log group of the stack, or an ARN."""
    if isinstance(destination, str):
        match = _ARN_GROUP.match(destination)
        return match["name"] if match else ""
    if not isinstance(destination, dict):
        return ""
    attribute = destination.get("Fn::GetAtt")
    if isinstance(attribute, str):
        attribute = attribute.split(".")
    if isinstance(attribute, list) and attribute:
        return groups.get(str(attribute[0]), "")
    text = destination.get("Fn::Sub")
    if isinstance(text, list) and text:
        text = text[0]
    if isinstance(text, str):
        return next((groups[m["id"]] for m in _SUB_NAME.finditer(text) if m["id"] in groups), "")
    return ""
