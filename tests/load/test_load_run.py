"""The load core against the real local gateway on 127.0.0.1: deliveries matched, rates kept, kinds told apart."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from wstui.core.console.target import ConnectionTarget
from wstui.core.errors import UsageError
from wstui.core.load import (
    Audience,
    ErrorKind,
    LoadEvent,
    LoadPlan,
    LoadRun,
    LoadSnapshot,
    LoadStopping,
    StopReason,
)
from wstui.core.load.samples import SampleBatch
from wstui.core.load.scenario import parse_scenario
from wstui.core.load.tally import Tally
from wstui.core.local.activity import ConnectionOpened
from wstui.core.local.gateway import Limits


def run(plan: LoadPlan) -> tuple[list[LoadEvent], object]:
    events: list[LoadEvent] = []
    report = LoadRun(plan, events.append).run()
    return events, report


def test_a_broadcast_reaches_every_client_and_is_timed(chat: Path, start_service) -> None:
    running = start_service(chat)
    plan = LoadPlan(ConnectionTarget(running.url), connections=24, rate=200, duration=1.5, every=0.4, senders=2, drain=10)
    events, report = run(plan)
    assert report.errors == {}
    assert report.handshakes_ok == 24 and report.handshake is not None and report.handshake.count == 24
    assert report.messages_sent >= 4 and report.messages_complete == report.messages_sent
    assert report.completeness == 1.0
    assert report.deliveries_received == report.deliveries_expected >= 4 * 20
    assert report.first_recipient.count == report.last_recipient.count == report.messages_sent
    assert 0 < report.first_recipient.p50 <= report.last_recipient.p50 <= report.last_recipient.p99
    assert sum(bucket.count for bucket in report.histogram) == report.deliveries_received
    assert report.stopped_by is StopReason.DURATION and not report.interrupted
    snapshots = [e for e in events if isinstance(e, LoadSnapshot)]
    assert max(s.connections_open for s in snapshots) == 24
    assert any(s.recent_latencies_ms for s in snapshots), "snapshots carry latencies for a live chart"


def test_no_message_is_sent_at_or_after_the_end_of_the_duration(chat: Path, start_service) -> None:
    """Each sender sends at 0.3, 0.6 and 0.9 s after it connected; the one due at 1.2 s is past the 1.05 s
    the run lasts from the first handshake, however late the run's half-second tick notices the end."""
    running = start_service(chat)
    plan = LoadPlan(ConnectionTarget(running.url), connections=2, rate=100, duration=1.05, every=0.3, senders=2, drain=10)
    _events, report = run(plan)
    assert report.stopped_by is StopReason.DURATION
    assert report.messages_sent == 6 == plan.messages and report.completeness == 1.0


def test_messages_due_within_25_ms_of_each_other_leave_together(chat: Path, start_service,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Three senders connect about 10 ms apart (100 handshakes per second; the first may take longer, its
    `$connect` being the first); each message is due 0.5 s after the previous one of its sender, so the
    second and third senders' are due about 10 ms apart: they leave in one wake-up."""
    sent: dict[int, list[float]] = {}

    class Recording(Tally):
        def add(self, batch: SampleBatch) -> None:
            for _n, client, at in batch.sent:
                sent.setdefault(client, []).append(at)
            super().add(batch)

    monkeypatch.setattr("wstui.core.load.run.Tally", Recording)
    running = start_service(chat)
    plan = LoadPlan(ConnectionTarget(running.url), connections=3, rate=100, duration=1.2, every=0.5, senders=3, drain=10)
    _events, report = run(plan)
    assert report.messages_sent == 6 and report.completeness == 1.0
    assert all(abs(third - second) < 0.002 for second, third in zip(sent[1], sent[2], strict=True)), sent


def test_handshakes_never_exceed_the_rate(chat: Path, start_service) -> None:
    running = start_service(chat)
    opened: list[float] = []
    record = running.record
    running.record = lambda event: (isinstance(event, ConnectionOpened) and opened.append(time.monotonic()), record(event))
    plan = LoadPlan(ConnectionTarget(running.url), connections=30, rate=20, duration=1.5, senders=0)
    _events, report = run(plan)
    assert report.handshakes_ok == 30
    assert report.handshake_peak_per_second == 20, "measured at the client: 20 starts in a second, never 21"
    assert len(opened) == 30
    assert opened[-1] - opened[0] > 1.0, "the gateway saw them spread over more than a second, not in one burst"


def test_a_handshake_without_the_token_is_a_401_and_ends_the_run(chat_with_token: Path, start_service) -> None:
    running = start_service(chat_with_token)
    plan = LoadPlan(ConnectionTarget(running.url), connections=5, rate=100, duration=60)
    events, report = run(plan)
    assert report.errors == {ErrorKind.HTTP_401: 5}
    assert report.errors_in("refusal") == {"http-401": 5} and report.handshakes_ok == 0
    assert [e.reason for e in events if isinstance(e, LoadStopping)] == [StopReason.ALL_ENDED]
    assert report.completeness is None and report.last_recipient is None


def test_an_oversize_message_is_a_1009_close(chat: Path, start_service) -> None:
    running = start_service(chat, limits=Limits(max_message_bytes=64))
    payload = '{"message": "sendmessage", "data": "{id}", "pad": "' + "x" * 80 + '"}'
    plan = LoadPlan(ConnectionTarget(running.url), connections=3, rate=100, duration=1, every=0.2, payload=payload)
    _events, report = run(plan)
    assert report.errors == {ErrorKind.CLOSE_1009: 1}
    assert report.errors_in("close") == {"close-1009": 1}
    assert report.messages_sent == 1 and report.deliveries_received == 0 and report.completeness == 0.0


def test_a_scenario_runs_its_steps_for_every_client(chat: Path, start_service) -> None:
    running = start_service(chat)
    scenario = parse_scenario({"step": [
        {"connect": True},
        {"send": '{"message": "sendmessage", "data": "{id} from {client}"}'},
        {"wait_for": "{id} from {client}", "timeout": 10},
        {"think": 0.1},
        {"close": True},
    ]}, "test")
    plan = LoadPlan(ConnectionTarget(running.url), connections=6, rate=100, duration=30, scenario=scenario)
    events, report = run(plan)
    assert plan.audience is Audience.SENDER
    assert [e.reason for e in events if isinstance(e, LoadStopping)] == [StopReason.SCENARIO]
    assert report.errors == {}
    assert report.messages_sent == 6 and report.completeness == 1.0
    assert report.scenario_waits is not None and report.scenario_waits.count == 6


def test_a_wait_that_sees_nothing_is_counted(chat: Path, start_service) -> None:
    running = start_service(chat)
    scenario = parse_scenario({"step": [{"connect": True}, {"wait_for": "never sent", "timeout": 0.2}]}, "test")
    _events, report = run(LoadPlan(ConnectionTarget(running.url), connections=2, rate=100, duration=30, scenario=scenario))
    assert report.errors == {ErrorKind.WAIT_TIMEOUT: 2} and report.errors_in("frame") == {"wait-timeout": 2}


@pytest.mark.parametrize(("document", "complaint"), [
    ({"step": [{"send": "x"}]}, "the first step, and only it, is `connect = true`"),
    ({"step": [{"connect": True}, {"close": True}, {"send": "x"}]}, "`close = true` can only be the last step"),
    ({"step": [{"connect": True, "send": "x"}]}, "step 1: give exactly one of"),
    ({"step": [{"connect": True}, {"think": "long"}]}, "step 2: think = 'long' is not valid"),
    ({"audience": "some", "step": [{"connect": True}]}, 'audience is "sender" or "all"'),
])
def test_a_scenario_that_cannot_run_says_why(document: dict, complaint: str) -> None:
    with pytest.raises(UsageError, match=complaint.replace("(", r"\(")):
        parse_scenario(document, "s.toml")


@pytest.mark.parametrize(("duration", "every", "messages"), [(20, 1, 19), (1.05, 0.3, 3), (1.2, 0.4, 2), (0.5, 1, 0)])
def test_the_plan_counts_the_messages_its_first_sender_sends(duration: float, every: float, messages: int) -> None:
    """None is due at or after the end, so a duration that `every` divides evenly holds one fewer."""
    plan = LoadPlan(ConnectionTarget("ws://127.0.0.1:1/v1"), connections=10, rate=100, duration=duration, every=every)
    assert plan.messages == messages and plan.deliveries == messages * 10


def test_a_plan_that_cannot_work_is_refused_before_it_starts() -> None:
    target = ConnectionTarget("ws://127.0.0.1:1/v1")
    with pytest.raises(UsageError, match=r"has no \{id\}"):
        LoadPlan(target, payload='{"message": "sendmessage", "data": "hi"}')
    with pytest.raises(UsageError, match="takes 99.9 s, more than the duration"):
        LoadPlan(target, connections=1000, rate=10, duration=20)


def test_the_open_files_limit_is_raised_up_to_the_hard_limit() -> None:
    program = (
        "import resource\n"
        "from wstui.core.load.files import raise_open_files_limit\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, 6000))\n"
        "print(raise_open_files_limit(5000), resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, 1024))\n"
        "from wstui.cli.remedies import said\n"
        "from wstui.tui.remedies import said as said_in_the_app\n"
        "try:\n"
        "    raise_open_files_limit(5000)\n"
        "except Exception as error:\n"
        "    print(said(error))\n"
        "    print(said_in_the_app(error))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    first, cli, app, _ = result.stdout.split("\n")
    assert first == "5064 5064"
    assert "5000 connections in one process need 5064 open files, and this system allows 1024" in cli
    assert "--workers 6 or more" in cli
    assert "lower Connections to 960 or fewer" in app and "--workers" not in app
