"""Answer management-API calls addressed to the local gateway without a network hop.

A handler builds its client the cloud way, `endpoint_url=f"https://{domainName}/{stage}"`; locally
domainName is the gateway's `127.0.0.1:PORT`, which speaks plain HTTP. botocore lets a `before-send`
handler supply the response for a request; registered among botocore's built-in handlers (as moto
does), it applies to every client created while the local service runs. The request is still
serialized and the answer parsed by botocore, so typed errors such as GoneException arrive as in AWS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from wstui.core.local.management import ManagementAnswer

EVENT = "before-send.apigatewaymanagementapi"
Manage = Callable[[str, str, bytes], Awaitable[ManagementAnswer]]
Post = Callable[[str, bytes], ManagementAnswer]


class _Body:
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

    def install(self) -> None:
        """New sessions get the hook from the built-ins; boto3's default session, if made already, directly."""
        handlers.BUILTIN_HANDLERS.append((EVENT, self.answer))
        default = boto3.DEFAULT_SESSION
        if default is not None:
            default._session.register(EVENT, self.answer)

    def uninstall(self) -> None:
        if (EVENT, self.answer) in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.remove((EVENT, self.answer))
        default = boto3.DEFAULT_SESSION
        if default is not None:
            default._session.unregister(EVENT, self.answer)

    def answer(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        url = urlsplit(request.url)
        if url.netloc != self.netloc:
            return None
        if not url.path.startswith(self.prefix):
            answer = ManagementAnswer.error(403, "ForbiddenException", f"No such stage or path: {url.path}.")
        else:
            connection_id = unquote(url.path[len(self.prefix):])
            body = request.body if isinstance(request.body, bytes) else (request.body or b"")
            if not isinstance(body, bytes):
                body = body.read() if hasattr(body, "read") else bytes(body)
            if request.method == "POST":
                answer = self.post(connection_id, body)
            else:
                future = asyncio.run_coroutine_threadsafe(self.manage(request.method, connection_id, body), self.loop)
                answer = future.result(timeout=30)
        headers = {"x-amzn-ErrorType": answer.error_type} if answer.error_type else {}
        return AWSResponse(request.url, answer.status, headers, _Body(answer.body))
