"""Console sessions against servers that flood, echo binary, drop the connection, never close or never answer."""

from __future__ import annotations

import queue
import socket
import threading

import websocket

from wstui.core.console import (
    Clock,
    Closed,
    ClosedBy,
    Connected,
    ConnectionTarget,
    ConsoleEvent,
    ConsoleSession,
    Direction,
    Failed,
    FailureKind,
    Frame,
)
from wstui.core.console.failures import describe_failure

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


def echo_from_threads(session: ConsoleSession, log, each: int, threads: int = 4) -> None:  # type: ignore[no-untyped-def]
    """Thread n sends "n-0" to "n-(each-1)" on `session` to the echo path; returns once every echo is in."""
    senders = [threading.Thread(target=lambda n=n: [session.send(f"{n}-{i}") for i in range(each)]) for n in range(threads)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(30)
    for last in (f"{n}-{each - 1}" for n in range(threads)):  # each thread's echoes come in the order it sent
        log.wait_for(lambda e, last=last: isinstance(e, Frame) and e.direction is Direction.RECEIVED and e.data == last)


def test_sessions_send_from_many_threads_at_once(toy_server: str, open_session) -> None:
    session, log = open_session(ConnectionTarget(f"{toy_server}/echo"))
    echo_from_threads(session, log, 50)
    echoed = [e.data for e in log.events if isinstance(e, Frame) and e.direction is Direction.RECEIVED]
    assert sorted(echoed) == sorted(f"{n}-{i}" for n in range(4) for i in range(50))
    for n in range(4):
        assert [x for x in echoed if x.startswith(f"{n}-")] == [f"{n}-{i}" for i in range(50)]


def test_an_answer_is_never_reported_before_the_message_it_answers(toy_server: str, open_session) -> None:
    """The echo can be read before the sending thread reports its frame; the log and the reply times
    (which pair each answer with the oldest unanswered message) must still see the message first."""
    session, log = open_session(ConnectionTarget(f"{toy_server}/echo"))
    echo_from_threads(session, log, 150)
    reported: set[str | bytes] = set()
    for event in log.events:
        if isinstance(event, Frame):
            if event.direction is Direction.SENT:
                reported.add(event.data)
            else:
                assert event.data in reported, f"the echo of {event.data!r} came before the message"


def failure_of(url: str, timeout: float = 10.0) -> Failed:
    events: queue.Queue[ConsoleEvent] = queue.Queue()
    session = ConsoleSession(ConnectionTarget(url), events.put, timeout=timeout)
    session.start()
    assert session.wait(30)
    *_, failed = list(events.queue)
    assert isinstance(failed, Failed)
    return failed


def test_a_server_that_never_answers_the_handshake_times_out() -> None:
    with socket.socket() as silent:  # listens, so the TCP connection opens, but never reads or answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        failed = failure_of(f"ws://127.0.0.1:{port}/v1", timeout=0.3)
    assert failed.kind is FailureKind.TIMEOUT
    assert failed.message == f"Timed out after 0.3 s connecting to ws://127.0.0.1:{port}/v1."


def test_wss_to_a_plain_server_is_a_tls_failure(toy_server: str) -> None:
    failed = failure_of(toy_server.replace("ws://", "wss://") + "/echo")
    assert failed.kind is FailureKind.TLS and failed.message.startswith("The TLS handshake with 127.0.0.1:")


def test_a_name_that_does_not_resolve_is_a_dns_failure() -> None:
    """Resolving a name would leave the loopback, so the error websocket-client raises is built here."""
    error = websocket.WebSocketAddressException(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    kind, message, status, body = describe_failure(error, "wss://nosuchhost.example/v1", 10.0)
    assert (kind, status, body) == (FailureKind.DNS, None, "")
    assert message == "Cannot resolve the host name nosuchhost.example (DNS: Name or service not known)."
