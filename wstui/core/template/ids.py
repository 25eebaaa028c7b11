"""Readable, stable CloudFormation logical ids.

A logical id is the name CloudFormation tracks a resource by: if it changes, the resource is replaced.
So ids come from what the user named (route keys, handlers), never from hashes or counters, and the
validator refuses two names that would collide instead of renaming one silently.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+")


def pascal(text: str) -> str:
    """`$connect` -> `Connect`, `chat/join` -> `ChatJoin`, `send_message` -> `SendMessage`."""
    return "".join(word[0].upper() + word[1:] for word in _WORD.findall(text))


def route_id(key: str) -> str:
    """The id stem of a route: `$connect` -> `Connect`; a key of symbols only spells their code points."""
    return pascal(key) or "".join(f"U{ord(char):X}" for char in key)


def function_id(handler: str) -> str:
    """The id stem of a handler's function: `handlers.connect:handle` -> `HandlersConnectHandle`."""
    return pascal(handler.replace(":", "."))
