"""Console sessions against a server that floods, echoes binary, drops the connection or never closes."""

from __future__ import annotations

import threading

from wstui.core.console import (
    Clock,
    Closed,
    ClosedBy,
    Connected,
    ConnectionTarget,
    ConsoleEvent,
    ConsoleSession,
    Direction,
    Frame,
)

FRAMES = 12_000


def test_every_frame_of_a_flood_arrives_once_and_in_order(toy_server: str) -> None:
    """Counting in the callback (not in a list scanned on each event) keeps the test itself fast."""
    numbers: list[str] = []
    done = threading.Event()
    connected = threading.Event()

    def on_event(event: ConsoleEvent) -> None:
        if isinstance(event, Frame) and event.direction is Direction.RECEIVED:
            numbers.append(event.data)
            if len(numbers) == FRAMES:
                done.set()
        elif isinstance(event, Connected):
            connected.set()

    session = ConsoleSession(ConnectionTarget(f"{toy_server}/numbered"), on_event)
    session.start()
    assert connected.wait(10)
    session.send(f"go {FRAMES}")
    assert done.wait(120), f"{len(numbers)} of {FRAMES} frames arrived"
    session.close()
    assert session.wait(10)
    assert numbers == [str(n) for n in range(FRAMES)]


def test_binary_frames_are_bytes_and_text_frames_are_str(toy_server: str, open_session) -> None:
    ticks = iter(range(100))
    clock = Clock(monotonic=lambda: float(next(ticks)), wall=lambda: 1_700_000_000.0)
    session, log = open_session(ConnectionTarget(f"{toy_server}/echo"), clock=clock)
    session.send(b"\x00\xffbin")
    session.send("héllo")
    log.wait_for(lambda _: len([e for e in log.events if isinstance(e, Frame)]) == 4)
    frames = [(e.direction, e.data, e.size, e.binary) for e in log.events if isinstance(e, Frame)]
    assert sorted(frames, key=str) == sorted([
        (Direction.SENT, b"\x00\xffbin", 5, True), (Direction.RECEIVED, b"\x00\xffbin", 5, True),
        (Direction.SENT, "héllo", 6, False), (Direction.RECEIVED, "héllo", 6, False),
    ], key=str)
    stamps = [e.monotonic for e in log.events if isinstance(e, Frame)]
    assert len(set(stamps)) == 4 and all(e.wall == 1_700_000_000.0 for e in log.events if isinstance(e, Frame))


def test_a_connection_cut_without_a_close_frame_is_closed_by_the_network(toy_server: str, open_session) -> None:
    session, log = open_session(ConnectionTarget(f"{toy_server}/drop"))
    session.send("bye")
    closed = log.wait_for(lambda e: isinstance(e, Closed))
    assert (closed.code, closed.by) == (1006, ClosedBy.NETWORK) and not closed.normal


def test_a_server_that_never_answers_the_close_is_cut_off(toy_server: str, open_session) -> None:
    session, log = open_session(ConnectionTarget(f"{toy_server}/deaf"), close_timeout=0.2)
    session.close(1001, "going")
    closed = log.wait_for(lambda e: isinstance(e, Closed))
    assert (closed.code, closed.reason, closed.by) == (1001, "going", ClosedBy.CLIENT)
    assert session.wait(10)


def test_sessions_send_from_many_threads_at_once(toy_server: str, open_session) -> None:
    session, log = open_session(ConnectionTarget(f"{toy_server}/echo"))
    threads = [threading.Thread(target=lambda n=n: [session.send(f"{n}-{i}") for i in range(50)]) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    log.wait_for(lambda _: sum(isinstance(e, Frame) and e.direction is Direction.RECEIVED for e in log.events) == 200)
    echoed = [e.data for e in log.events if isinstance(e, Frame) and e.direction is Direction.RECEIVED]
    assert sorted(echoed) == sorted(f"{n}-{i}" for n in range(4) for i in range(50))
    for n in range(4):
        assert [x for x in echoed if x.startswith(f"{n}-")] == [f"{n}-{i}" for i in range(50)]
