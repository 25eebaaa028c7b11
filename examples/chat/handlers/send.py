"""sendmessage: broadcast the raw JSON text of "data" to every connection, the sender included."""

import json
import os
from concurrent.futures import ThreadPoolExecutor

import boto3

table = boto3.resource("dynamodb").Table(os.environ["CONNECTION_TABLE"])


def _connection_ids():
    kwargs = {"ProjectionExpression": "connectionId"}
    while True:
        page = table.scan(**kwargs)
        yield from (item["connectionId"] for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def handle(event, context):
    context_ = event["requestContext"]
    endpoint = f"https://{context_['domainName']}/{context_['stage']}"
    client = boto3.client("apigatewaymanagementapi", endpoint_url=endpoint)
    try:
        body = json.loads(event.get("body") or "")
        data = json.dumps(body["data"]).encode()
    except (ValueError, TypeError, KeyError):
        error = {"error": 'Send {"message": "sendmessage", "data": ...} as JSON.'}
        client.post_to_connection(ConnectionId=context_["connectionId"], Data=json.dumps(error).encode())
        return {"statusCode": 400}

    def post(connection_id):
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=data)
        except client.exceptions.GoneException:
            table.delete_item(Key={"connectionId": connection_id})

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(post, _connection_ids()))
    return {"statusCode": 200}
