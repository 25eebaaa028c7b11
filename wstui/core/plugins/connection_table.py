"""The connection table, as a built-in plugin (the seed's "connection table decorator").

It provisions the DynamoDB table of open connections, grants each function only what its routes
need on it ($connect: PutItem; $disconnect: DeleteItem; a function that posts: Scan to find the
connections and DeleteItem to drop the gone ones), publishes the table's name in every function's
environment and adds the name to the outputs. It decorates first, so other plugins see the table.
"""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, Output, Ref, dynamodb

from wstui.core.plugins.hookspecs import hookimpl
from wstui.core.template.ids import CONNECTION_TABLE
from wstui.core.template.service import FunctionResources, ServiceTemplate

TABLE_OUTPUT = "ConnectionTableName"


@hookimpl(tryfirst=True)
def wstui_decorate_template(service: ServiceTemplate) -> None:
    settings = service.project.connection_table
    if settings is None:
        return
    props: dict[str, Any] = {
        "AttributeDefinitions": [dynamodb.AttributeDefinition(AttributeName=settings.hash_key, AttributeType="S")],
        "KeySchema": [dynamodb.KeySchema(AttributeName=settings.hash_key, KeyType="HASH")],
        "SSESpecification": dynamodb.SSESpecification(SSEEnabled=True),
    }
    if settings.billing == "provisioned":
        props["BillingMode"] = "PROVISIONED"
        props["ProvisionedThroughput"] = dynamodb.ProvisionedThroughput(
            ReadCapacityUnits=settings.read_capacity, WriteCapacityUnits=settings.write_capacity
        )
    else:
        props["BillingMode"] = "PAY_PER_REQUEST"
    if settings.ttl_attribute:
        props["TimeToLiveSpecification"] = dynamodb.TimeToLiveSpecification(
            AttributeName=settings.ttl_attribute, Enabled=True
        )
    table = service.template.add_resource(dynamodb.Table(CONNECTION_TABLE, **props))
    for resources in service.functions.values():
        resources.set_environment(settings.env_var, Ref(table))
        actions = table_actions(resources)
        if actions:
            resources.add_policy(
                "connection-table",
                [{"Effect": "Allow", "Action": actions, "Resource": GetAtt(table, "Arn")}],
            )
    service.template.add_output(
        Output(TABLE_OUTPUT, Description="DynamoDB table of open connections", Value=Ref(table))
    )


def table_actions(resources: FunctionResources) -> list[str]:
    """The DynamoDB actions a function needs on the connection table, from the routes it serves."""
    actions: set[str] = set()
    if resources.serves_connect:
        actions.add("dynamodb:PutItem")
    if resources.serves_disconnect:
        actions.add("dynamodb:DeleteItem")
    if resources.posts:
        actions.update(("dynamodb:Scan", "dynamodb:DeleteItem"))
    return sorted(actions)
