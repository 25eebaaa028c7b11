"""The local DynamoDB's process (moto behind aiohttp), reached with boto3 as handlers reach it, and
the transport that carries handlers' DynamoDB calls to it.

Handlers get AWS_ENDPOINT_URL pointing there too, so other services moto serves must come through
whole: S3 keys with spaces and non-ASCII letters, query strings, bodies past aiohttp's 1 MB default.
"""

from __future__ import annotations

import http.client
import socket
import urllib.parse
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from wstui.core.local.dynamodb import LOCAL_CREDENTIALS, LocalDynamoDB
from wstui.core.local.dynamodb_transport import LocalDynamoDBTransport
from wstui.core.local.spec import TableSpec


@pytest.fixture(scope="module")
def server() -> Iterator[LocalDynamoDB]:
    dynamodb = LocalDynamoDB()
    dynamodb.start()
    dynamodb.create_tables([
        TableSpec("ConnectionTable", "Connections", [{"AttributeName": "connectionId", "KeyType": "HASH"}],
                  [{"AttributeName": "connectionId", "AttributeType": "S"}], "ttl"),
    ])
    yield dynamodb
    dynamodb.stop()


@pytest.fixture
def transport(server: LocalDynamoDB) -> Iterator[LocalDynamoDBTransport]:
    installed = LocalDynamoDBTransport(server.url)
    installed.install()
    yield installed
    installed.uninstall()


def client(server: LocalDynamoDB, service: str, url: str = "") -> Any:
    return boto3.session.Session().client(
        service, endpoint_url=url or server.url, region_name="us-east-1",
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}),
    )


def test_it_listens_on_loopback_and_keeps_the_connection_open(server: LocalDynamoDB) -> None:
    address = urllib.parse.urlsplit(server.url)
    assert address.hostname == "127.0.0.1"
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    body = '{"TableName": "Connections"}'
    headers = {
        "X-Amz-Target": "DynamoDB_20120810.DescribeTable", "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0",
    }
    for _ in range(2):
        connection.request("POST", "/", body, headers)
        response = connection.getresponse()
        assert response.status == 200 and b'"TableName": "Connections"' in response.read().replace(b'":"', b'": "')
        assert response.getheader("Connection", "").lower() != "close"
    assert connection.sock is not None, "the same connection served both requests"
    connection.close()


def test_the_template_table_answers_dynamodb_calls(server: LocalDynamoDB) -> None:
    dynamodb = client(server, "dynamodb")
    dynamodb.put_item(TableName="Connections", Item={"connectionId": {"S": "abc="}})
    assert dynamodb.get_item(TableName="Connections", Key={"connectionId": {"S": "abc="}})["Item"] == {
        "connectionId": {"S": "abc="}
    }
    assert dynamodb.describe_time_to_live(TableName="Connections")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "ttl",
    }
    with pytest.raises(dynamodb.exceptions.ResourceNotFoundException):
        dynamodb.scan(TableName="Missing")


def test_other_services_come_through_whole(server: LocalDynamoDB) -> None:
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="uploads")
    key = "chat logs/été 2026.txt"
    large = b"x" * (3 * 1024 * 1024)
    s3.put_object(Bucket="uploads", Key=key, Body=large, Metadata={"room_name": "general", "room-id": "7"})
    s3.put_object(Bucket="uploads", Key="other/a.txt", Body=b"a")
    stored = s3.get_object(Bucket="uploads", Key=key)
    assert stored["Body"].read() == large
    assert stored["Metadata"] == {"room_name": "general", "room-id": "7"}
    listed = s3.list_objects_v2(Bucket="uploads", Prefix="chat logs/")
    assert [item["Key"] for item in listed["Contents"]] == [key]


def test_the_transport_carries_calls_and_typed_errors_over_one_connection(server, transport) -> None:
    dynamodb = client(server, "dynamodb")
    dynamodb.put_item(TableName="Connections", Item={"connectionId": {"S": "via-transport="}})
    assert dynamodb.get_item(TableName="Connections", Key={"connectionId": {"S": "via-transport="}})["Item"]
    with pytest.raises(dynamodb.exceptions.ResourceNotFoundException):
        dynamodb.get_item(TableName="Missing", Key={"connectionId": {"S": "x"}})
    assert len(transport._opened) == 1, "one kept-alive connection for this thread"


def test_a_connection_the_server_dropped_is_replaced_once(server, transport) -> None:
    dynamodb = client(server, "dynamodb")
    dynamodb.put_item(TableName="Connections", Item={"connectionId": {"S": "before="}})
    dropped = transport._opened[0]
    dropped.sock.shutdown(socket.SHUT_RDWR)  # as a server closing an idle kept-alive connection
    dynamodb.put_item(TableName="Connections", Item={"connectionId": {"S": "after="}})
    assert transport._opened and transport._opened[0] is not dropped
    assert dynamodb.get_item(TableName="Connections", Key={"connectionId": {"S": "after="}})["Item"]


def test_a_stopped_local_dynamodb_is_an_endpoint_error_botocore_retries(transport, server) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    gone = LocalDynamoDBTransport(f"http://127.0.0.1:{port}")
    gone.install()
    try:
        dynamodb = client(server, "dynamodb", f"http://127.0.0.1:{port}")
        with pytest.raises(EndpointConnectionError):
            dynamodb.list_tables()
    finally:
        gone.uninstall()


def test_requests_for_other_addresses_are_left_to_botocore(server, transport) -> None:
    other = LocalDynamoDB()
    other.start()
    try:
        dynamodb = client(server, "dynamodb", other.url)
        assert dynamodb.list_tables()["TableNames"] == []
        assert transport._opened == [], "the transport did not carry it"
    finally:
        other.stop()


def test_a_service_whose_moto_extra_is_missing_answers_with_the_install_command(tmp_path, monkeypatch) -> None:
    # wstui installs moto[dynamodb] without moto's server extra; joserfc (Cognito's) stands for any
    # package of that extra: this folder makes the child process fail to import it, as when absent.
    blocked = tmp_path / "joserfc"
    blocked.mkdir()
    (blocked / "__init__.py").write_text('raise ModuleNotFoundError("No module named \'joserfc\'", name="joserfc")\n')
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    lacking = LocalDynamoDB()
    lacking.start()
    try:
        cognito = client(lacking, "cognito-idp")
        with pytest.raises(ClientError) as refused:
            cognito.list_user_pools(MaxResults=10)
        message = refused.value.response["Error"]["Message"]
        assert "'joserfc'" in message and "pip install 'moto[server]'" in message
        assert refused.value.response["ResponseMetadata"]["RetryAttempts"] == 0
        assert client(lacking, "dynamodb").list_tables()["TableNames"] == []
    finally:
        lacking.stop()
