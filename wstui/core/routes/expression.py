r"""API Gateway's WebSocket route selection expression, parsed once and evaluated per frame.

Accepted grammar (anything else raises `ExpressionError` naming the character position):

    expression := bare | template
    bare       := "$request.body" ("." key)+             -- the whole expression, nothing around it
    template   := (text | "\$" | "\\" | "${request.body" ("." key)* "}")+
    key        := one or more of A-Z a-z 0-9 _ -
    text       := any character except "$" and "\"

A template with no `${...}` piece is a plain literal that evaluates to itself (AWS only uses such
text as a static key). `\$` is AWS's escape for a dollar sign; `\\` (a backslash) is ours, so that
every literal can be written and gluing two templates together never changes what either means.
`${request.body}` stands for the whole body, whatever JSON value it is.

Values: a missing key, a step into a non-object, or a key path on a body that is not an object
gives "". Strings are used as they are; every other value becomes its compact JSON text (`5`,
`true`, `null`, `{"a":1}`), re-serialised by Python, so `1e2` in a frame becomes `100.0`.
"""

from __future__ import annotations

import json
import string
from collections.abc import Collection
from dataclasses import dataclass, field

from wstui.core.errors import ExpressionError

Path = tuple[str, ...]
"""Object keys from the body down to the value; empty means the whole body."""
Part = str | Path
"""Literal text (a `str`) or a body path (a `tuple`), told apart with `isinstance`."""

_BARE = "$request.body"
_OPEN = "${request.body"
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_LIFECYCLE = frozenset({"$connect", "$disconnect"})
_MISSING = object()


@dataclass(frozen=True)
class RouteSelectionExpression:
    """A parsed expression; building one from bad text raises, so every instance can be evaluated."""

    text: str
    parts: tuple[Part, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", _Scanner(self.text).parse())

    def select(self, frame: str | bytes) -> str | None:
        """None means the frame is not JSON, which the gateway cannot route except to `$default`."""
        if isinstance(frame, bytes):
            try:
                frame = frame.decode("utf-8")
            except UnicodeDecodeError:
                return None
        try:
            return self.evaluate(json.loads(frame, parse_constant=_reject_constant))
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse or re-serialise
            return None

    def evaluate(self, body: object) -> str:
        """Takes a parsed value so callers that already decoded the frame do not decode it twice."""
        return "".join(part if isinstance(part, str) else _render(_lookup(body, part)) for part in self.parts)


def parse_expression(text: str) -> RouteSelectionExpression:
    """The entry point callers should use; raises `ExpressionError` with one explanatory sentence."""
    return RouteSelectionExpression(text)


def select_route(key: str | None, route_keys: Collection[str]) -> str | None:
    """The route a frame goes to: the exact key if it is a route, else "$default" if that route
    exists, else None (the gateway then answers Forbidden). key None (not JSON) goes to $default too.

    `$connect` and `$disconnect` belong to the connection's life cycle, so a message whose body
    computes one of those names is not delivered to them.
    """
    if key is not None and key not in _LIFECYCLE and key in route_keys:
        return key
    return "$default" if "$default" in route_keys else None


def _reject_constant(name: str) -> object:
    """NaN and Infinity are Python extensions, not JSON; a real gateway would not parse them."""
    raise ValueError(f"{name} is not JSON")


def _lookup(body: object, path: Path) -> object:
    for key in path:
        if not isinstance(body, dict) or key not in body:
            return _MISSING
        body = body[key]
    return body


def _render(value: object) -> str:
    if value is _MISSING:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def _visible(text: str) -> str:
    """Escapes only unprintable characters: the message stays one line, and backslashes stay single."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class _Scanner:
    """A cursor over the text; hand-written so each error can say exactly which character is wrong."""

    def __init__(self, text: str) -> None:
        self.text = text

    def fail(self, problem: str) -> ExpressionError:
        return ExpressionError(f'Route selection expression "{_visible(self.text)}" {problem}.')

    def at(self, pos: int) -> str:
        """Names what sits at `pos`, so messages read `has "x" at position 3` or `ends at position 3`."""
        if pos >= len(self.text):
            return f"ends at position {pos}"
        return f'has "{_visible(self.text[pos])}" at position {pos}'

    def parse(self) -> tuple[Part, ...]:
        if not self.text:
            raise self.fail("is empty; write $request.body.<key>, for example $request.body.action")
        if self.text.startswith("$r"):
            return (self.bare(),)
        return self.template()

    def bare(self) -> Path:
        end = len(self.text)
        path, pos = self.keys(self.expect(_BARE, 0, end), end)
        if not path:
            hint = "for the whole body: ${request.body}"
            raise self.fail(f'{self.at(pos)} where "." and a key were expected ({hint})')
        if pos < end:
            hint = "to add text, use ${request.body...}"
            raise self.fail(f"{self.at(pos)}, which a key cannot contain ({hint})")
        return path

    def template(self) -> tuple[Part, ...]:
        text, pos = self.text, 0
        parts: list[Part] = []
        literal: list[str] = []
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                if text[pos + 1 : pos + 2] not in ("$", "\\"):
                    raise self.fail(f'has a lone "\\" at position {pos}; write \\$ for "$" or \\\\ for "\\"')
                literal.append(text[pos + 1])
                pos += 2
            elif char == "$":
                if not text.startswith("${", pos):
                    raise self.fail(
                        f'has a "$" at position {pos} that does not start ${{request.body...}}; '
                        "write \\$ for a literal dollar sign"
                    )
                close = text.find("}", pos)
                if close < 0:
                    raise self.fail(f'is missing a closing "}}" after position {pos}')
                path, after = self.keys(self.expect(_OPEN, pos, close), close)
                if after < close:
                    raise self.fail(f'{self.at(after)} where "." or "}}" was expected')
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(path)
                pos = close + 1
            else:
                literal.append(char)
                pos += 1
        if literal:
            parts.append("".join(literal))
        return tuple(parts)

    def expect(self, word: str, pos: int, end: int) -> int:
        """Checks `word` at `pos`, stopping at `end`, and reports the first character that differs."""
        for offset, wanted in enumerate(word):
            at = pos + offset
            if at >= end or self.text[at] != wanted:
                hint = "only the body can select a route"
                raise self.fail(f'{self.at(at)} where "{word}" was expected ({hint})')
        return pos + len(word)

    def keys(self, pos: int, end: int) -> tuple[Path, int]:
        """Reads `.key` steps up to `end`; returns them and where the first non-step character is."""
        path: list[str] = []
        while pos < end and self.text[pos] == ".":
            start = pos = pos + 1
            while pos < end and self.text[pos] in _KEY_CHARS:
                pos += 1
            if pos == start:
                if pos >= end or self.text[pos] in ".}":
                    raise self.fail(f"has an empty key at position {pos}")
                raise self.fail(f'{self.at(pos)} where a key was expected (keys use A-Z a-z 0-9 "_" "-")')
            path.append(self.text[start:pos])
        return tuple(path), pos
