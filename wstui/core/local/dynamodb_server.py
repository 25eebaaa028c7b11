"""The local DynamoDB's own process: moto's backends served by waitress.

Run as `python -m wstui.core.local.dynamodb_server HOST`; it prints `wstui-dynamodb URL` on stderr
once it listens, and serves until it is stopped.

Why not moto's own server: werkzeug's server answers `Connection: close` to every request and starts
a thread per connection, so each DynamoDB call of a handler paid a TCP connect, a thread start and a
close on both sides; and moto's dispatcher lists its package directory on disk for every request to
find the service. waitress keeps connections open and runs the application on a fixed thread;
DynamoDB's calls (known by their X-Amz-Target) go straight to moto's DynamoDB application, the rest
(a handler may use S3, SQS... through AWS_ENDPOINT_URL) through moto's dispatcher as before.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

READY = "wstui-dynamodb "
DYNAMODB_TARGET = "DynamoDB_20120810."
# The handler threads of `wstui dev` each keep a connection; waitress refuses past its limit (100).
CONNECTION_LIMIT = 1000

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def application() -> WSGIApplication:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    everything = DomainDispatcherApplication(create_backend_app)
    dynamodb = create_backend_app("dynamodb")

    def route(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGET):
            return dynamodb(environ, start_response)
        return everything(environ, start_response)

    return route


def main(host: str) -> None:
    from waitress.server import create_server

    logging.getLogger("waitress").setLevel(logging.ERROR)
    server = create_server(
        application(), host=host, port=0, threads=1, connection_limit=CONNECTION_LIMIT, asyncore_use_poll=True
    )
    print(f"{READY}http://{host}:{server.effective_port}", file=sys.stderr, flush=True)
    server.run()


if __name__ == "__main__":
    main(sys.argv[1])
