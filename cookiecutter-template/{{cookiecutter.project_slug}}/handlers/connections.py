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


@functools.cache
def table():
    """Created on first use and kept while the function stays warm."""
    return boto3.resource("dynamodb").Table(os.environ[TABLE_ENV])


def add(connection_id, now=None):
    expires = int(now if now is not None else time.time()) + TTL_SECONDS
    table().put_item(Item={KEY: connection_id, TTL_ATTRIBUTE: expires})


def remove(connection_id):
    table().delete_item(Key={KEY: connection_id})


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
