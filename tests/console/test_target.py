"""Handshake headers and query parameters, and the wscat command line they make."""

from __future__ import annotations

import shlex

import pytest

from wstui.core.console import ConnectionTarget, parse_header, parse_query
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
