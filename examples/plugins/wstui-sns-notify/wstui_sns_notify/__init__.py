"""wstui-sns-notify: an SNS topic that the function of one route (sendmessage by default) publishes to.

An installed wstui plugin is loaded for every project built with its Python environment, so this one
does nothing for a project without a `[plugins.sns_notify]` table: that table is how a project asks
for it. It imports nothing from wstui but `wstui.plugin`, the public plugin API, and troposphere and
boto3 only when used: `wstui --help` imports every installed plugin to list its commands.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wstui.plugin import PluginError, Project, current_project, hookimpl, project_option, setting, synthesize

if TYPE_CHECKING:
    from wstui.plugin import DeployContext, LocalAws, ServiceTemplate

NAME = "sns_notify"
TOPIC = "SnsNotifyTopic"
TOPIC_OUTPUT = "SnsNotifyTopicArn"
ENV_VAR = "SNS_NOTIFY_TOPIC_ARN"
LOCAL_QUEUE = "sns-notify-local"
DEPLOYED = Path(".wstui") / "sns-notify.json"


@dataclass
class Settings:
    display_name: str = setting("Chat messages", "Display name of the SNS topic.")
    route: str = setting("sendmessage", f"The route whose function publishes: it gets the topic's ARN as {ENV_VAR}.")
    notify: bool = setting(True, "Add the topic; false leaves the service as it would be without this plugin.")
    frozen: bool = setting(False, "Refuse `wstui deploy` (and --plan), before anything is uploaded.")


@hookimpl
def wstui_settings() -> type:
    return Settings


def settings_of(project: Project) -> Settings | None:
    """The project's settings, or None when it has no [plugins.sns_notify] table and so did not ask
    for the plugin (its defaults alone must not change the service of every project around)."""
    if NAME not in project.plugins:
        return None
    settings: Settings = project.plugin_settings[NAME]
    return settings


def notifying(project: Project) -> Settings | None:
    settings = settings_of(project)
    return settings if settings is not None and settings.notify else None


@hookimpl
def wstui_decorate_template(service: ServiceTemplate) -> None:
    from troposphere import Output, Ref, sns

    settings = notifying(service.project)
    if settings is None:
        return
    function = next((f for f in service.functions.values() if any(r.key == settings.route for r in f.routes)), None)
    if function is None:
        known = ", ".join(r.key for r in service.project.routes)
        raise PluginError(f'[plugins.sns_notify] route "{settings.route}" is not a route of this project (its routes: {known}).')
    topic = service.template.add_resource(sns.Topic(TOPIC, DisplayName=settings.display_name))
    function.set_environment(ENV_VAR, Ref(topic))
    function.add_policy("sns-notify", [{"Effect": "Allow", "Action": "sns:Publish", "Resource": Ref(topic)}])
    service.template.add_output(Output(TOPIC_OUTPUT, Value=Ref(topic)))


@hookimpl
def wstui_local_start(project: Project, local: LocalAws) -> None:
    """Under `wstui dev` nothing reads the topic: subscribe the queue `sns-notify-local` to it, so what
    the handler publishes can be read there (`aws sqs receive-message --endpoint-url ...`)."""
    if notifying(project) is None:
        return
    sqs = local.client("sqs")
    queue_url = sqs.create_queue(QueueName=LOCAL_QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    local.client("sns").subscribe(TopicArn=local.resources[TOPIC], Protocol="sqs", Endpoint=queue_arn)


@hookimpl
def wstui_before_change_set(project: Project) -> None:
    settings = settings_of(project)
    if settings is not None and settings.frozen:
        raise PluginError("Deploys are frozen: set frozen = false in [plugins.sns_notify] of wstui.toml to deploy.")


@hookimpl
def wstui_after_deploy(project: Project, context: DeployContext) -> None:
    """Say which topic the stack has, and remember the stack and its region for `wstui sns-notify`:
    as the deploy used them (--stage, --stack-name, --region), which wstui.toml alone cannot tell.
    The topic's ARN is read from the stack, not from the outputs: a stack's first deploys on moto
    report none (see wstui's docs on wstui_after_deploy)."""
    if notifying(project) is None:
        return
    context.report(f"topic {topic_of(context.client('cloudformation'), context.stack_name)}")
    path = project.directory / DEPLOYED
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"stack": context.stack_name, "region": context.region}), encoding="utf-8")


@hookimpl
def wstui_cli_commands() -> list[click.Command]:
    return [sns_notify]


@click.command("sns-notify")
@click.option("--endpoint-url", help="Send the AWS calls there (a moto_server, say) instead of AWS.")
@project_option
def sns_notify(endpoint_url: str | None) -> None:
    """Show the sns_notify settings, the topic the template makes, and the topic of the stack last deployed."""
    project = current_project()
    settings = settings_of(project)
    if settings is None:
        raise PluginError("This project does not use sns_notify: add a [plugins.sns_notify] table to its wstui.toml.")
    for name, value in asdict(settings).items():
        click.echo(f"{name} = {json.dumps(value)}")
    resources: dict[str, Any] = synthesize(project).to_dict()["Resources"]
    topic = resources.get(TOPIC)
    click.echo(f"template: {TOPIC} ({topic['Properties']['DisplayName']})" if topic else "template: no topic (notify = false)")
    deployed = project.directory / DEPLOYED
    if not deployed.is_file():
        click.echo("deployed: not yet")
        return
    record = json.loads(deployed.read_text(encoding="utf-8"))
    click.echo(f"deployed: {deployed_topic(record['stack'], record['region'], endpoint_url)} (stack {record['stack']})")


def deployed_topic(stack: str, region: str, endpoint_url: str | None) -> str:
    import boto3

    return topic_of(boto3.client("cloudformation", region_name=region or None, endpoint_url=endpoint_url), stack)


def topic_of(cloudformation: Any, stack: str) -> str:
    """The ARN of the stack's topic, or why there is none."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        rows = cloudformation.describe_stack_resources(StackName=stack)["StackResources"]
    except ClientError as error:
        return f"none ({error.response['Error']['Message']})"
    except BotoCoreError as error:
        raise PluginError(f"Cannot read stack {stack}: {error}") from None
    # One row at a time with .get: moto leaves LogicalResourceId out of the rows of types it does not create.
    physical_ids = [row["PhysicalResourceId"] for row in rows if row.get("LogicalResourceId") == TOPIC]
    return physical_ids[0] if physical_ids else "none (the stack has no topic)"
