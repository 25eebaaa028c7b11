"""The token a project's own `$connect` authorizer expects, so that a console connects without the docs.

A project whose `$connect` authorizer reads one identity source from the query string or a header,
and whose environment names one secret, compares the two (as the token authorizer `wstui new` writes
does: `?token=` against the secret `auth_token`). The console then puts a reference to that secret
where the authorizer looks, `token=${secret:auth_token}`, never its value: a field, a saved file or
a screen holds the reference, and the value replaces it only as the connection is made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from wstui.core.console.target import ConnectionTarget
from wstui.core.errors import UsageError
from wstui.core.project.model import CONNECT, Project, Secret
from wstui.core.project.secrets import resolve_secrets

SECRET_REFERENCE = re.compile(r"\$\{secret:([a-z][a-z0-9_]*)\}")
QUERY, HEADER = "route.request.querystring.", "route.request.header."


@dataclass(frozen=True)
class ConnectToken:
    """Where the authorizer reads the token (`in_query`, else a header) under `name`, and the secret it holds."""

    in_query: bool
    name: str
    secret: str

    @property
    def reference(self) -> str:
        return f"${{secret:{self.secret}}}"


def connect_token(project: Project) -> ConnectToken | None:
    """The token `project`'s `$connect` authorizer compares with its one secret, or None when it has no such authorizer."""
    route = project.route(CONNECT)
    authorizer = route.authorizer if route else None
    if authorizer is None or len(authorizer.identity_source) != 1:
        return None
    secrets = [value.secret for value in authorizer.environment.values() if isinstance(value, Secret)]
    source = authorizer.identity_source[0]
    if len(secrets) != 1 or not source.startswith((QUERY, HEADER)):
        return None
    in_query = source.startswith(QUERY)
    return ConnectToken(in_query, source.removeprefix(QUERY if in_query else HEADER), secrets[0])


def with_token(target: ConnectionTarget, token: ConnectToken) -> ConnectionTarget:
    """`target` with the token's reference where the authorizer reads it, unless something is there already."""
    if token.in_query:
        if any(name == token.name for name, _ in target.query):
            return target
        return replace(target, query=(*target.query, (token.name, token.reference)))
    if any(name.lower() == token.name.lower() for name, _ in target.headers):
        return target
    return replace(target, headers=(*target.headers, (token.name, token.reference)))


def has_references(target: ConnectionTarget) -> bool:
    return any(SECRET_REFERENCE.search(value) for _, value in (*target.query, *target.headers))


def resolve_references(target: ConnectionTarget, project: Project, environ: Mapping[str, str]) -> ConnectionTarget:
    """`target` with each `${secret:NAME}` replaced by the secret's value (ProjectError names one
    without a value, and where to put it)."""
    if not has_references(target):
        return target
    values = resolve_secrets(project, environ)

    def resolved(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple((name, SECRET_REFERENCE.sub(lambda found: _value(values, found.group(1)), value)) for name, value in pairs)

    return replace(target, query=resolved(target.query), headers=resolved(target.headers))


def _value(values: Mapping[str, str], name: str) -> str:
    if name not in values:
        raise UsageError(f"The project has no secret {name!r}: its secrets are named in wstui.toml as {{ secret = \"NAME\" }}.")
    return values[name]
