"""Ctrl-C and SIGTERM for a command that runs an asyncio loop, received however busy the loop is.

asyncio's `add_signal_handler` learns of a signal from a byte that Python's C-level handler writes to
the loop's self-pipe, the socket every `call_soon_threadsafe` also writes a byte to. Under load (a
thousand `$disconnect` calls ending in handler threads while the loop is busy) that socket fills up
(278 one-byte writes on Linux), the signal's byte is dropped, and the signal is lost (CPython issue
#74224): `wstui dev` went on running after Ctrl-C. Here the signals get a socket of their own, which
nothing else writes to.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def receive_signals(
    loop: asyncio.AbstractEventLoop, signums: tuple[int, ...], callback: Callable[[int], object]
) -> Iterator[None]:
    """Call `callback(signum)` on the loop for each of `signums` received, while the block runs.
    Must be entered in the main thread (Python runs signal handlers there, and only there sets them)."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)

    def received() -> None:
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while data := reader.recv(64):
                for signum in data:
                    if signum in signums:
                        callback(signum)

    # A Python-level handler is what makes the C-level one write the signal's byte; it does nothing itself.
    previous = {signum: signal.signal(signum, lambda *_: None) for signum in signums}
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    loop.add_reader(reader.fileno(), received)
    try:
        yield
    finally:
        loop.remove_reader(reader.fileno())
        signal.set_wakeup_fd(previous_fd)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        reader.close()
        writer.close()
