"""Scenario files: the steps each client runs, for flows beyond one broadcast (join, ask, wait, leave).

A scenario is a TOML file of `[[step]]` tables, each with one action:

    audience = "sender"        # who must receive each message sent: "sender" (default) or "all"

    [[step]]
    connect = true             # open the connection (always the first step; paced by --rate)
    [[step]]
    send = '{"message": "sendmessage", "data": "{id}"}'   # placeholders as in --send
    [[step]]
    wait_for = "{id}"          # until a frame contains this text ({id}: the id this client sent last)
    timeout = 5                # seconds; past it the run counts a wait-timeout and the client goes on
    [[step]]
    think = 0.5                # seconds of pause
    [[step]]
    close = true               # close the connection (else it stays open until the run ends)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from wstui.core.errors import UsageError

DEFAULT_WAIT = 10.0


@dataclass(frozen=True)
class Connect:
    pass


@dataclass(frozen=True)
class Send:
    payload: str


@dataclass(frozen=True)
class WaitFor:
    text: str
    timeout: float = DEFAULT_WAIT


@dataclass(frozen=True)
class Think:
    seconds: float


@dataclass(frozen=True)
class Close:
    pass


Step = Connect | Send | WaitFor | Think | Close
ACTIONS = ("connect", "send", "wait_for", "think", "close")


@dataclass(frozen=True)
class Scenario:
    steps: tuple[Step, ...]
    audience: str = "sender"
    source: str = ""

    @property
    def sends(self) -> int:
        return sum(isinstance(step, Send) for step in self.steps)


def load_scenario(path: Path) -> Scenario:
    """The scenario in the TOML file at `path`; UsageError says what is wrong and at which step."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"Scenario file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"Cannot read scenario file {path}: {error}.") from None
    return parse_scenario(document, str(path))


def parse_scenario(document: dict[str, object], source: str) -> Scenario:
    unknown = set(document) - {"audience", "step"}
    if unknown:
        raise UsageError(f"{source}: unknown key {sorted(unknown)[0]!r}; a scenario has `audience` and [[step]] tables.")
    audience = document.get("audience", "sender")
    if audience not in ("sender", "all"):
        raise UsageError(f'{source}: audience is "sender" or "all", not {audience!r}.')
    tables = document.get("step", [])
    if not isinstance(tables, list) or not tables:
        raise UsageError(f"{source}: no [[step]] tables.")
    steps = tuple(_step(table, f"{source}, step {number}") for number, table in enumerate(tables, 1))
    if not isinstance(steps[0], Connect) or any(isinstance(step, Connect) for step in steps[1:]):
        raise UsageError(f"{source}: the first step, and only it, is `connect = true`.")
    if any(isinstance(step, Close) for step in steps[:-1]):
        raise UsageError(f"{source}: `close = true` can only be the last step.")
    return Scenario(steps, str(audience), source)


def _step(table: dict[str, object], where: str) -> Step:
    actions = [key for key in ACTIONS if key in table]
    if len(actions) != 1:
        raise UsageError(f"{where}: give exactly one of {', '.join(ACTIONS)}.")
    action, value = actions[0], table[actions[0]]
    extra = set(table) - {action} - ({"timeout"} if action == "wait_for" else set())
    if extra:
        raise UsageError(f"{where}: {sorted(extra)[0]!r} does not go with {action}.")
    match action:
        case "connect" | "close" if value is True:
            return Connect() if action == "connect" else Close()
        case "send" | "wait_for" if isinstance(value, str) and value:
            if action == "send":
                return Send(value)
            timeout = table.get("timeout", DEFAULT_WAIT)
            if not isinstance(timeout, int | float) or timeout <= 0:
                raise UsageError(f"{where}: timeout is a number of seconds above zero.")
            return WaitFor(value, float(timeout))
        case "think" if isinstance(value, int | float) and value >= 0:
            return Think(float(value))
    raise UsageError(f"{where}: {action} = {value!r} is not valid (connect/close = true, send/wait_for = text, think = seconds).")
