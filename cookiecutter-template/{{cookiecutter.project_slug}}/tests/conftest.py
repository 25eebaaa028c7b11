"""Fixtures: DynamoDB from moto, and a management API client that records what the handlers post.

The management client is a real boto3 client: requests are serialized and responses parsed by
botocore as in the cloud; a `before-send` hook answers them in-process, with 410 GoneException for
the connections a test marks as gone.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import unquote

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from handlers import connections, send_message

DOMAIN = "abc123.execute-api.{{ cookiecutter.aws_region }}.amazonaws.com"
STAGE = "{{ cookiecutter.stage }}"
TABLE = "connections-test"


@pytest.fixture
def table(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "{{ cookiecutter.aws_region }}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv(connections.TABLE_ENV, TABLE)
    connections.table.cache_clear()
    with mock_aws():
        yield boto3.resource("dynamodb").create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": connections.KEY, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": connections.KEY, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    connections.table.cache_clear()


@dataclass
class Gateway:
    """What the handlers posted, per connection, and which connections answer 410 Gone."""

    posts: dict = field(default_factory=dict)
    gone: set = field(default_factory=set)
    endpoints: list = field(default_factory=list)

    def answer(self, request, **_):
        self.endpoints.append(request.url.split("/@connections/")[0])
        connection_id = unquote(request.url.rsplit("/", 1)[1])
        if connection_id in self.gone:
            body = json.dumps({"message": None}).encode()
            return AWSResponse(request.url, 410, {"x-amzn-ErrorType": "GoneException"}, _Raw(body))
        self.posts.setdefault(connection_id, []).append(bytes(request.body))
        return AWSResponse(request.url, 200, {}, _Raw(b""))


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


@pytest.fixture
def gateway(table):
    recorder = Gateway()
    send_message.management_client.cache_clear()
    original = send_message.management_client

    def recording_client(endpoint_url):
        client = original(endpoint_url)
        client.meta.events.register_first("before-send.apigatewaymanagementapi", recorder.answer)
        return client

    send_message.management_client = recording_client
    yield recorder
    send_message.management_client = original
    send_message.management_client.cache_clear()


def event(route_key, connection_id, body=None, **extra):
    """An API Gateway WebSocket proxy event, shaped like the cloud's."""
    request_context = {
        "routeKey": route_key,
        "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE"),
        "connectionId": connection_id,
        "domainName": DOMAIN,
        "stage": STAGE,
        "apiId": "abc123",
        "requestId": "req-" + connection_id,
        "messageDirection": "IN",
    }
    result = {"requestContext": request_context, "isBase64Encoded": False, **extra}
    if body is not None:
        result["body"] = body
    return result
