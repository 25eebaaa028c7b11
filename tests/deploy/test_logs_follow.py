"""`wstui logs --follow` against a real moto server: live tail (moto's StartLiveTail), polling where live
tail is refused or cannot start, and Ctrl-C. The follower's `sleep` is where time passes: the tests
write the next log events there, so nothing waits on a clock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from deployed_logs import STACK, LogWriter, answering, client, deploy, refuse

from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.core.logs.events import Following, LogEvent, LogLine, NoLogGroup
from wstui.core.logs.reader import follow_logs
from wstui.core.logs.sources import LogSource, stack_logs
from wstui.core.project.load import load_project

SEND = "HandlersSendMessageHandleFunction"


def sources_of(clients: AwsClients, project: Path, route: str = "") -> tuple[LogSource, ...]:
    return stack_logs(clients, STACK, load_project(project)).select(route=route)


def followed(events: Iterator[LogEvent], until: Callable[[list[LogEvent]], bool], most: int = 500) -> list[LogEvent]:
    seen: list[LogEvent] = []
    for event in events:
        seen.append(event)
        if until(seen) or len(seen) >= most:
            break
    return seen


def messages(events: list[LogEvent]) -> list[str]:
    return [event.message for event in events if isinstance(event, LogLine)]


def test_follow_uses_live_tail_and_shows_each_line_once_across_sessions(chat_project: Path, aws: AwsTarget, clients: AwsClients) -> None:
    deploy(chat_project, aws)
    sources = sources_of(clients, chat_project, "sendmessage")
    writer = LogWriter(client(aws, "logs"))
    group = sources[0].group
    stream = writer.stream(group)
    now = int(time.time() * 1000)
    writer.put(group, stream, (now - 2_000, "before following"))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        """moto's live tail sends every event of the group, then ends: the next session sends them again."""
        slept.append(seconds)
        writer.put(group, stream, (now + len(slept), f"line {len(slept)}"), (now + len(slept), f"line {len(slept)}"))

    events = follow_logs(clients.logs, sources, "", now - 60_000, sleep)
    seen = followed(events, lambda seen: len(slept) == 4)
    events.close()
    assert Following(True) in seen
    assert messages(seen) == ["before following", "line 1", "line 1", "line 2", "line 2", "line 3", "line 3", "line 4"]


def test_follow_polls_every_page_when_live_tail_is_refused(chat_project: Path, aws: AwsTarget, clients: AwsClients,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore import handlers

    deploy(chat_project, aws)
    refuse(monkeypatch, "StartLiveTail", answering(400, "AccessDeniedException", "not authorized to perform logs:StartLiveTail"))
    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", [  # pages of two events, so that every poll has several
        *handlers.BUILTIN_HANDLERS, ("provide-client-params.logs.FilterLogEvents", lambda params, **_: params.update(limit=2))])
    connected = AwsClients.connect(aws, aws.region)
    sources = sources_of(connected, chat_project, "sendmessage")
    writer = LogWriter(client(aws, "logs"))
    group = sources[0].group
    stream = writer.stream(group)
    now = int(time.time() * 1000)
    writer.put(group, stream, *((now - 5_000 + n, f"early {n}") for n in range(5)))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        n = len(slept)
        writer.put(group, stream, *((now + 10 * n + k, f"poll {n}.{k}") for k in range(3)))
        if n == 2:  # ingested late: older than what the last poll saw
            writer.put(group, writer.stream(group), (now + 10, "late"))

    events = follow_logs(connected.logs, sources, "", now - 60_000, sleep)
    seen = followed(events, lambda seen: len(slept) == 4)
    events.close()
    (following,) = [event for event in seen if isinstance(event, Following)]
    assert not following.live and following.interval == 2.0 and slept == [2.0] * 4
    assert "StartLiveTail answered AccessDeniedException: not authorized to perform logs:StartLiveTail" in following.reason
    expected = [f"early {n}" for n in range(5)] + [f"poll {n}.{k}" for n in (1, 2, 3) for k in range(3)] + ["poll 4.0"]
    assert sorted(messages(seen)) == sorted([*expected, "late"])
    assert messages(seen)[:8] == expected[:8]


def test_polling_picks_up_a_log_group_that_appears(chat_project: Path, aws: AwsTarget, clients: AwsClients) -> None:
    functions = deploy(chat_project, aws)
    sources = sources_of(clients, chat_project)
    writer = LogWriter(client(aws, "logs"))
    group = f"/aws/lambda/{functions[SEND]}"
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        writer.put(group, writer.stream(group), (int(time.time() * 1000), "first invocation"))

    events = follow_logs(clients.logs, sources, "", int(time.time() * 1000) - 60_000, sleep)
    seen = followed(events, lambda seen: bool(messages(seen)))
    events.close()
    assert {event.source.label for event in seen if isinstance(event, NoLogGroup)} == {"$connect", "$disconnect", "sendmessage"}
    (following,) = [event for event in seen if isinstance(event, Following)]
    assert not following.live and "does not exist yet, and live tail only takes existing log groups" in following.reason
    assert messages(seen) == ["first invocation"]


def test_ctrl_c_stops_following_without_a_traceback(chat_project: Path, aws: AwsTarget) -> None:
    functions = deploy(chat_project, aws)
    writer = LogWriter(client(aws, "logs"))
    group = f"/aws/lambda/{functions[SEND]}"
    writer.put(group, writer.stream(group), (int(time.time() * 1000), "hello from the cloud"))
    command = [sys.executable, "-m", "wstui", "--project", str(chat_project), "logs", "--follow", "--route", "sendmessage",
               "--endpoint-url", aws.endpoint_url, "--region", aws.region]
    environment: dict[str, Any] = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment) as follower:
        assert follower.stdout is not None
        line = follower.stdout.readline()
        assert "sendmessage" in line and "hello from the cloud" in line
        follower.send_signal(signal.SIGINT)
        _, errors = follower.communicate(timeout=30)
    assert follower.returncode == 0
    assert "Stopped following." in errors and "Traceback" not in errors


def test_a_sampled_live_tail_is_said(chat_project: Path, aws: AwsTarget, clients: AwsClients) -> None:
    from wstui.core.logs.events import Sampled

    deploy(chat_project, aws)
    sources = sources_of(clients, chat_project, "sendmessage")
    writer = LogWriter(client(aws, "logs"))
    group = sources[0].group
    now = int(time.time() * 1000)
    writer.put(group, writer.stream(group), *((now - 1_000, f"busy {n}") for n in range(501)))
    events = follow_logs(clients.logs, sources, "", now - 60_000, lambda _: None)
    seen = followed(events, lambda seen: isinstance(seen[-1], Sampled), most=1_000)
    events.close()
    assert isinstance(seen[-1], Sampled) and len(messages(seen)) == 501


def test_live_tail_works_when_the_endpoint_comes_from_the_environment(
    chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_ENDPOINT_URL_CLOUDWATCH_LOGS alone (no --endpoint-url): botocore's `stream-` host prefix would make a host name
    that does not resolve, and the follower would fall back to polling."""
    deploy(chat_project, aws)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", aws.endpoint_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", aws.endpoint_url)
    from_environment = AwsClients.connect(AwsTarget(region=aws.region), aws.region)
    sources = sources_of(from_environment, chat_project, "sendmessage")
    writer = LogWriter(client(aws, "logs"))
    group = sources[0].group
    stream = writer.stream(group)
    now = int(time.time() * 1000)
    writer.put(group, stream, (now, "arrives"))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        writer.put(group, stream, (now + len(slept), f"then {len(slept)}"))

    events = follow_logs(from_environment.logs, sources, "", now - 60_000, sleep)
    seen = followed(events, lambda seen: bool(slept) and "arrives" in messages(seen), most=50)
    events.close()
    assert Following(True) in seen, seen
    assert "arrives" in messages(seen)
