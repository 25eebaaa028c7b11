"""Uploads against the moto server on 127.0.0.1: a large one reports its progress, a stalled one is sent
again and says so, and code Lambda would refuse is refused before anything is uploaded."""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path
from typing import Any

import boto3
from click.testing import CliRunner, Result
from rich.console import Console

from wstui.cli.deploy_render import DeployView
from wstui.cli.main import cli
from wstui.core.deploy import transfer
from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.core.deploy.deployer import Deployer, DeploySettings
from wstui.core.deploy.events import ArtifactStored, PlanReady, UploadProgress, UploadRetrying
from wstui.core.project.load import load_project

BUCKET = "wstui-artifacts-123456789012-us-east-1"
MB = 1024 * 1024


def run(project: Path, aws: AwsTarget, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args, "--endpoint-url", aws.endpoint_url, "--region", aws.region])


def s3(aws: AwsTarget) -> Any:
    return boto3.session.Session().client("s3", endpoint_url=aws.endpoint_url, region_name=aws.region)


def test_code_lambda_would_refuse_is_refused_before_anything_is_uploaded(chat_project: Path, aws: AwsTarget) -> None:
    with (chat_project / "handlers" / "model.bin").open("wb") as stream:
        stream.truncate(270 * MB)
    result = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 1, result.output
    assert "Error: The code archive would hold 270.0 MB (283,1" in result.output
    assert "the biggest files are handlers/model.bin (270.0 MB), " in result.output
    assert s3(aws).list_buckets()["Buckets"] == []


def test_a_large_upload_reports_its_progress_until_all_is_sent(chat_project: Path, clients: AwsClients) -> None:
    (chat_project / "handlers" / "model.bin").write_bytes(os.urandom(12 * MB))
    deployer = Deployer.for_project(load_project(chat_project), clients, DeploySettings("chat-v1", create_bucket=True), environ={})
    (ready,) = [event for event in deployer.plan() if isinstance(event, PlanReady)]
    applied = list(deployer.apply(ready.plan))
    progress = [event for event in applied if isinstance(event, UploadProgress)]
    stored = next(event for event in applied if isinstance(event, ArtifactStored))
    assert progress and applied.index(progress[-1]) < applied.index(stored)
    assert (progress[-1].sent, progress[-1].size) == (stored.size, stored.size)
    assert stored.size > 12 * MB and stored.uploaded


def test_progress_is_summed_between_reports_and_the_object_arrives_whole(clients: AwsClients) -> None:
    clients.s3.create_bucket(Bucket="progress")
    body = os.urandom(9 * MB)  # over s3transfer's 8 MB threshold: sent in two parts
    ticks = itertools.count(step=transfer.PROGRESS_EVERY)
    events = list(transfer.send(clients.s3, "progress", "big.bin", body, clock=lambda: next(ticks)))
    sent = [event.sent for event in events if isinstance(event, UploadProgress)]
    assert len(sent) > 2 and sent == sorted(sent) and sent[-1] == len(body)
    assert clients.s3.get_object(Bucket="progress", Key="big.bin")["Body"].read() == body


def test_a_stalled_upload_is_sent_again_and_says_so(chat_project: Path, aws: AwsTarget, stalled_first_upload: list[str]) -> None:
    """The first PutObject times out before it reaches moto, as on a stalled connection: wstui says it
    sends it again, and the deploy goes on."""
    result = run(chat_project, aws, "deploy", "--create-bucket", "--yes")
    assert result.exit_code == 0, result.output
    (url,) = stalled_first_upload
    key = url.split(f"/{BUCKET}/", 1)[1]
    assert f"Sending s3://{BUCKET}/{key} again (attempt 2 of 4): Read timeout on endpoint URL: \"{url}\"" in result.output, result.output
    assert "CREATE_COMPLETE: stack chat-v1" in result.output
    config = AwsClients.connect(aws, aws.region).s3.meta.config
    assert (config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"]) == (10, 30, 4)


def test_on_a_terminal_an_upload_shows_a_bar_that_goes_when_all_is_sent() -> None:
    view = DeployView(Console(file=io.StringIO(), force_terminal=True, width=100))
    view.show(UploadProgress("bucket", "key.zip", 3 * MB, 10 * MB))
    assert view.progress is not None
    (task,) = view.progress.tasks
    assert (task.completed, task.total) == (3 * MB, 10 * MB)
    view.show(UploadRetrying("bucket", "key.zip", 2, 4, "Read timeout"))
    view.show(UploadProgress("bucket", "key.zip", 10 * MB, 10 * MB))
    assert view.progress is None
