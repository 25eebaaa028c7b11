"""The template's other resources (those plugins add) in wstui dev's local AWS, made by moto's CloudFormation.

moto's CloudFormation creates SNS topics, SQS queues, S3 buckets and most else a plugin adds, and
resolves `Ref`, `Fn::GetAtt`, `Fn::Sub` and the other intrinsics between them, so wstui need not
emulate resources one by one. It creates the stack from `LocalSpec.stack`: the template without what
wstui dev runs itself, every reference to that rewritten (`spec.py`). The functions' environment
values that name the stack's resources are then read back as the stack's outputs: moto works them out
on an update (a created stack's outputs would fail outright on a resource moto skipped).

moto skips a type it does not support, with only a warning: such a resource is reported, and it stops
the start only when a function's environment refers to it, with the way out (a plugin's local value).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from wstui.core.errors import WstuiError
from wstui.core.local.references import referenced
from wstui.core.local.spec import LocalSpec

OUTPUT = "WstuiValue{}"
WAY_OUT = "A plugin gives a resource a local value instead with the hook wstui_local_resource (see Plugins in the docs)."


class LocalStackError(WstuiError):
    """The local stack could not be made, or lacks what a function needs."""


@dataclass(frozen=True)
class LocalStack:
    """What moto's CloudFormation made: physical ids by logical id, as moto reports them, and the
    resources it skipped, with their types."""

    name: str
    resources: dict[str, str]
    skipped: dict[str, str]


def create_stack(client: Any, name: str, spec: LocalSpec) -> tuple[LocalStack, LocalSpec]:
    """Create the stack of `spec.stack` with `client` (CloudFormation, on the local moto), and return it
    with `spec`, every function's environment complete."""
    template = spec.stack or {"Resources": {}}
    with _told("creating"):
        client.create_stack(StackName=name, TemplateBody=json.dumps(template))
        pages = client.get_paginator("list_stack_resources").paginate(StackName=name)
        created = {
            row["LogicalResourceId"]: row.get("PhysicalResourceId", "")
            for page in pages for row in page["StackResourceSummaries"] if row.get("LogicalResourceId")
        }
    skipped = {logical: resource.get("Type", "") for logical, resource in template["Resources"].items() if logical not in created}
    stack = LocalStack(name, created, skipped)
    wanted = [(function, variable, value) for function, variables in spec.pending.items() for variable, value in variables.items()]
    for function, variable, value in wanted:
        _check_reachable(f"{function} environment variable {variable}", value, stack)
    if not wanted:
        return stack, spec
    outputs = {OUTPUT.format(index): {"Value": value} for index, (_, _, value) in enumerate(wanted)}
    with _told("working out the functions' environment values in"):
        client.update_stack(StackName=name, TemplateBody=json.dumps({**template, "Outputs": outputs}))
        answered = client.describe_stacks(StackName=name)["Stacks"][0].get("Outputs", [])
    values = {row["OutputKey"]: row.get("OutputValue", "") for row in answered}
    functions = dict(spec.functions)
    for index, (function, variable, _) in enumerate(wanted):
        current = functions[function]
        environment = {**current.environment, variable: values.get(OUTPUT.format(index), "")}
        functions[function] = replace(current, environment=environment, pending={})
    return stack, replace(spec, functions=functions)


def _check_reachable(where: str, value: Any, stack: LocalStack) -> None:
    for logical in sorted(referenced(value)):
        if logical in stack.skipped:
            kind = stack.skipped[logical]
            raise LocalStackError(
                f"{where} refers to {logical} ({kind}), which wstui dev's local AWS cannot create: moto's "
                f"CloudFormation does not support {kind}. {WAY_OUT}"
            )
        if logical not in stack.resources and not logical.startswith("AWS::"):
            raise LocalStackError(f"{where} refers to {logical}, which is not a resource or parameter of the template.")


@contextmanager
def _told(doing: str) -> Iterator[None]:
    """What moto answers when it fails, as one sentence that says what was being done."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as error:
        detail = next(iter(str(error).strip().splitlines()), "").rstrip(". ")
        raise LocalStackError(
            f"moto's CloudFormation failed {doing} the local stack of the template's other resources: {detail}. {WAY_OUT}"
        ) from None
