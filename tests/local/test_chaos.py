"""The short form of `bench/chaos.py`: hostile clients against `wstui dev` in its own process."""

from __future__ import annotations

from bench.chaos import run_chaos


def test_a_short_chaos_run_leaves_the_gateway_serving_and_every_connection_accounted_for() -> None:
    report = run_chaos(clients=20, seconds=5, seed=7)
    assert report.problems() == []
    hostile = ("garbage", "oversize", "binary", "stall", "vanish")
    assert all(report.actions[action] > 0 for action in hostile), report.actions
    assert report.connects >= 20
