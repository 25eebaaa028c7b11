"""Where a session connects and what it sends in the handshake: the URL, headers and query parameters.

An authorizer's token travels in a header or in the query string; both are kept apart from the URL so
a form can edit them as fields, and joined only when connecting (or when printing the wscat command).
Wherever a URL is shown (a status line, `wstui console --json`, an error) it is `shown_url`: the
values of credentials replaced by `***`, so a screen, a log or a shared terminal never holds a token.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus, urlencode, urlsplit, urlunsplit

from wstui.core.errors import UsageError

SCHEMES = ("ws", "wss")
REDACTED = "***"
# Query parameters and headers whose values are credentials: `token`, `api_key`, `X-Amz-Signature`,
# `Authorization`... A harmless name that matches is hidden too; a token is never shown.
CREDENTIAL_NAME = re.compile(r"token|secret|passw|pwd|key|auth|signature|credential|cookie", re.IGNORECASE)


def redact_url(url: str) -> str:
    """`url` with the value of each credential query parameter and any password replaced by `***`."""
    parts = urlsplit(url)
    query = "&".join(_redacted_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    userinfo, at, host = parts.netloc.rpartition("@")
    netloc = f"{userinfo.partition(':')[0]}:{REDACTED}@{host}" if at and ":" in userinfo else parts.netloc
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _redacted_pair(pair: str) -> str:
    name, equals, value = pair.partition("=")
    if equals and value and CREDENTIAL_NAME.search(unquote_plus(name)):
        return f"{name}={REDACTED}"
    return pair


@dataclass(frozen=True)
class ConnectionTarget:
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        try:
            parts = urlsplit(self.url)
            _ = parts.port  # urllib checks the port only when it is read
        except ValueError as error:  # an unclosed IPv6 bracket ("ws://[::1"), a port that is not one
            raise UsageError(f"Not a WebSocket URL: {self.url!r}: {error}.") from None
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise UsageError(f"Not a WebSocket URL: {self.url!r} (it must start with ws:// or wss:// and name a host).")

    @property
    def full_url(self) -> str:
        """The URL with the query parameters appended to any it already has."""
        if not self.query:
            return self.url
        parts = urlsplit(self.url)
        added = urlencode(self.query, quote_via=quote)
        query = f"{parts.query}&{added}" if parts.query else added
        return urlunsplit(parts._replace(query=query))

    @property
    def shown_url(self) -> str:
        """`full_url` as people see it: credentials are `***` (the connection uses the real ones)."""
        return redact_url(self.full_url)

    @property
    def header_lines(self) -> list[str]:
        return [f"{name}: {value}" for name, value in self.headers]

    def wscat_command(self, redacted: bool = False) -> str:
        """The `wscat` command line that opens the same connection, quoted for a POSIX shell; `redacted`
        shows credentials as `***`, for a screen (the clipboard gets the real command)."""
        words = ["wscat", "-c", self.shown_url if redacted else self.full_url]
        for name, value in self.headers:
            words += ["-H", f"{name}: {REDACTED if redacted and CREDENTIAL_NAME.search(name) else value}"]
        return shlex.join(words)


def parse_header(text: str) -> tuple[str, str]:
    """`'Name: value'` as typed on a command line or in a form field."""
    name, colon, value = text.partition(":")
    name = name.strip()
    if not colon or not name or any(c.isspace() or not c.isprintable() for c in name):
        raise UsageError(f"Not a header: {text!r} (write it as 'Name: value').")
    value = value.strip()
    if not value.isprintable():
        raise UsageError(f"Header {name} has a control character in its value.")
    return name, value


def parse_query(text: str) -> tuple[str, str]:
    """`'key=value'`; the value may be empty, the key may not."""
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise UsageError(f"Not a query parameter: {text!r} (write it as key=value).")
    return key, value
