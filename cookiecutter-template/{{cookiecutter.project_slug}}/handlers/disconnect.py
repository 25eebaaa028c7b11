"""$disconnect: forget the connection. API Gateway ignores the result, and may skip the call: the TTL cleans up."""

from handlers import connections


def handle(event, context):
    connections.remove(event["requestContext"]["connectionId"])
    return {"statusCode": 200}
