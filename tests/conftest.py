"""Fixtures for tests that talk over WebSockets (the real gateway on an ephemeral loopback port, in a
thread, and console sessions whose events can be waited for) and to AWS (a real moto server on
127.0.0.1, with CloudFormation support for ApiGatewayV2 from moto_models/)."""

from __future__ import annotations

import asyncio
import shutil
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer
from moto_models import apigatewayv2 as moto_apigatewayv2

from wstui.core.console import Connected, ConnectionTarget, ConsoleSession, Failed
from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.core.local.gateway import Limits
from wstui.core.local.service import DevOptions, LocalService, local_build
from wstui.core.project.load import load_project
from wstui.core.project.secrets import secret_parameters
from wstui.core.scaffold import Template, scaffold


@pytest.fixture(scope="session")
def chat_template_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The scaffolded chat service, once per authorization mode; tests copy it before changing it."""
    root = tmp_path_factory.mktemp("scaffolded")
    return {
        mode: scaffold("chat", root / mode, {"authorization": mode}, Template.load(None)).directory
        for mode in ("none", "token")
    }


@pytest.fixture
def chat(chat_template_dirs: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(chat_template_dirs["none"], tmp_path / "chat"))


@pytest.fixture
def chat_with_token(chat_template_dirs: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(chat_template_dirs["token"], tmp_path / "chat"))


@dataclass
class EventLog:
    """Events reported from other threads, with a way to wait for one."""

    events: list[Any] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    def record(self, event: Any) -> None:
        with self.condition:
            self.events.append(event)
            self.condition.notify_all()

    def wait_for(self, predicate: Callable[[Any], bool], timeout: float = 10) -> Any:
        with self.condition:
            found: list[Any] = []

            def seen() -> bool:
                found[:] = [e for e in self.events if predicate(e)]
                return bool(found)

            assert self.condition.wait_for(seen, timeout), f"no such event; the last of {len(self.events)}: {self.events[-3:]}"
            return found[0]


@dataclass(kw_only=True)
class Running(EventLog):
    """A started LocalService and what it emitted."""

    service: LocalService
    loop: asyncio.AbstractEventLoop

    @property
    def url(self) -> str:
        return self.service.url

    @property
    def management_url(self) -> str:
        return f"http://{self.service.gateway.domain_name}/{self.service.spec.stage}"

    def call(self, coroutine: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


@pytest.fixture
def start_service() -> Iterator[Callable[..., Running]]:
    started: list[tuple[Running, threading.Thread]] = []

    def start(
        project_dir: Path, limits: Limits | None = None, reload: bool = False, workers: int = 64, stage: str = "",
        latency: str | None = None, on_started: Callable[[], object] | None = None,
    ) -> Running:
        """`on_started` runs on the service's loop as soon as `start()` returns, before the loop turns again."""
        project = load_project(project_dir).at_stage(stage)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        holder: list[Running] = []
        template, plugins = local_build(project)
        service = LocalService(
            project, template, DevOptions(port=0, limits=limits or Limits(), reload=reload, workers=workers, latency=latency),
            lambda event: holder[0].record(event), secret_parameters(project, {}), plugins,
        )
        running = Running(service=service, loop=loop)
        holder.append(running)

        async def start_and_call() -> None:
            await service.start()
            if on_started is not None:
                on_started()

        running.call(start_and_call(), timeout=30)
        started.append((running, thread))
        return running

    yield start
    for running, thread in started:
        running.call(running.service.stop(), timeout=30)
        running.loop.call_soon_threadsafe(running.loop.stop)
        thread.join(timeout=10)


@pytest.fixture
def open_session() -> Iterator[Callable[..., tuple[ConsoleSession, EventLog]]]:
    """Start a console session and wait until it is connected; every session is closed afterwards."""
    sessions: list[ConsoleSession] = []

    def open_(target: ConnectionTarget, **options: Any) -> tuple[ConsoleSession, EventLog]:
        log = EventLog()
        session = ConsoleSession(target, log.record, **options)
        sessions.append(session)
        session.start()
        outcome = log.wait_for(lambda e: isinstance(e, Connected | Failed))
        assert isinstance(outcome, Connected), outcome
        return session, log

    yield open_
    for session in sessions:
        session.close()
        assert session.wait(10)


REGION = "us-east-1"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    moto_apigatewayv2.register()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> AwsTarget:
    """A fresh moto account for each test, and no way to reach a real one."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).close()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/wstui-tests")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/wstui-tests")
    return AwsTarget(region=REGION, endpoint_url=moto_url)


@pytest.fixture
def clients(aws: AwsTarget) -> AwsClients:
    return AwsClients.connect(aws, REGION)


@pytest.fixture
def stalled_first_upload(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first PutObject of every botocore client made from now on times out before it is sent, as
    on a stalled connection (botocore's before-send hook); the list gets its URL."""
    from botocore import handlers
    from botocore.exceptions import ReadTimeoutError

    stalled: list[str] = []

    def stall(request: Any, **_: Any) -> None:
        if not stalled:
            stalled.append(request.url)
            raise ReadTimeoutError(endpoint_url=request.url)

    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", [*handlers.BUILTIN_HANDLERS, ("before-send.s3.PutObject", stall)])
    return stalled
