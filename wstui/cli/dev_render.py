"""One line per local event, for the terminal."""

from __future__ import annotations

from collections.abc import Callable

from wstui.cli.remedies import CLI_WORDS
from wstui.core.local.activity import (
    ConfigApplied,
    ConfigNeedsRestart,
    ConfigRefused,
    ConnectionClosed,
    ConnectionOpened,
    GatewayEvent,
    HandlersReloaded,
    Invoked,
    Notice,
    Rejected,
    ServiceStarted,
)


def render(event: GatewayEvent, echo: Callable[[str], object]) -> None:
    match event:
        case ServiceStarted(url=url, management_url=management, dynamodb_url=dynamodb, latency=latency):
            echo(f"{url}\n")
            echo(f"  @connections API: {management}/@connections/{{id}}\n  DynamoDB: {dynamodb}\n")
            echo(f"  Latency: {latency}\n  Ctrl-C to stop.\n")
        case ConnectionOpened(connection_id=cid, source_ip=ip):
            echo(f"+ {cid} connected from {ip}\n")
        case ConnectionClosed(connection_id=cid, code=code, reason=reason):
            echo(f"- {cid} closed {code} {reason}\n")
        case Rejected(connection_id=cid, status=status, reason=reason):
            echo(f"x {cid or '(handshake)'} {status} {reason}\n")
        case Invoked(route_key=route, connection_id=cid, result=result):
            cold = " (cold start)" if result.cold_start else ""
            echo(f"  {route:<14} {cid} {result.status:<7} {result.duration_ms:7.1f} ms{cold}\n")
            for line in result.output.splitlines():
                echo(f"    | {line}\n")
            if result.error:
                for line in result.error.rstrip().splitlines():
                    echo(f"    ! {line}\n")
            for advice in result.remedies:
                echo(f"    ! {CLI_WORDS[advice]}\n")
        case HandlersReloaded(changed=changed):
            echo(f"~ reloaded handlers ({', '.join(changed)})\n")
        case ConfigApplied():
            echo(f"~ {event.summary}\n")
        case ConfigNeedsRestart():
            echo(f"! {event.summary} Stop with Ctrl-C and run `wstui dev` again to apply it.\n")
        case ConfigRefused():
            echo(f"! {event.summary}\n")
        case Notice(message=message):
            echo(f"! {message}\n")
