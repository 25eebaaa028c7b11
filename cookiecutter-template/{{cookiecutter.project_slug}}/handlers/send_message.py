"""sendmessage: broadcast the JSON text of "data" to every connection, the sender included.

Posts go out concurrently, so a large room does not run into the function's timeout, and a connection
that answers 410 Gone (it closed without $disconnect) is deleted before the function returns, unless
its row is only seconds old: a client still in $connect answers Gone too.
"""

import functools
import json
import logging
from concurrent.futures import ThreadPoolExecutor

import boto3

from handlers import connections

MAX_CONCURRENT_POSTS = 32
logger = logging.getLogger(__name__)
# Like the clients, the pool stays alive while the function is warm: no threads started per message.
posting = ThreadPoolExecutor(max_workers=MAX_CONCURRENT_POSTS)


@functools.cache
def management_client(endpoint_url):
    return boto3.client("apigatewaymanagementapi", endpoint_url=endpoint_url)


def endpoint_of(event):
    """The @connections endpoint of the API and stage this event came through."""
    context = event["requestContext"]
    return f"https://{context['domainName']}/{context['stage']}"


def parse_data(body):
    """The JSON text to broadcast, or ValueError with a message for the sender."""
    try:
        message = json.loads(body or "")
    except ValueError:
        raise ValueError("The message is not JSON.") from None
    if not isinstance(message, dict) or "data" not in message:
        raise ValueError('The message has no "data" to send.')
    return json.dumps(message["data"], ensure_ascii=False, separators=(",", ":"))


def post(client, connection_id, data):
    """True when delivered, False when the connection is gone; other errors are logged."""
    try:
        client.post_to_connection(ConnectionId=connection_id, Data=data)
        return True
    except client.exceptions.GoneException:
        return False
    except Exception:
        logger.exception("Could not post to %s", connection_id)
        return True


def handle(event, context):
    client = management_client(endpoint_of(event))
    sender = event["requestContext"]["connectionId"]
    try:
        data = parse_data(event.get("body")).encode()
    except ValueError as error:
        example = {"{{ cookiecutter.route_field }}": "sendmessage", "data": "hello world !"}
        reply = {"error": str(error), "example": example}
        post(client, sender, json.dumps(reply).encode())
        return {"statusCode": 400, "body": str(error)}

    ids = list(connections.all_ids())
    delivered = list(posting.map(lambda connection_id: post(client, connection_id, data), ids))
    gone = [connection_id for connection_id, ok in zip(ids, delivered) if not ok]
    for connection_id in gone:
        connections.remove_if_stale(connection_id)
    return {"statusCode": 200, "body": json.dumps({"sent": len(ids) - len(gone), "gone": len(gone)})}
