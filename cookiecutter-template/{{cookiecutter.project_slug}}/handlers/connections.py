"""The connection table: one place knows its name, key and how long a row lives."""

import functools
import os
import time

import boto3

TABLE_ENV = "CONNECTION_TABLE"
KEY = "connectionId"
TTL_ATTRIBUTE = "ttl"
# API Gateway closes every connection after two hours; a row whose $disconnect never ran ages out then.
TTL_SECONDS = 2 * 60 * 60
# Items per scan page; every page is read, so this only bounds the memory of one page.
PAGE_SIZE = 1000
# A client still in $connect also answers Gone, but its row is already written: rows younger than
# this are kept when a post finds their connection gone.
CONNECT_GRACE_SECONDS = 30


@functools.cache
def table():
    """Created on first use and kept while the function stays warm."""
    return boto3.resource("dynamodb").Table(os.environ[TABLE_ENV])


def add(connection_id, now=None):
    expires = int(now if now is not None else time.time()) + TTL_SECONDS
    table().put_item(Item={KEY: connection_id, TTL_ATTRIBUTE: expires})


def remove(connection_id):
    table().delete_item(Key={KEY: connection_id})


def remove_if_stale(connection_id, now=None):
    """Delete a connection that answered Gone, unless it was added moments ago (still connecting)."""
    cutoff = int(now if now is not None else time.time()) + TTL_SECONDS - CONNECT_GRACE_SECONDS
    try:
        table().delete_item(
            Key={KEY: connection_id},
            ConditionExpression="attribute_not_exists(#ttl) OR #ttl < :cutoff",
            ExpressionAttributeNames={"#ttl": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":cutoff": cutoff},
        )
    except table().meta.client.exceptions.ConditionalCheckFailedException:
        pass


def all_ids():
    """Every connection id, page after page."""
    request = {"ProjectionExpression": "#key", "ExpressionAttributeNames": {"#key": KEY}, "Limit": PAGE_SIZE}
    while True:
        page = table().scan(**request)
        for item in page["Items"]:
            yield item[KEY]
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
