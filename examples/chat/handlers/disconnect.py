"""$disconnect: forget the connection."""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["CONNECTION_TABLE"])


def handle(event, context):
    table.delete_item(Key={"connectionId": event["requestContext"]["connectionId"]})
    return {"statusCode": 200}
