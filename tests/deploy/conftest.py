"""A real moto server on 127.0.0.1 for the deploy tests, with CloudFormation support for ApiGatewayV2."""

from __future__ import annotations

import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer
from moto_models import apigatewayv2 as moto_apigatewayv2

from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.core.scaffold import Template, scaffold

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


@pytest.fixture(scope="session")
def chat_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scaffold("chat", tmp_path_factory.mktemp("deploy-src"), {}, Template.load(None)).directory


@pytest.fixture
def chat_project(chat_source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(chat_source, tmp_path / "chat"))
