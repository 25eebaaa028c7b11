"""A chat project made by `wstui new`, whose sendmessage handler publishes what it is sent to the plugin's
topic; and a moto server on 127.0.0.1 for the deploy commands. The plugin is used as its users would: it
is installed (`pip install -e .`), and the tests run the `wstui` command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from dataclasses import dataclass

import pytest
from moto.server import ThreadedMotoServer

PUBLISHING_HANDLER = '''"""sendmessage: publish the frame to the topic of wstui-sns-notify."""

import os

import boto3


def handle(event, context):
    boto3.client("sns").publish(TopicArn=os.environ["SNS_NOTIFY_TOPIC_ARN"], Message=event["body"])
    return {"statusCode": 200}
'''


def wstui(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wstui", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    """The scaffolded chat service, without a [plugins.sns_notify] table."""
    result = wstui("new", "chat", "--no-input", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "chat"
    (project / "handlers" / "send_message.py").write_text(PUBLISHING_HANDLER, encoding="utf-8")
    return project


def configure(project: Path, table: str) -> Path:
    """Add `table` (the body of [plugins.sns_notify]) to the project's wstui.toml."""
    with (project / "wstui.toml").open("a", encoding="utf-8") as file:
        file.write(f"\n# The wstui-sns-notify plugin.\n[plugins.sns_notify]\n{table}")
    return project


@dataclass(frozen=True)
class Moto:
    url: str
    env: dict[str, str]
    """An environment for `wstui`: test credentials, no profile, no endpoint but the one given."""


@pytest.fixture
def moto() -> Iterator[Moto]:
    """A fresh moto server on 127.0.0.1, for `wstui deploy --endpoint-url`."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    try:
        yield Moto(f"http://{host}:{port}", env)
    finally:
        server.stop()
