"""$connect: remember the connection so broadcasts can reach it; the TTL ages out rows never deleted."""

import os
import time

import boto3

TTL_SECONDS = 2 * 60 * 60
table = boto3.resource("dynamodb").Table(os.environ["CONNECTION_TABLE"])


def handle(event, context):
    table.put_item(
        Item={"connectionId": event["requestContext"]["connectionId"], "ttl": int(time.time()) + TTL_SECONDS}
    )
    return {"statusCode": 200}
