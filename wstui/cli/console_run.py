"""One scripted console session from connect to close, printing events as they arrive.

The session's callback only queues events; this thread prints them, so output is never interleaved.
"""

from __future__ import annotations

import queue
import time

import click

from wstui.cli.console_render import json_line, plain_line
from wstui.core.console import (
    Closed,
    ClosedBy,
    Connected,
    ConnectionTarget,
    ConsoleError,
    ConsoleEvent,
    ConsoleSession,
    Failed,
)


class ConsoleRun:
    def __init__(self, target: ConnectionTarget, as_json: bool, timeout: float) -> None:
        self.events: queue.Queue[ConsoleEvent] = queue.Queue()
        self.session = ConsoleSession(target, self.events.put, timeout=timeout)
        self.render = json_line if as_json else plain_line

    def run(self, payloads: list[str], wait: float) -> int:
        """Connect, send, print until `wait` seconds after the last send; the exit code."""
        self.session.start()
        try:
            self._until_connected()
            for payload in payloads:
                try:
                    self.session.send(payload)
                except ConsoleError:
                    break  # the server closed meanwhile: its Closed event is queued
            closed = self._print_until(time.monotonic() + wait)
            if closed is None:
                self.session.close()
                closed = self._print_until(None)
        except KeyboardInterrupt:
            self.session.close()
            self.session.wait(self.session.close_timeout)
            return 130
        return self._exit_code(closed)

    def _until_connected(self) -> None:
        while True:
            try:
                event = self.events.get(timeout=self.session.timeout + 5)
            except queue.Empty:  # name resolution has no timeout of its own
                raise ConsoleError(f"No answer connecting to {self.session.target.shown_url}.") from None
            self._print(event)
            if isinstance(event, Failed):
                raise ConsoleError(event.message, *event.remedies)
            if isinstance(event, Connected):
                return

    def _print_until(self, deadline: float | None) -> Closed | None:
        """Print events until the session closes or `deadline` (monotonic) passes; the Closed event, if any."""
        while True:
            if deadline is None:
                timeout = self.session.close_timeout + 5
            else:
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    return None
            try:
                event = self.events.get(timeout=timeout)
            except queue.Empty:
                if deadline is None:
                    raise ConsoleError("The connection did not close.") from None
                return None
            self._print(event)
            if isinstance(event, Closed):
                return event

    def _print(self, event: ConsoleEvent) -> None:
        line = self.render(event)
        if line is not None:
            click.echo(line)

    @staticmethod
    def _exit_code(closed: Closed) -> int:
        if closed.by is ClosedBy.CLIENT:
            return 0
        who = "the server" if closed.by is ClosedBy.SERVER else "the network"
        click.echo(f"Connection closed by {who}: {closed.code} {closed.reason}".rstrip(), err=True)
        return 0 if closed.by is ClosedBy.SERVER and closed.normal else 1
