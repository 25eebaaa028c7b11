"""Payload templates and the message ids that tie a received frame to the message it delivers.

A template is text with placeholders, filled for each message:

- `{id}`: the message's id, unique in the run (`ld3f9a1c2-17`); a frame that contains it delivers it.
- `{client}`: the index of the sending client, 0 to connections - 1.
- `{ts}`: the time of sending in milliseconds since the epoch.

Only these exact words in braces are placeholders; every other brace (a JSON payload's own) is text.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

ID, CLIENT, TS = "{id}", "{client}", "{ts}"
PLACEHOLDER = re.compile(r"\{(id|client|ts)\}")


@dataclass(frozen=True)
class PayloadTemplate:
    text: str
    parts: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(PLACEHOLDER.split(self.text)))

    @property
    def placeholders(self) -> set[str]:
        return {f"{{{name}}}" for name in self.parts[1::2]}

    def fill(self, message_id: str, client: int, wall: Callable[[], float] = time.time) -> str:
        values = {"id": message_id, "client": str(client), "ts": str(int(wall() * 1000))}
        return "".join(values[part] if index % 2 else part for index, part in enumerate(self.parts))


@dataclass(frozen=True)
class MessageIds:
    """Ids `{run}-{n}`: `run` is random for each run, so frames of an earlier run are never counted, and
    worker `w` of `workers` numbers its messages w, w + workers, ..., so ids never collide across processes."""

    run: str
    worker: int = 0
    workers: int = 1

    @staticmethod
    def new_run() -> str:
        return f"ld{secrets.token_hex(4)}"

    def text(self, n: int) -> str:
        return f"{self.run}-{n}"

    def number(self, seq: int) -> int:
        """The run-wide number of this worker's `seq`-th message."""
        return seq * self.workers + self.worker

    def finder(self) -> Callable[[str], list[int]]:
        """A function giving the numbers of the run's ids found in a frame's text."""
        pattern = re.compile(rf"{re.escape(self.run)}-(\d+)")
        return lambda text: [int(n) for n in pattern.findall(text)]
