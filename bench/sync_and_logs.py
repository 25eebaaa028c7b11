"""`wstui sync` against `wstui deploy` for a one-line handler change, and `wstui logs --follow`'s delay
and throughput; against a moto server on 127.0.0.1, prints figures, asserts nothing.

    python bench/sync_and_logs.py [--runs 3] [--probes 15] [--rate 100] [--seconds 30]

Scaffolds the chat service with `wstui new`, deploys it (`wstui deploy --create-bucket --yes`), then:

- changes one line of `handlers/send_message.py` and times `wstui sync` from process start to exit,
  `runs` times; checks each time that the function's CodeSha256 changed. The same under one
  `wstui sync --watch`, from the file's save to the "Updated ..." line on its stdout. The same change
  through `wstui deploy --yes`, for comparison.
- counts the AWS calls each makes: the moto server is wrapped in a WSGI middleware that records each
  request's service (from its SigV4 credential scope) and action (X-Amz-Target, the query protocol's
  `Action`, or the REST method and path), so what is counted is every HTTP request that reached moto.
- creates the functions' log groups (Lambda would, at their first invocation), starts
  `wstui logs --route sendmessage --follow --json` as a user would and reads which path it took (live
  tail or polling) from its stderr. Single events put with PutLogEvents at random moments give the
  delay from the call to the line on its stdout; then `rate` events a second for `seconds` seconds
  (batches of a tenth of a second) give events written against lines shown, duplicates, each event's
  delay, and the lag of the last one.

Every command gets `--endpoint-url`, as docs/deploy.md does: with the endpoint only in
AWS_ENDPOINT_URL, botocore adds live tail's `stream-` host prefix and `wstui logs` polls instead.
The moto server runs in this process (a thread), so it shares the machine's 2 cores with the commands.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import queue
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs

import boto3
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import MotoRequestHandler
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from moto_models import apigatewayv2 as moto_apigatewayv2  # noqa: E402  (the tests' CloudFormation support for the API)

WSTUI = [sys.executable, "-m", "wstui"]
REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
STACK = "chat-v1"
HANDLER = Path("handlers") / "send_message.py"
CHANGED_LINE = re.compile(r"^MAX_CONCURRENT_POSTS = \d+$", re.MULTILINE)
_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/(?P<service>[^/]+)/")


class CallCounter:
    """WSGI middleware in front of moto: one name per request, `service Action`."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        name = self._name(environ)
        with self._lock:
            self.calls.append(name)
        return self.app(environ, start_response)

    def take(self) -> Counter[str]:
        """The calls since the last take."""
        with self._lock:
            taken, self.calls = self.calls, []
        return Counter(taken)

    @staticmethod
    def _name(environ: dict[str, Any]) -> str:
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope["service"] if scope else "unsigned"
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            return f"{service} {target.rpartition('.')[2]}"
        if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            action = parse_qs(body.decode()).get("Action", [""])[0]
            if action:
                return f"{service} {action}"
        path = environ.get("PATH_INFO", "")
        if service == "s3":
            return f"s3 {environ['REQUEST_METHOD']} {'bucket' if path.strip('/').count('/') == 0 else 'object'}"
        return f"{service} {environ['REQUEST_METHOD']} {re.sub(r'/functions/[^/]+', '/functions/NAME', path)}"


class CountingMotoServer(ThreadedMotoServer):
    """moto's threaded server with a `CallCounter` in front."""

    def __init__(self) -> None:
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self.counter = CallCounter(DomainDispatcherApplication(create_backend_app))

    def _server_entry(self) -> None:
        self._server = make_server(self._ip_address, self._port, self.counter, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


@dataclass
class Lines:
    """A process's output, line by line, each with the moment it was read; a thread per stream."""

    stream: IO[str]
    received: queue.Queue[tuple[float, str]] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.stream:
            self.received.put((time.perf_counter(), line.rstrip("\n")))

    def until(self, prefix: str, timeout: float = 120) -> tuple[float, str]:
        """The first line from now on that starts with `prefix`, and when it was read."""
        deadline = time.perf_counter() + timeout
        while True:
            at, line = self.received.get(timeout=max(0.01, deadline - time.perf_counter()))
            if line.startswith(prefix):
                return at, line


def change_handler(project: Path, run: int) -> None:
    """One line of the sendmessage handler, different each run."""
    path = project / HANDLER
    text = CHANGED_LINE.sub(f"MAX_CONCURRENT_POSTS = {100 + run}", path.read_text(encoding="utf-8"), count=1)
    path.write_text(text, encoding="utf-8")


def sendmessage_function(endpoint: str) -> str:
    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name=REGION, **KEYS)
    rows = cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    return next(r["PhysicalResourceId"] for r in rows if r["LogicalResourceId"] == "HandlersSendMessageHandleFunction")


def code_sha(endpoint: str, function: str) -> str:
    client = boto3.client("lambda", endpoint_url=endpoint, region_name=REGION, **KEYS)
    return str(client.get_function(FunctionName=function)["Configuration"]["CodeSha256"])


def calls_text(calls: Counter[str]) -> str:
    return f"{sum(calls.values())} calls: " + ", ".join(f"{name} x{count}" if count > 1 else name
                                                       for name, count in sorted(calls.items()))


def summary(samples: Iterable[float]) -> str:
    values = list(samples)
    return f"median {statistics.median(values):6.0f} ms   min {min(values):6.0f}   max {max(values):6.0f}   ({len(values)} runs)"


def time_command(name: str, command: list[str], project: Path, env: dict[str, str], endpoint: str,
                 server: CountingMotoServer, runs: int, first_run: int) -> None:
    """`command` after a one-line change, as a fresh process each run; one unmeasured run first."""
    function = sendmessage_function(endpoint)
    samples = []
    calls: list[Counter[str]] = []
    for run in range(first_run, first_run + runs + 1):
        change_handler(project, run)
        before = code_sha(endpoint, function)
        server.counter.take()
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        elapsed = (time.perf_counter() - start) * 1000
        counted = server.counter.take()
        if result.returncode != 0 or code_sha(endpoint, function) == before:
            raise SystemExit(f"{' '.join(command)} did not update the function:\n{result.stdout}\n{result.stderr}")
        if run > first_run:
            samples.append(elapsed)
            calls.append(counted)
    print(f"{name:<44} {summary(samples)}")
    for counted in {calls_text(c) for c in calls}:
        print(f"    {counted}")


def time_watch(project: Path, env: dict[str, str], endpoint: str, server: CountingMotoServer, runs: int,
               first_run: int) -> None:
    """Save to "Updated ..." under one `wstui sync --watch`; the save to its "Changed:" line too."""
    function = sendmessage_function(endpoint)
    process = subprocess.Popen([*WSTUI, "--project", str(project), "sync", "--endpoint-url", endpoint, "--watch"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    lines = Lines(process.stdout)
    try:
        lines.until("Watching")
        updated, seen, calls = [], [], []
        for run in range(first_run, first_run + runs + 1):
            server.counter.take()
            start = time.perf_counter()
            change_handler(project, run)
            changed_at, _ = lines.until("Changed:")
            updated_at, _ = lines.until("Updated ")
            lines.until("Synced ")
            counted = server.counter.take()
            if run > first_run:
                seen.append((changed_at - start) * 1000)
                updated.append((updated_at - start) * 1000)
                calls.append(counted)
        print(f"{'wstui sync --watch: save to Updated line':<44} {summary(updated)}")
        print(f"{'    of which save to Changed line':<44} {summary(seen)}")
        for counted in {calls_text(c) for c in calls}:
            print(f"    {counted}")
        assert code_sha(endpoint, function)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def follow(project: Path, env: dict[str, str], endpoint: str, server: CountingMotoServer, probes: int, rate: int,
           seconds: int) -> None:
    """`wstui logs --route sendmessage --follow --json`, with every function's log group there. One group only:
    moto 5.2.6 resolves every live tail `logGroupIdentifiers` entry to the last group created, so with three
    groups each event would come three times in one session (which wstui, by design, shows as three
    identical lines)."""
    logs = boto3.client("logs", endpoint_url=endpoint, region_name=REGION, **KEYS)
    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name=REGION, **KEYS)
    rows = cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
    groups = {r["LogicalResourceId"]: f"/aws/lambda/{r['PhysicalResourceId']}" for r in rows
              if r["ResourceType"] == "AWS::Lambda::Function"}
    for group in groups.values():
        logs.create_log_group(logGroupName=group)
    target = groups["HandlersSendMessageHandleFunction"]
    stream = "2026/12/04/[$LATEST]bench"
    logs.create_log_stream(logGroupName=target, logStreamName=stream)

    def put(messages: list[str]) -> None:
        now = int(time.time() * 1000)
        logs.put_log_events(logGroupName=target, logStreamName=stream,
                            logEvents=[{"timestamp": now, "message": message} for message in messages])

    process = subprocess.Popen([*WSTUI, "--project", str(project), "logs", "--endpoint-url", endpoint, "--route", "sendmessage",
                                "--follow", "--json"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    out, notes = Lines(process.stdout), Lines(process.stderr)
    try:
        _, how = notes.until("Following")
        print(f"wstui logs --route sendmessage --follow --json: {how!r}")
        # A first line shown means the follower is past its first reading.
        put(["warm-up"])
        out.until("{")
        delays = []
        for probe in range(probes):
            time.sleep(random.uniform(0, 2.0))  # a random moment of the follower's cycle
            start = time.perf_counter()
            put([f"probe {probe}"])
            shown_at, _ = until_message(out, f"probe {probe}")
            delays.append((shown_at - start) * 1000)
        print(f"{'PutLogEvents to the line on stdout':<44} {summary(delays).replace('runs', 'events')}")

        server.counter.take()
        written: dict[str, float] = {}
        batch = max(1, rate // 10)
        begin = time.perf_counter()
        for tick in range(seconds * 10):
            time.sleep(max(0.0, begin + tick / 10 - time.perf_counter()))
            messages = [f"load {tick * batch + index}" for index in range(batch)]
            at = time.perf_counter()
            put(messages)
            written.update(dict.fromkeys(messages, at))
        ended = time.perf_counter()
        follower_calls = Counter({name: count for name, count in server.counter.take().items() if "PutLogEvents" not in name})
        last = f"load {len(written) - 1}"
        shown: Counter[str] = Counter()
        delay: dict[str, float] = {}
        deadline = ended + 30
        while last not in shown and time.perf_counter() < deadline:
            try:
                at, line = out.received.get(timeout=max(0.01, deadline - time.perf_counter()))
            except queue.Empty:
                break
            message = json.loads(line)["message"] if line.startswith("{") else ""
            if message.startswith("load "):
                shown[message] += 1
                delay.setdefault(message, (at - written[message]) * 1000)
        time.sleep(3)  # a further cycle or two, for duplicates that would come late
        while not out.received.empty():
            _, line = out.received.get()
            message = json.loads(line)["message"] if line.startswith("{") else ""
            if message.startswith("load "):
                shown[message] += 1
        duplicates = sum(count - 1 for count in shown.values())
        lag = f"{delay[last]:.0f} ms" if last in delay else "not shown within 30 s"
        print(f"{rate} events/s for {seconds} s: {len(written)} written in {ended - begin:.1f} s, {len(shown)} shown, "
              f"{duplicates} duplicates, {len(set(written) - set(shown))} missing; last event shown {lag} after its write")
        repeated = [f"{message} x{count}" for message, count in sorted(shown.items(), key=lambda i: int(i[0].split()[1])) if count > 1]
        if repeated:
            print(f"    shown more than once: {', '.join(repeated[:5])}{', ...' if len(repeated) > 5 else ''}")
        values = sorted(delay.values())
        print(f"    each event's delay: median {statistics.median(values):.0f} ms, "
              f"p95 {values[int(0.95 * (len(values) - 1))]:.0f} ms, max {values[-1]:.0f} ms")
        print(f"    follower's calls during the {seconds} s: {calls_text(follower_calls)}")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def until_message(out: Lines, message: str) -> tuple[float, str]:
    while True:
        at, line = out.until("{")
        if json.loads(line)["message"] == message:
            return at, line


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probes", type=int, default=15)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto_apigatewayv2.register()
    server = CountingMotoServer()
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION,
           "COLUMNS": "250", "PYTHONUNBUFFERED": "1"}
    print(f"load average before: {load_average()}")
    try:
        with tempfile.TemporaryDirectory(prefix="wstui-sync-logs-") as scratch:
            subprocess.run([*WSTUI, "new", "chat", "--no-input", "-o", scratch], env=env, capture_output=True, check=True)
            project = Path(scratch) / "chat"
            at = ["--project", str(project)]
            to = ["--endpoint-url", endpoint]  # as docs/deploy.md does: the endpoint named, so no host prefixes
            subprocess.run([*WSTUI, *at, "deploy", *to, "--create-bucket", "--yes"], env=env, capture_output=True, check=True)
            server.counter.take()
            time_command("wstui sync (process start to exit)", [*WSTUI, *at, "sync", *to], project, env, endpoint, server,
                         args.runs, 0)
            time_watch(project, env, endpoint, server, args.runs, 100)
            time_command("wstui deploy --yes (process start to exit)", [*WSTUI, *at, "deploy", *to, "--yes"], project, env,
                         endpoint, server, args.runs, 200)
            print(f"load average: {load_average()}")
            follow(project, env, endpoint, server, args.probes, args.rate, args.seconds)
            print(f"load average: {load_average()}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
