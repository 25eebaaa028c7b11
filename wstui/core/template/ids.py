"""Readable, stable CloudFormation logical ids.

A logical id is the name CloudFormation tracks a resource by: if it changes, the resource is replaced.
So ids come from what the user named (route keys, handlers), never from hashes or counters. The kind
of resource comes first (`IntegrationSendmessage`), so no route key can spell another route's
resource; the validator refuses the rare names that still collide instead of renaming one silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-z0-9]+")

API = "WebSocketApi"
STAGE = "Stage"
AUTHORIZER = "Authorizer"
AUTHORIZER_PERMISSION = "AuthorizerPermission"
CONNECTION_TABLE = "ConnectionTable"
# The API stage's access log group, made only when the stage turns access logging on.
ACCESS_LOGS = "AccessLogs"
# The template's parameters: where the code archive is. `wstui deploy` sets both.
CODE_BUCKET = "CodeS3Bucket"
CODE_KEY = "CodeS3Key"
# A secret's parameter: `auth_token` -> SecretAuthToken. NoEcho; `wstui deploy` and `wstui dev` set it.
SECRET_PREFIX = "Secret"
# The output holding the wss:// URL: `wstui deploy` prints it last and the console connects to it.
URL_OUTPUT = "APIGatewayURL"
FIXED = (API, STAGE, AUTHORIZER, AUTHORIZER_PERMISSION, CONNECTION_TABLE, ACCESS_LOGS)


def pascal(text: str) -> str:
    """`$connect` -> `Connect`, `chat/join` -> `ChatJoin`, `send_message` -> `SendMessage`."""
    return "".join(word[0].upper() + word[1:] for word in _WORD.findall(text))


def secret_parameter(name: str) -> str:
    """The template parameter of the secret `name`; secret names are lower-case words joined by "_",
    so no two of them give one id."""
    return SECRET_PREFIX + pascal(name)


@dataclass(frozen=True)
class RouteIds:
    """The resources of one route: `$connect` -> RouteConnect, IntegrationConnect, ..."""

    stem: str

    @classmethod
    def of(cls, key: str) -> RouteIds:
        """A key of symbols only spells their code points."""
        return cls(pascal(key) or "".join(f"U{ord(char):X}" for char in key))

    @property
    def route(self) -> str:
        return f"Route{self.stem}"

    @property
    def integration(self) -> str:
        return f"Integration{self.stem}"

    @property
    def permission(self) -> str:
        return f"Permission{self.stem}"

    @property
    def response(self) -> str:
        return f"Response{self.stem}"

    def all(self) -> tuple[str, ...]:
        return (self.route, self.integration, self.permission, self.response)


@dataclass(frozen=True)
class FunctionIds:
    """The resources of one handler: `handlers.connect:handle` -> HandlersConnectHandleFunction, ...Role."""

    stem: str

    @classmethod
    def of(cls, handler: str) -> FunctionIds:
        return cls(pascal(handler.replace(":", ".")))

    @property
    def function(self) -> str:
        return f"{self.stem}Function"

    @property
    def role(self) -> str:
        return f"{self.stem}Role"

    @property
    def logs(self) -> str:
        """The function's log group, made only when the stage sets a log retention."""
        return f"{self.stem}Logs"

    def all(self) -> tuple[str, ...]:
        return (self.function, self.role, self.logs)
