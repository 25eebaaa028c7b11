"""The local DynamoDB's own process: moto's backends behind an aiohttp server.

Run as `python -m wstui.core.local.dynamodb_server HOST`; it prints `wstui-dynamodb URL` on stderr
once it listens, and serves until it is stopped.

Why not moto's own server: werkzeug's server answers `Connection: close` to every request and starts
a thread per connection, so each DynamoDB call of a handler paid a TCP connect, a thread start and a
close on both sides. waitress keeps connections open but walks every open connection on each turn of
its loop, and hands each request to a worker thread: with the 50 handler threads of a burst of
handshakes it answered a put in 2.5 ms, aiohttp in 1.2 ms. aiohttp is already wstui's server, and
calling moto's WSGI application inline on the event loop also keeps moto's state touched by one thread
at a time (aiohttp-wsgi would add a dependency that runs the application in an executor).

DynamoDB's calls (known by their X-Amz-Target) go straight to moto's DynamoDB application; the rest
(a handler may use S3, SQS... through AWS_ENDPOINT_URL) through moto's dispatcher, as in its server.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web
from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY as PRESERVED_HEADER_NAMES

from wstui.core.local.dynamodb import READY

DYNAMODB_TARGET = "DynamoDB_20120810."
# WSGI carries these two headers outside the HTTP_ keys.
NOT_HTTP_KEYS = {"CONTENT_TYPE", "CONTENT_LENGTH"}

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def moto_application() -> WSGIApplication:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    everything = DomainDispatcherApplication(create_backend_app)
    dynamodb = create_backend_app("dynamodb")

    def route(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGET):
            return dynamodb(environ, start_response)
        return everything(environ, start_response)

    return route


def wsgi_environ(request: web.Request, body: bytes) -> dict[str, Any]:
    """The PEP 3333 environment for one request (paths as latin-1 "bytes as text", as WSGI wants)."""
    host, _, port = (request.host or "127.0.0.1").partition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": request.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": request.rel_url.raw_query_string,
        "RAW_URI": request.raw_path,
        "REQUEST_URI": request.raw_path,
        "SERVER_NAME": host,
        "SERVER_PORT": port or "80",
        "SERVER_PROTOCOL": f"HTTP/{request.version.major}.{request.version.minor}",
        "REMOTE_ADDR": request.remote or "",
        "CONTENT_TYPE": request.headers.get("Content-Type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    dashed = {name.upper().replace("-", "_") for name in request.headers.keys() if "_" not in name}
    preserved: dict[str, str] = {}
    for name in dict.fromkeys(request.headers.keys()):
        key = name.upper().replace("-", "_")
        if key in NOT_HTTP_KEYS or ("_" in name and key in dashed):
            continue  # an underscored header never stands in for a dashed one
        environ[f"HTTP_{key}"] = ",".join(request.headers.getall(name))
        if "_" in name:
            preserved[f"HTTP_{key}"] = name
    # WSGI folds "-" and "_" together; S3 metadata keys keep their underscores, and moto reads their
    # spelling from here (as its own server writes it).
    environ[PRESERVED_HEADER_NAMES] = preserved
    return environ


def missing_package_answer(missing: ModuleNotFoundError) -> web.Response:
    """wstui installs moto with DynamoDB's extras only (moto's server extra alone adds about 175 MB):
    a handler calling a service whose moto backend needs more gets this sentence as its error message,
    not a retried HTTP 500. 501 is not retried by botocore; JSON protocols read `message`."""
    sentence = (f"wstui dev's local AWS cannot serve this service: moto needs the Python package "
                f"{missing.name!r}, which is not installed. Install moto's server extra into wstui's "
                f"environment: {sys.executable} -m pip install 'moto[server]'")
    return web.json_response({"__type": "MissingDependency", "message": sentence}, status=501,
                             content_type="application/x-amz-json-1.1")


def wsgi_handler(application: WSGIApplication) -> Callable[[web.Request], Any]:
    """An aiohttp handler that calls `application` inline: moto answers from memory, at once."""

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            answer["status"], answer["headers"] = status, headers
            return lambda _data: None

        try:
            chunks = application(wsgi_environ(request, body), start_response)
        except ModuleNotFoundError as missing:
            return missing_package_answer(missing)
        try:
            content = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        code, _, reason = answer["status"].partition(" ")
        headers = [(name, value) for name, value in answer["headers"] if name.lower() != "content-length"]
        return web.Response(status=int(code), reason=reason or None, headers=headers, body=content)

    return handle


async def serve(host: str) -> None:
    # No body limit: a put_object or a batch write may pass aiohttp's default of 1 MB.
    app = web.Application(client_max_size=0)
    app.router.add_route("*", "/{tail:.*}", wsgi_handler(moto_application()))
    # Handlers' connections stay open between calls however long the service idles (aiohttp: 75 s).
    runner = web.AppRunner(app, access_log=None, handle_signals=False, keepalive_timeout=24 * 3600)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"{READY}http://{host}:{port}", file=sys.stderr, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
