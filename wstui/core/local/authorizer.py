"""How API Gateway decides what a REQUEST authorizer's answer means (reference §2)."""

from __future__ import annotations

import fnmatch
from typing import Any

from wstui.core.local.events import ClientInfo


def has_identity(client: ClientInfo, source: str) -> bool:
    """Whether the handshake carries an identity source: a missing or empty one is a 401 before the
    authorizer runs."""
    parts = source.split(".")
    if parts[:3] == ["route", "request", "querystring"]:
        return any(client.query.get(".".join(parts[3:]), []))
    if parts[:3] == ["route", "request", "header"]:
        wanted = ".".join(parts[3:]).lower()
        return any(any(values) for name, values in client.headers.items() if name.lower() == wanted)
    return True


def allows(policy: dict[str, Any], method_arn: str) -> bool:
    """An authorizer's policy allows when a statement for this method allows and none denies. A
    statement's Resource may use IAM's `*` and `?` wildcards; one for another API or stage does not
    apply, as in AWS."""
    document = policy.get("policyDocument")
    statements = (document.get("Statement") if isinstance(document, dict) else None) or []
    statements = statements if isinstance(statements, list) else [statements]
    effects = {
        str(statement.get("Effect", "")).lower()
        for statement in statements
        if isinstance(statement, dict) and _covers(statement.get("Resource"), method_arn)
    }
    return "allow" in effects and "deny" not in effects


def _covers(resource: Any, method_arn: str) -> bool:
    patterns = resource if isinstance(resource, list) else [resource]
    return any(isinstance(p, str) and fnmatch.fnmatchcase(method_arn, p.replace("[", "[[]")) for p in patterns)
