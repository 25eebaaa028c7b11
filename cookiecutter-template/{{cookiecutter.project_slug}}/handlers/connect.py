"""$connect: remember the connection so that broadcasts reach it."""

from handlers import connections


def handle(event, context):
    connections.add(event["requestContext"]["connectionId"])
    return {"statusCode": 200}
