"""What a stage adds to the template: the API stage with its throttling and access log, and log groups
that keep the functions' logs for the stage's `log_retention`.

Every resource here exists only when the stage asks for it, so a project that sets none of these keys
builds the template it built before stages existed.

A function's log group is one the stack makes (CloudFormation names it) and points the function at
(`LoggingConfig`), not Lambda's own `/aws/lambda/NAME`: Lambda makes that one on the first invocation,
so a stack that tried to create it for a function already invoked would fail with "already exists".
Removing the stage, or its `log_retention`, deletes the group with the logs in it.
"""

from __future__ import annotations

import json
from typing import Any

from troposphere import GetAtt, Ref, Sub, apigatewayv2, awslambda, logs

from wstui.core.project.model import ResolvedStage
from wstui.core.template.ids import ACCESS_LOGS, STAGE
from wstui.core.template.service import FunctionResources, ServiceTemplate

LAMBDA_LOGS_ARN = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/*"
# One JSON object per connect, message and disconnect: what `wstui logs --api` reads.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "connectionId": "$context.connectionId",
    "eventType": "$context.eventType",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "messageId": "$context.messageId",
    "error": "$context.error.message",
    "integrationError": "$context.integration.error",
    "integrationLatency": "$context.integration.latency",
}


def log_group(retention: int | None, title: str) -> logs.LogGroup:
    props: dict[str, Any] = {}
    if retention is not None:
        props["RetentionInDays"] = retention
    return logs.LogGroup(title, **props)


def function_logs(service: ServiceTemplate, resources: FunctionResources, title: str) -> None:
    """Where the function writes its logs: Lambda's own group (kept for ever), or, with a
    `log_retention`, a group of the stack's that keeps them that long."""
    retention = service.project.active_stage.log_retention
    if retention is None:
        resources.add_policy("logs", _lambda_logs_statements())
        return
    group = service.template.add_resource(log_group(retention, title))
    resources.function.LoggingConfig = awslambda.LoggingConfig(LogGroup=Ref(group))
    resources.add_policy(
        "logs",
        [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": GetAtt(group, "Arn")}],
    )


def _lambda_logs_statements() -> list[dict[str, Any]]:
    return [
        {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": Sub(LAMBDA_LOGS_ARN)},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": Sub(LAMBDA_LOGS_ARN + ":*")},
    ]


def api_stage(service: ServiceTemplate, deployment: apigatewayv2.Deployment) -> apigatewayv2.Stage:
    """The API Gateway stage: its name ends the wss:// URL; throttling and the access log as the stage says."""
    stage: ResolvedStage = service.project.active_stage
    props: dict[str, Any] = {"ApiId": Ref(service.api), "StageName": stage.name, "DeploymentId": Ref(deployment)}
    if stage.description:
        props["Description"] = stage.description
    if service.project.api.tags:
        props["Tags"] = dict(service.project.api.tags)
    throttling: dict[str, Any] = {}
    if stage.throttling_burst is not None:
        throttling["ThrottlingBurstLimit"] = stage.throttling_burst
    if stage.throttling_rate is not None:
        throttling["ThrottlingRateLimit"] = float(stage.throttling_rate)
    if throttling:
        props["DefaultRouteSettings"] = apigatewayv2.RouteSettings(**throttling)
    if stage.access_logging:
        group = service.template.add_resource(log_group(stage.log_retention, ACCESS_LOGS))
        props["AccessLogSettings"] = apigatewayv2.AccessLogSettings(
            DestinationArn=GetAtt(group, "Arn"), Format=json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))
        )
    return apigatewayv2.Stage(STAGE, **props)
