"""Answer management-API calls addressed to the local gateway without a network hop.

A handler builds its client the cloud way, `endpoint_url=f"https://{domainName}/{stage}"`; locally
domainName is the gateway's `127.0.0.1:PORT`, which speaks plain HTTP. botocore lets a `before-call`
handler supply the response of a call (Stubber works this way); registered among botocore's built-in
handlers (as moto does), it applies to every client created while the local service runs. Parameters
are still validated and serialized, and the answer goes through botocore's own response parser, so
typed errors such as GoneException arrive as in AWS. What is skipped is signing, the HTTP exchange and
the retry machinery: a quarter of the cost of a post at the `before-send` stage, and a broadcast to
a thousand connections is a thousand posts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
from botocore import handlers
from botocore.awsrequest import AWSResponse
from botocore.model import OperationModel
from botocore.parsers import create_parser

from wstui.core.local.management import ManagementAnswer

EVENT = "before-call.apigatewaymanagementapi"
Manage = Callable[[str, str, bytes], Awaitable[ManagementAnswer]]
Post = Callable[[str, bytes], ManagementAnswer]


def register_everywhere(event: str, handler: Callable[..., Any]) -> None:
    """New sessions get the hook from botocore's built-ins; boto3's default session, if made already, directly."""
    handlers.BUILTIN_HANDLERS.append((event, handler))
    default = boto3.DEFAULT_SESSION
    if default is not None:
        default._session.register(event, handler)


def unregister_everywhere(event: str, handler: Callable[..., Any]) -> None:
    if (event, handler) in handlers.BUILTIN_HANDLERS:
        handlers.BUILTIN_HANDLERS.remove((event, handler))
    default = boto3.DEFAULT_SESSION
    if default is not None:
        default._session.unregister(event, handler)


class Body:
    """An answer's body as botocore reads it from a response's raw stream."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


class ManagementIntercept:
    """While installed, requests to `netloc` are answered by `manage` on the gateway's event loop."""

    def __init__(self, netloc: str, stage: str, manage: Manage, post: Post, loop: asyncio.AbstractEventLoop) -> None:
        self.netloc = netloc
        self.prefix = f"/{stage}/@connections/"
        self.manage = manage
        self.post = post
        self.loop = loop
        self.parser = create_parser("rest-json")

    def install(self) -> None:
        register_everywhere(EVENT, self.answer)

    def uninstall(self) -> None:
        unregister_everywhere(EVENT, self.answer)

    def answer(self, model: OperationModel, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        url = urlsplit(params["url"])
        if url.netloc != self.netloc:
            return None
        if not url.path.startswith(self.prefix):
            answer = ManagementAnswer.error(403, "ForbiddenException", f"No such stage or path: {url.path}.")
        else:
            connection_id = unquote(url.path[len(self.prefix):])
            body = params.get("body") or b""
            if isinstance(body, str):
                body = body.encode()
            if params["method"] == "POST":
                answer = self.post(connection_id, body)
            else:
                future = asyncio.run_coroutine_threadsafe(self.manage(params["method"], connection_id, body), self.loop)
                answer = future.result(timeout=30)
        headers = {"x-amzn-ErrorType": answer.error_type} if answer.error_type else {}
        http = AWSResponse(params["url"], answer.status, headers, Body(answer.body))
        response = {"status_code": answer.status, "headers": http.headers, "body": answer.body, "context": {"operation_name": model.name}}
        return http, self.parser.parse(response, model.output_shape)
