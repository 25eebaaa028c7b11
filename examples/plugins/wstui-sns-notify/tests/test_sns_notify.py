"""wstui-sns-notify through the `wstui` command line: inert without its table, its settings checked like
wstui's own, its topic published to by a handler under `wstui dev`, its command, and its deploy hooks."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import boto3
import websocket
from conftest import Moto, configure, wstui


def test_a_project_without_the_table_is_left_alone(chat: Path) -> None:
    """Installed, the plugin is loaded for every project: without [plugins.sns_notify] it adds nothing."""
    synth = wstui("synth", cwd=chat)
    assert synth.returncode == 0, synth.stderr
    assert "SnsNotify" not in synth.stdout and "SNS_NOTIFY" not in synth.stdout
    command = wstui("sns-notify", cwd=chat)
    assert command.returncode == 1
    assert "This project does not use sns_notify: add a [plugins.sns_notify] table" in command.stderr


def test_the_settings_are_checked_with_their_line(chat: Path) -> None:
    configure(chat, 'frozen = "yes"\n')
    line = (chat / "wstui.toml").read_text(encoding="utf-8").splitlines().index('frozen = "yes"') + 1
    result = wstui("synth", cwd=chat)
    assert result.returncode == 2
    assert f'wstui.toml:{line}: "plugins.sns_notify.frozen" must be' in result.stderr


def test_the_command_shows_the_settings_and_the_templates_topic(chat: Path) -> None:
    configure(chat, 'display_name = "Chat"\n')
    result = wstui("sns-notify", cwd=chat)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        'display_name = "Chat"',
        'route = "sendmessage"',
        "notify = true",
        "frozen = false",
        "template: SnsNotifyTopic (Chat)",
        "deployed: not yet",
    ]


def test_a_route_the_project_lacks_is_the_plugins_error(chat: Path) -> None:
    configure(chat, 'route = "notify"\n')
    result = wstui("synth", cwd=chat)
    assert result.returncode == 1
    assert '[plugins.sns_notify] route "notify" is not a route of this project' in result.stderr
    assert "Traceback" not in result.stderr


def test_the_handler_publishes_to_the_topic_under_wstui_dev(chat: Path) -> None:
    configure(chat, "")
    dev = subprocess.Popen(
        [sys.executable, "-m", "wstui", "dev", "--port", "0", "--no-reload"],
        cwd=chat, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert dev.stdout is not None
        url = dev.stdout.readline().strip()
        assert url.startswith("ws://127.0.0.1:"), url + dev.communicate(timeout=30)[1]
        local_aws = next(line.split(": ", 1)[1].strip() for line in dev.stdout if line.strip().startswith("DynamoDB:"))
        client = websocket.create_connection(url, timeout=10)
        client.send(json.dumps({"message": "sendmessage", "data": "hello"}))
        client.close()
        sqs = boto3.client("sqs", endpoint_url=local_aws, region_name="us-east-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
        queue_url = sqs.get_queue_url(QueueName="sns-notify-local")["QueueUrl"]
        received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=10)["Messages"]
        assert json.loads(json.loads(received[0]["Body"])["Message"]) == {"message": "sendmessage", "data": "hello"}
    finally:
        dev.send_signal(signal.SIGINT)
        dev.communicate(timeout=30)


def test_a_frozen_project_refuses_to_deploy_before_anything_is_uploaded(chat: Path, moto: Moto) -> None:
    configure(chat, "frozen = true\n")
    for flags in (["--plan"], ["--create-bucket", "--yes"]):
        result = wstui("deploy", "--endpoint-url", moto.url, *flags, cwd=chat, env=moto.env)
        assert result.returncode == 1
        assert "Deploys are frozen: set frozen = false in [plugins.sns_notify] of wstui.toml to deploy." in result.stderr
    s3 = boto3.client("s3", endpoint_url=moto.url, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    cloudformation = boto3.client("cloudformation", endpoint_url=moto.url, region_name="us-east-1",
                                  aws_access_key_id="testing", aws_secret_access_key="testing")
    assert s3.list_buckets()["Buckets"] == []
    assert cloudformation.list_stacks()["StackSummaries"] == []


def test_after_a_deploy_the_command_shows_the_deployed_topic(chat: Path, moto: Moto) -> None:
    """The deploy goes to another stage and region than wstui.toml's: the deploy hook's context says
    which, so the plugin reports the topic and the command finds the stack there."""
    configure(chat, "")
    deploy = wstui("deploy", "--endpoint-url", moto.url, "--stage", "prod", "--region", "eu-west-1", "--create-bucket", "--yes",
                   cwd=chat, env=moto.env)
    assert deploy.returncode == 0, deploy.stderr
    sns = boto3.client("sns", endpoint_url=moto.url, region_name="eu-west-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    [topic] = sns.list_topics()["Topics"]
    assert f"Plugin sns_notify: topic {topic['TopicArn']}\n" in deploy.stdout
    result = wstui("sns-notify", "--endpoint-url", moto.url, cwd=chat, env=moto.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"deployed: {topic['TopicArn']} (stack chat-prod)"
