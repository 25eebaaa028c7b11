"""A console session's figures: frames per second each way, and the reply time of two-way routes
(routes chosen by the project's own expression)."""

from __future__ import annotations

import json

from wstui.core.console import Direction, Frame
from wstui.core.console.rates import SessionRates, two_way_frames
from wstui.core.project.model import ApiSettings, Project, ProjectSettings, RouteSettings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def frame(direction: Direction, at: float, data: str) -> Frame:
    return Frame("c1", direction, at, at, len(data), data)


PROJECT = Project(
    ProjectSettings("chat"),
    api=ApiSettings(route_selection_expression="$request.body.action"),
    routes=[RouteSettings("whoami", "handlers.whoami:handle", two_way=True),
            RouteSettings("sendmessage", "handlers.send:handle")],
)


def test_only_frames_to_two_way_routes_expect_a_reply() -> None:
    expects = two_way_frames(PROJECT)
    assert expects(json.dumps({"action": "whoami"}))
    assert not expects(json.dumps({"action": "sendmessage"}))
    assert not expects(json.dumps({"message": "whoami"}))
    assert not expects("not json")


def test_frames_per_second_and_the_time_to_the_next_frame_after_a_two_way_send() -> None:
    clock = Clock()
    rates = SessionRates(two_way_frames(PROJECT), clock=clock)
    rates.tick()
    rates.record([
        frame(Direction.SENT, 1.000, json.dumps({"action": "sendmessage"})),
        frame(Direction.RECEIVED, 1.002, '"broadcast"'),
        frame(Direction.SENT, 1.100, json.dumps({"action": "whoami"})),
        frame(Direction.RECEIVED, 1.125, '{"principalId": "me"}'),
    ])
    clock.now = 0.5
    rates.tick()
    assert (rates.sent.latest, rates.received.latest) == (4.0, 4.0)
    assert round(rates.last_round_trip_ms or 0, 3) == 25.0
    assert [round(value, 3) for value in rates.round_trip_ms] == [0.0, 25.0]
