"""The Lambda proxy events API Gateway sends to WebSocket handlers, shaped as in the cloud.

Field by field after the reference (api-gateway-websocket.md §3) and the captures in aws-lambda-go:
every event has the full requestContext; CONNECT adds headers and query strings; MESSAGE adds the
body (text frames only: API Gateway refuses binary ones); DISCONNECT adds stub headers and the close status.
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

API_ID = "local"


def request_time(epoch_ms: int) -> str:
    """`25/Nov/2026:16:54:36 +0000`, as API Gateway writes requestTime."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000))


def new_id(length: int = 16) -> str:
    """An opaque, unguessable id in API Gateway's style (`L0SM9cOFvHcCIhw=`)."""
    return base64.b64encode(secrets.token_bytes(length * 3 // 4))[: length - 1].decode().replace("/", "_").replace("+", "-") + "="


@dataclass
class ClientInfo:
    """What API Gateway knows of a client from its handshake."""

    source_ip: str
    user_agent: str
    headers: dict[str, list[str]] = field(default_factory=dict)
    query: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class EventFactory:
    """Builds events for one stage served at `domain_name`."""

    domain_name: str
    stage: str
    region: str = "us-east-1"

    def _context(
        self, route_key: str, event_type: str, connection_id: str, connected_at: int, client: ClientInfo,
        authorizer: dict[str, Any] | None,
    ) -> dict[str, Any]:
        now = int(time.time() * 1000)
        request_id = new_id()
        context: dict[str, Any] = {
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": request_id,
            "requestTime": request_time(now),
            "messageDirection": "IN",
            "stage": self.stage,
            "connectedAt": connected_at,
            "requestTimeEpoch": now,
            "identity": {"sourceIp": client.source_ip, "userAgent": client.user_agent},
            "requestId": request_id,
            "domainName": self.domain_name,
            "connectionId": connection_id,
            "apiId": API_ID,
        }
        if authorizer is not None:
            context["authorizer"] = authorizer
        return context

    def connect(self, connection_id: str, connected_at: int, client: ClientInfo, authorizer: dict[str, Any] | None) -> dict[str, Any]:
        event: dict[str, Any] = {
            "headers": {name: values[-1] for name, values in client.headers.items()},
            "multiValueHeaders": client.headers,
            "requestContext": self._context("$connect", "CONNECT", connection_id, connected_at, client, authorizer),
            "isBase64Encoded": False,
        }
        if client.query:
            event["queryStringParameters"] = {name: values[-1] for name, values in client.query.items()}
            event["multiValueQueryStringParameters"] = client.query
        return event

    def message(
        self, route_key: str, connection_id: str, connected_at: int, client: ClientInfo,
        authorizer: dict[str, Any] | None, frame: str,
    ) -> dict[str, Any]:
        context = self._context(route_key, "MESSAGE", connection_id, connected_at, client, authorizer)
        context["messageId"] = new_id()
        return {"requestContext": context, "body": frame, "isBase64Encoded": False}

    def disconnect(
        self, connection_id: str, connected_at: int, client: ClientInfo, authorizer: dict[str, Any] | None,
        status_code: int, reason: str,
    ) -> dict[str, Any]:
        context = self._context("$disconnect", "DISCONNECT", connection_id, connected_at, client, authorizer)
        context["disconnectStatusCode"] = status_code
        context["disconnectReason"] = reason
        headers = {"Host": self.domain_name, "x-api-key": "", "x-restapi": ""}
        return {
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "requestContext": context,
            "isBase64Encoded": False,
        }

    def authorizer(self, client: ClientInfo, connection_id: str, connected_at: int) -> dict[str, Any]:
        """The REQUEST authorizer's event: the CONNECT event plus `type` and `methodArn`."""
        event = self.connect(connection_id, connected_at, client, None)
        event["type"] = "REQUEST"
        event["methodArn"] = f"arn:aws:execute-api:{self.region}:000000000000:{API_ID}/{self.stage}/$connect"
        return event
