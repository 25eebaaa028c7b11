"""A plugin's AWS resources under `wstui dev`: created by moto's CloudFormation in the local AWS, named in
the functions' environments, and used by a handler that does not know it runs locally."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import boto3
import pytest
import tomlkit
import websocket

from wstui.core.errors import WstuiError
from wstui.core.local.activity import Notice

NOTIFY_ROUTE = """
[[routes]]
key = "notify"
handler = "handlers.notify:handle"
two_way = true
"""

# Publishes what it is sent to the plugin's topic, and answers with what its environment names.
NOTIFY_HANDLER = """
import json
import os

import boto3


def handle(event, context):
    published = boto3.client("sns").publish(TopicArn=os.environ["TOPIC_ARN"], Message=event["body"])
    names = {name: os.environ[name] for name in ("TOPIC_ARN", "QUEUE_NAME", "LABEL")}
    return {"statusCode": 200, "body": json.dumps({"id": published["MessageId"], **names})}
"""

# The documented way: resources added in wstui_decorate_template, named with set_environment.
SNS_NOTIFY = """
from troposphere import GetAtt, Ref, Sub, sns, sqs

from wstui.core.plugins.hookspecs import hookimpl


@hookimpl
def wstui_decorate_template(service):
    queue = service.template.add_resource(sqs.Queue("NotifyQueue"))
    topic = service.template.add_resource(
        sns.Topic("NotifyTopic", Subscription=[sns.Subscription(Protocol="sqs", Endpoint=GetAtt(queue, "Arn"))])
    )
    notify = service.functions["handlers.notify:handle"]
    notify.set_environment("TOPIC_ARN", Ref(topic))
    notify.set_environment("QUEUE_NAME", GetAtt(queue, "QueueName"))
    notify.set_environment("LABEL", Sub("${NotifyTopic.TopicName} in ${AWS::Region} next to ${ConnectionTable}"))
"""


def with_plugin(project: Path, source: str, name: str = "sns_notify") -> Path:
    path = project / "wstui.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8") + NOTIFY_ROUTE)
    document["project"]["plugins"] = [name]  # type: ignore[index]
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    (project / "handlers" / "notify.py").write_text(NOTIFY_HANDLER, encoding="utf-8")
    (project / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return project


def ask(url: str, frame: dict) -> dict:
    client = websocket.create_connection(url, timeout=10)
    try:
        client.send(json.dumps(frame))
        return json.loads(client.recv())
    finally:
        client.close()


def test_a_handler_publishes_to_the_plugins_topic_unchanged(chat: Path, start_service) -> None:
    running = start_service(with_plugin(chat, SNS_NOTIFY))
    answer = ask(running.url, {"message": "notify", "n": 1})
    topic_name = answer["TOPIC_ARN"].rsplit(":", 1)[1]
    assert answer["TOPIC_ARN"].startswith("arn:aws:sns:us-east-1:")
    assert answer["LABEL"] == f"{topic_name} in us-east-1 next to chat-ConnectionTable"
    sqs = boto3.session.Session().client(
        "sqs", endpoint_url=running.service.dynamodb.url, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )
    queue_url = sqs.get_queue_url(QueueName=answer["QUEUE_NAME"])["QueueUrl"]
    received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    envelope = json.loads(received[0]["Body"])
    assert envelope["MessageId"] == answer["id"]
    assert json.loads(envelope["Message"]) == {"message": "notify", "n": 1}
    assert running.service.stack is not None
    assert running.service.stack.resources["NotifyTopic"] == answer["TOPIC_ARN"]


PIPE = """

from troposphere import AWSObject


class Pipe(AWSObject):
    resource_type = "AWS::Pipes::Pipe"
    props = {"Name": (str, False)}


@hookimpl(specname="wstui_decorate_template", trylast=True)
def add_pipe(service):
    pipe = service.template.add_resource(Pipe("NotifyPipe", Name="notify"))
"""
# A resource of a type moto's CloudFormation does not create, named in a function's environment.
UNSUPPORTED = SNS_NOTIFY + PIPE + """    service.functions["handlers.notify:handle"].set_environment("PIPE", GetAtt(pipe, "Arn"))
"""


def test_a_resource_moto_cannot_create_is_named_with_the_way_out(chat: Path, start_service) -> None:
    with pytest.raises(WstuiError) as raised:
        start_service(with_plugin(chat, UNSUPPORTED))
    assert str(raised.value) == (
        "HandlersNotifyHandleFunction environment variable PIPE refers to NotifyPipe (AWS::Pipes::Pipe), which "
        "wstui dev's local AWS cannot create: moto's CloudFormation does not support AWS::Pipes::Pipe. A plugin "
        "gives a resource a local value instead with the hook wstui_local_resource (see Plugins in the docs)."
    )


def test_a_plugin_gives_a_local_value_for_what_moto_cannot_create(chat: Path, start_service) -> None:
    source = UNSUPPORTED + """

from wstui.core.local.references import LocalResource


@hookimpl
def wstui_local_resource(project, logical_id, resource):
    if resource["Type"] == "AWS::Pipes::Pipe":
        return LocalResource("notify", {"Arn": "arn:aws:pipes:us-east-1:000000000000:pipe/notify"})
"""
    running = start_service(with_plugin(chat, source))
    function = running.service.spec.functions["HandlersNotifyHandleFunction"]
    assert function.environment["PIPE"] == "arn:aws:pipes:us-east-1:000000000000:pipe/notify"
    assert "NotifyPipe" not in running.service.spec.stack["Resources"]
    assert not any(isinstance(event, Notice) for event in running.events)


def test_a_resource_nothing_uses_that_moto_cannot_create_is_a_notice(chat: Path, start_service) -> None:
    source = SNS_NOTIFY + PIPE
    running = start_service(with_plugin(chat, source))
    notice = running.wait_for(lambda event: isinstance(event, Notice))
    assert notice.message == "NotifyPipe (AWS::Pipes::Pipe) is not in the local AWS: moto's CloudFormation does not support AWS::Pipes::Pipe."
    assert ask(running.url, {"message": "notify"})["TOPIC_ARN"].startswith("arn:aws:sns:")


LOCAL_HELPER = SNS_NOTIFY + """
import json

from troposphere import Output


@hookimpl
def wstui_local_start(project, local):
    sqs = local.client("sqs")
    queue_url = local.resources["NotifyQueue"]
    sqs.send_message(QueueUrl=queue_url, MessageBody="seeded")
    started = {"endpoint": local.endpoint_url, "topic": local.environments["HandlersNotifyHandleFunction"]["TOPIC_ARN"]}
    (project.directory / "started.json").write_text(json.dumps(started))

    def stop():
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
        (project.directory / "stopped.txt").write_text(attributes["QueueArn"])

    return stop


@hookimpl(specname="wstui_decorate_template")
def say_target(service, target):
    service.template.add_output(Output("BuiltFor", Value=target))
"""


def test_a_plugin_seeds_the_local_aws_at_start_and_stops_its_helper_before_it(chat: Path, start_service) -> None:
    project = with_plugin(chat, LOCAL_HELPER)
    running = start_service(project)
    started = json.loads((project / "started.json").read_text())
    assert started["endpoint"] == running.service.dynamodb.url
    answer = ask(running.url, {"message": "notify"})
    assert started["topic"] == answer["TOPIC_ARN"]
    sqs = boto3.session.Session().client(
        "sqs", endpoint_url=running.service.dynamodb.url, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )
    queue_url = sqs.get_queue_url(QueueName=answer["QUEUE_NAME"])["QueueUrl"]
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]]
    assert "seeded" in bodies
    assert not (project / "stopped.txt").exists()
    running.call(running.service.stop(), timeout=30)
    assert (project / "stopped.txt").read_text().startswith("arn:aws:sqs:us-east-1:")  # the local AWS was still up


def test_the_build_hooks_are_told_whether_the_template_is_for_the_cloud_or_wstui_dev(chat: Path) -> None:
    from wstui.core.local.service import local_build
    from wstui.core.project.load import load_project
    from wstui.core.template import synthesize

    project = load_project(with_plugin(chat, LOCAL_HELPER))
    assert synthesize(project).to_dict()["Outputs"]["BuiltFor"]["Value"] == "cloud"
    assert local_build(project)[0]["Outputs"]["BuiltFor"]["Value"] == "local"
