"""The queue between the sessions' reader threads and the Console area: bounded, and it never loses a state change."""

from __future__ import annotations

from wstui.core.console import Closed, ClosedBy, Connected, Direction, Frame
from wstui.tui.console.feed import ConsoleFeed


def frame(session: str, number: int) -> Frame:
    return Frame(session, Direction.RECEIVED, number, number, 1, str(number))


def test_frames_beyond_the_bound_are_counted_and_dropped_but_a_close_is_kept() -> None:
    feed = ConsoleFeed(bound=3)
    feed.put(Connected("c1", "ws://127.0.0.1:1/v1", 101, 0))
    for number in range(4):
        feed.put(frame("c1", number))
    feed.put(frame("c2", 9))
    feed.put(Closed("c1", 1000, "", ClosedBy.SERVER, 5))
    drained = feed.drain()
    assert [type(e).__name__ for e in drained] == ["Connected", "Frame", "Frame", "Closed"]
    assert [e.data for e in drained if isinstance(e, Frame)] == ["0", "1"]
    assert feed.dropped == {"c1": 2, "c2": 1}
    assert feed.drain() == []
    feed.put(frame("c1", 10))
    assert feed.drain() == [frame("c1", 10)], "room again once drained"
