"""The options `deploy`, `status` and `remove` share: where AWS is, and how long to follow a stack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from wstui.core.deploy.stack_events import FOLLOW_DEADLINE

F = TypeVar("F", bound=Callable[..., Any])


def checked_name(_ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A --stack-name or --s3-bucket that AWS would refuse is a usage error, in the words wstui.toml's
    [deploy] keys get, before any AWS call."""
    from wstui.core.project.validate import bucket_name_problem, stack_name_problem

    problem = (bucket_name_problem if param.name == "s3_bucket" else stack_name_problem)(value) if value else ""
    if problem:
        raise click.BadParameter(problem, param=param)
    return value


def cloud_options(command: F) -> F:
    """--stack-name, --region, --profile, --endpoint-url: boto3's chain decides whatever is not given."""
    for option in reversed([
        click.option("--stack-name", default="", callback=checked_name,
                     help="Stack name (default: [deploy] stack_name, or NAME-STAGE)."),
        click.option("--region", default="",
                     help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, your profile's, then [project] region)."),
        click.option("--profile", default="", envvar="AWS_PROFILE", show_envvar=True, help="AWS profile to use."),
        click.option("--endpoint-url", default="",
                     help="Send AWS calls here instead (a local moto server, say); botocore also reads AWS_ENDPOINT_URL."),
    ]):
        command = option(command)
    return command


def follow_timeout_option(command: F) -> F:
    """--follow-timeout: how long the command follows stack events before it leaves the operation to CloudFormation."""
    return click.option(
        "--follow-timeout", type=click.IntRange(min=1), default=int(FOLLOW_DEADLINE), show_default=True, metavar="SECONDS",
        help="Stop following the stack events after this long; the stack operation goes on in CloudFormation "
             "(`wstui status --follow` picks it up). Exit code 1.",
    )(command)
