"""Handshake headers and query parameters, the wscat command line they make, and how they are shown."""

from __future__ import annotations

import queue
import shlex
import socket

import pytest

from wstui.core.console import ConnectionTarget, ConsoleSession, parse_header, parse_query
from wstui.core.console.target import redact_url
from wstui.core.errors import UsageError


def test_query_parameters_are_encoded_and_appended_to_the_url_query() -> None:
    target = ConnectionTarget("wss://abc.execute-api.eu-west-1.amazonaws.com/v1?room=a", query=(("token", "x y&z"),))
    assert target.full_url == "wss://abc.execute-api.eu-west-1.amazonaws.com/v1?room=a&token=x%20y%26z"
    assert ConnectionTarget("ws://h/v1", query=(("token", "t"),)).full_url == "ws://h/v1?token=t"
    assert ConnectionTarget("ws://h/v1").full_url == "ws://h/v1"


def test_copy_as_wscat_quotes_for_the_shell() -> None:
    target = ConnectionTarget(
        "ws://127.0.0.1:3001/v1",
        headers=(("Authorization", "Bearer it's $HOME"), ("X-Plain", "ok")),
        query=(("token", "a b"),),
    )
    command = target.wscat_command()
    assert command == (
        "wscat -c 'ws://127.0.0.1:3001/v1?token=a%20b' -H 'Authorization: Bearer it'\"'\"'s $HOME' -H 'X-Plain: ok'"
    )
    assert shlex.split(command) == [
        "wscat", "-c", "ws://127.0.0.1:3001/v1?token=a%20b", "-H", "Authorization: Bearer it's $HOME", "-H", "X-Plain: ok",
    ]
    assert ConnectionTarget("ws://h/v1").wscat_command() == "wscat -c ws://h/v1"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("Authorization: Bearer abc", ("Authorization", "Bearer abc")), ("X-A:b:c", ("X-A", "b:c")), ("X-Empty:", ("X-Empty", ""))],
)
def test_headers_parse(text: str, parsed: tuple[str, str]) -> None:
    assert parse_header(text) == parsed


@pytest.mark.parametrize("text", ["no colon", ": value", "Two words: x", "X-Bad: a\nb"])
def test_malformed_headers_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_header(text)


def test_query_parameters_parse() -> None:
    assert parse_query("token=a=b") == ("token", "a=b")
    assert parse_query("flag=") == ("flag", "")
    for bad in ("token", "=value"):
        with pytest.raises(UsageError, match="key=value"):
            parse_query(bad)


@pytest.mark.parametrize("url", ["http://h/v1", "h:3001/v1", "ws:///v1", ""])
def test_only_websocket_urls_are_targets(url: str) -> None:
    with pytest.raises(UsageError, match="Not a WebSocket URL"):
        ConnectionTarget(url)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("ws://h/v1?token=abc", "ws://h/v1?token=***"),
        ("wss://h/v1?room=lobby&token=a%20b&x=1", "wss://h/v1?room=lobby&token=***&x=1"),
        (
            "ws://h/v1?api_key=k&Access-Token=t&X-Amz-Signature=s&password=p",
            "ws://h/v1?api_key=***&Access-Token=***&X-Amz-Signature=***&password=***",
        ),
        ("ws://me:pw@h:3001/v1", "ws://me:***@h:3001/v1"),
        ("ws://h/v1?token=&room=a", "ws://h/v1?token=&room=a"),
        ("ws://h/v1", "ws://h/v1"),
    ],
)
def test_credentials_in_a_url_are_shown_as_stars(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_a_target_is_shown_without_its_token_and_connects_with_it() -> None:
    target = ConnectionTarget(
        "ws://h/v1?room=a", headers=(("Authorization", "Bearer s3cret"),), query=(("token", "s3cret"),)
    )
    assert target.full_url == "ws://h/v1?room=a&token=s3cret"
    assert target.shown_url == "ws://h/v1?room=a&token=***"
    assert target.wscat_command(redacted=True) == "wscat -c 'ws://h/v1?room=a&token=***' -H 'Authorization: ***'"
    assert "s3cret" in target.wscat_command()


def test_a_sessions_events_carry_the_url_without_its_token() -> None:
    with socket.socket() as probe:  # a free port: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    events: queue.Queue[object] = queue.Queue()
    session = ConsoleSession(ConnectionTarget(f"ws://127.0.0.1:{port}/v1", query=(("token", "s3cret"),)), events.put)
    session.start()
    assert session.wait(10)
    connecting, _ = list(events.queue)
    assert connecting.url == f"ws://127.0.0.1:{port}/v1?token=***"  # type: ignore[attr-defined]
