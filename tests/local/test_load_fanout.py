"""The fan-out benchmark, small: `wstui load --local` in the scaffolded project, against `wstui dev`, measures
every broadcast of its one sender, and the benchmark reads how `wstui dev` logged them and what both cost."""

from __future__ import annotations

from bench.load_fanout import run_fanout


def test_a_small_fan_out_run_measures_every_broadcast_and_both_processes() -> None:
    fan_out = run_fanout(connections=10, rate=50, every=0.5, seconds=1.5)
    report = fan_out.report
    assert fan_out.load.exit_code == 0, fan_out.load.stderr
    assert report["handshakes_ok"] == 10 and report["stopped_by"] == "duration"
    assert report["messages_sent"] >= 3 and report["messages_complete"] == report["messages_sent"]
    assert report["completeness"] == 1.0 and report["last_recipient"]["count"] == report["messages_sent"]
    assert fan_out.broadcasts == {"ok": report["messages_sent"]}
    assert fan_out.load.cpu_seconds > 0 and fan_out.dev_cpu_seconds > 0
