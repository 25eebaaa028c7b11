"""Project -> CloudFormation template: the one function both `wstui deploy` and `wstui dev` start from.

The build is deterministic (same project, byte-identical template): resources come from the project
in file order, logical ids from user-given names, and the Deployment's id from the content of what it
deploys, so an unchanged project is an empty change set and a changed route always redeploys.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pluggy
from troposphere import MAX_RESOURCES, GetAtt, Output, Parameter, Ref, Sub, Template, apigatewayv2, awslambda, iam

from wstui.core.errors import PluginFailure, UsageError
from wstui.core.plugins.hookspecs import CLOUD, Target
from wstui.core.project.handlers import HandlerRef, parse_handler
from wstui.core.project.model import CONNECT, AuthorizerSettings, EnvironmentValue, Project, RouteSettings, Secret
from wstui.core.project.validate import require_valid
from wstui.core.template.ids import (
    API,
    AUTHORIZER,
    AUTHORIZER_PERMISSION,
    CODE_BUCKET,
    CODE_KEY,
    URL_OUTPUT,
    FunctionIds,
    RouteIds,
    secret_parameter,
)
from wstui.core.template.service import FunctionResources, ServiceTemplate
from wstui.core.template.stage import api_stage, function_logs

MANAGEMENT_OUTPUT = "ManagementEndpoint"
INVOKE_URI = (
    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s.Arn}/invocations"
)
EXECUTE_API_ARN = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${%s}" % API
DEPLOYED_TYPES = (apigatewayv2.Api, apigatewayv2.Route, apigatewayv2.Integration, apigatewayv2.RouteResponse, apigatewayv2.Authorizer)


@dataclass(frozen=True)
class Synthesized:
    """A built template and the project it was built from, ready to render or deploy."""

    project: Project
    template: Template

    def to_dict(self) -> dict[str, Any]:
        return self.template.to_dict()

    def render(self, fmt: str = "json") -> str:
        if fmt == "yaml":
            return self.template.to_yaml()
        if fmt == "json":
            return self.template.to_json(indent=2) + "\n"
        raise ValueError(f"Unknown template format {fmt!r}: json or yaml.")


def build_template(project: Project, plugins: pluggy.PluginManager, target: Target = CLOUD) -> Synthesized:
    """The CloudFormation template of `project`, decorated and then checked by `plugins`, which are
    told the `target` it is built for.

    Plugins configure a copy, validated again: building twice from one project gives the same
    template. Without such a plugin the project is used as loaded (and validated) already.
    """
    if plugins.hook.wstui_configure_project.get_hookimpls():
        project = copy.deepcopy(project)
        plugins.hook.wstui_configure_project(project=project, target=target)
        require_valid(project, headline="A plugin's wstui_configure_project left the project invalid:")
    template = UncappedTemplate(Description=f"{project.project.name}: WebSocket API on API Gateway, built by wstui")
    template.set_version("2010-09-09")
    bucket = template.add_parameter(Parameter(CODE_BUCKET, Type="String", Description="S3 bucket of the code archive"))
    key = template.add_parameter(Parameter(CODE_KEY, Type="String", Description="S3 key of the code archive"))
    api = template.add_resource(_api(project))
    service = ServiceTemplate(project, template, api)
    code = awslambda.Code(S3Bucket=Ref(bucket), S3Key=Ref(key))
    for route in project.routes:
        resources = _function(service, route.handler, code, route, route.environment)
        resources.routes.append(route)
    authorizer = _connect_authorizer(project)
    if authorizer is not None:
        _authorizer(service, authorizer, code)
    for route in project.routes:
        _route(service, route, authorizer is not None)
    for resources in service.functions.values():
        _grant_post(service, resources)
    try:
        plugins.hook.wstui_decorate_template(service=service, target=target)
        _deployment_and_stage(service)
        _outputs(service)
    except PluginFailure as failure:
        if not _is_duplicate_id(failure.cause):
            raise
        raise UsageError(f"The {failure.plugin} added a resource whose logical id wstui also uses: {failure.cause}.") from None
    except ValueError as error:
        if not _is_duplicate_id(error):
            raise
        raise UsageError(f"A plugin added a resource whose logical id wstui also uses: {error}.") from None
    _check_resource_count(template)
    _check(project, template, plugins, target)
    return Synthesized(project, template)


def _is_duplicate_id(error: BaseException | None) -> bool:
    """troposphere's answer to a second resource (or output) under one logical id."""
    return isinstance(error, ValueError) and "duplicate key" in str(error)


class UncappedTemplate(Template):
    """A template that counts past CloudFormation's limit instead of raising troposphere's bare
    ValueError at the 501st resource, so that wstui can say how far over the project is."""

    def add_resource(self, resource: Any) -> Any:
        return self._update(self.resources, resource)


def _check_resource_count(template: Template) -> None:
    count = len(template.resources)
    if count > MAX_RESOURCES:
        raise UsageError(
            f"The stack would have {count} resources; CloudFormation allows {MAX_RESOURCES}. Each route adds 3 "
            "(4 when two-way) and each handler of its own 2 more: remove routes or let routes share a handler."
        )


def _api(project: Project) -> apigatewayv2.Api:
    props: dict[str, Any] = {
        "Name": project.api_name,
        "ProtocolType": "WEBSOCKET",
        "RouteSelectionExpression": project.api.route_selection_expression,
    }
    if project.api.description:
        props["Description"] = project.api.description
    if project.api.tags:
        props["Tags"] = dict(project.api.tags)
    return apigatewayv2.Api(API, **props)


def _handler(text: str) -> HandlerRef:
    ref = parse_handler(text)
    if ref is None:
        raise UsageError(f'Handler "{text}" must look like module:function.')
    return ref


def _function(
    service: ServiceTemplate,
    handler: str,
    code: awslambda.Code,
    route: RouteSettings | None,
    environment: dict[str, EnvironmentValue],
) -> FunctionResources:
    """The function serving `handler`, made on first use; routes that share a handler share it."""
    if handler in service.functions:
        return service.functions[handler]
    settings, stage = service.project.functions, service.project.active_stage
    ids = FunctionIds.of(handler)
    role = service.template.add_resource(
        iam.Role(
            ids.role,
            AssumeRolePolicyDocument={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            Policies=[],
        )
    )
    function = service.template.add_resource(
        awslambda.Function(
            ids.function,
            Handler=_handler(handler).lambda_handler,
            Runtime=settings.runtime,
            Architectures=[settings.architecture],
            MemorySize=route.memory if route and route.memory else stage.memory,
            Timeout=route.timeout if route and route.timeout else stage.timeout,
            Role=GetAtt(role, "Arn"),
            Code=code,
        )
    )
    resources = FunctionResources(_handler(handler), function, role)
    function_logs(service, resources, ids.logs)
    merged = {**stage.environment, **environment}
    for name in sorted(merged):
        resources.set_environment(name, _environment_value(service.template, merged[name]))
    service.functions[handler] = resources
    return resources


def _environment_value(template: Template, value: EnvironmentValue) -> str | Ref:
    """A literal as it is; a secret as a Ref to its NoEcho parameter, declared on first use, so the
    template holds no value and CloudFormation shows none (deploy and dev give it)."""
    if not isinstance(value, Secret):
        return value
    name = secret_parameter(value.secret)
    if name not in template.parameters:
        template.add_parameter(
            Parameter(
                name,
                Type="String",
                NoEcho=True,
                MinLength=1,
                Description=f"The secret {value.secret} of wstui.toml: wstui deploy passes its value",
            )
        )
    return Ref(name)


def _invoke_uri(resources: FunctionResources) -> Sub:
    return Sub(INVOKE_URI % resources.function.title)


def _sub_literal(text: str) -> str:
    """Text placed inside Fn::Sub verbatim: `${` would start a variable, `${!` is its escape."""
    return text.replace("${", "${!")


def _permission(service: ServiceTemplate, title: str, resources: FunctionResources, source: str) -> None:
    service.template.add_resource(
        awslambda.Permission(
            title,
            Action="lambda:InvokeFunction",
            FunctionName=Ref(resources.function),
            Principal="apigateway.amazonaws.com",
            SourceArn=Sub(f"{EXECUTE_API_ARN}/{source}"),
        )
    )


def _connect_authorizer(project: Project) -> AuthorizerSettings | None:
    connect = project.route(CONNECT)
    return connect.authorizer if connect else None


def _authorizer(service: ServiceTemplate, settings: AuthorizerSettings, code: awslambda.Code) -> None:
    resources = _function(service, settings.handler, code, None, settings.environment)
    authorizer = service.template.add_resource(
        apigatewayv2.Authorizer(
            AUTHORIZER,
            ApiId=Ref(service.api),
            AuthorizerType="REQUEST",
            AuthorizerUri=_invoke_uri(resources),
            IdentitySource=list(settings.identity_source),
            Name=settings.name,
        )
    )
    _permission(service, AUTHORIZER_PERMISSION, resources, "authorizers/${%s}" % authorizer.title)


def _route(service: ServiceTemplate, route: RouteSettings, has_authorizer: bool) -> None:
    ids = RouteIds.of(route.key)
    resources = service.functions[route.handler]
    integration = service.template.add_resource(
        apigatewayv2.Integration(
            ids.integration,
            ApiId=Ref(service.api),
            IntegrationType="AWS_PROXY",
            IntegrationUri=_invoke_uri(resources),
        )
    )
    props: dict[str, Any] = {
        "ApiId": Ref(service.api),
        "RouteKey": route.key,
        "Target": Sub("integrations/${%s}" % integration.title),
        "AuthorizationType": "NONE",
    }
    if route.operation_name:
        props["OperationName"] = route.operation_name
    if route.key == CONNECT and has_authorizer:
        props["AuthorizationType"] = "CUSTOM"
        props["AuthorizerId"] = Ref(AUTHORIZER)
    if route.two_way:
        props["RouteResponseSelectionExpression"] = "$default"
    created = service.template.add_resource(apigatewayv2.Route(ids.route, **props))
    if route.two_way:
        service.template.add_resource(
            apigatewayv2.RouteResponse(
                ids.response, ApiId=Ref(service.api), RouteId=Ref(created), RouteResponseKey="$default"
            )
        )
    stage = service.project.stage_name
    _permission(service, ids.permission, resources, f"{stage}/{_sub_literal(route.key)}")


def _grant_post(service: ServiceTemplate, resources: FunctionResources) -> None:
    """ManageConnections on this API and stage only, for functions that post to connections."""
    if not resources.posts:
        return
    stage = service.project.stage_name
    resources.add_policy(
        "manage-connections",
        [
            {
                "Effect": "Allow",
                "Action": "execute-api:ManageConnections",
                "Resource": Sub(f"{EXECUTE_API_ARN}/{stage}/POST/@connections/*"),
            }
        ],
    )


def _deployment_and_stage(service: ServiceTemplate) -> None:
    """One Deployment whose id is a digest of everything it deploys: the API's settings, routes,
    integrations, route responses and authorizer, in id order (moving a route in the file changes
    nothing). Unchanged content keeps the id (no change); any change makes a new one, which
    CloudFormation creates before it retires the old."""
    resources = sorted(service.template.resources.values(), key=lambda r: r.title)
    deployed = [r for r in resources if isinstance(r, DEPLOYED_TYPES)]
    content = json.dumps([r.to_dict() for r in deployed], sort_keys=True).encode()
    digest = hashlib.sha256(content).hexdigest()[:12]
    depends = [r.title for r in deployed if isinstance(r, (apigatewayv2.Route, apigatewayv2.RouteResponse))]
    deployment = service.template.add_resource(
        apigatewayv2.Deployment(
            f"Deployment{digest}",
            ApiId=Ref(service.api),
            Description=f"routes {digest}",
            DependsOn=depends,
        )
    )
    service.template.add_resource(api_stage(service, deployment))


def _outputs(service: ServiceTemplate) -> None:
    host = "${%s}.execute-api.${AWS::Region}.${AWS::URLSuffix}/%s" % (API, service.project.stage_name)
    service.template.add_output(
        [
            Output(URL_OUTPUT, Description="WebSocket URL clients connect to", Value=Sub(f"wss://{host}")),
            Output(
                MANAGEMENT_OUTPUT,
                Description="Endpoint of the @connections management API",
                Value=Sub(f"https://{host}"),
            ),
            Output("ApiId", Description="Id of the WebSocket API", Value=Ref(service.api)),
        ]
    )


def _check(project: Project, template: Template, plugins: pluggy.PluginManager, target: Target) -> None:
    data = template.to_dict()
    problems: list[str] = []
    for found in plugins.hook.wstui_validate_template(project=project, template=data, target=target):
        problems.extend([found] if isinstance(found, str) else found or [])
    if problems:
        raise UsageError("The template did not pass the plugins' checks:\n" + "\n".join(f"- {p}" for p in problems))
