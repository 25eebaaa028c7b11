"""Rules for stages: names API Gateway takes, a stack of its own for each, settings AWS accepts.

A stage's stack name is derived (PROJECT-STAGE) unless wstui.toml names it, so a stage name that
API Gateway takes can still give a stack name CloudFormation refuses (`my_stage`); and two stages
that named one stack would deploy over each other. Both are found here, before AWS sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wstui.core.errors import UsageError
from wstui.core.project.model import Project, StageOverrides, StageSettings
from wstui.core.project.schema import KeyPath, SchemaProblem

STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
# The only retention periods CloudWatch Logs accepts, in days.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


def stack_name_problem(name: str) -> str:
    """Why CloudFormation would refuse `name` for a stack; "" when it would not."""
    if STACK_NAME.match(name):
        return ""
    return f'Stack name "{name}" must start with a letter and hold only letters, digits and hyphens.'


def stage_name_problem(project: Project, name: str) -> str:
    """Why stage `name` (from --stage or wstui.toml) cannot be deployed: a name API Gateway would refuse,
    or a stack name CloudFormation would; "" when it can."""
    if not STAGE_NAME.match(name):
        return f'Stage name "{name}" may hold only letters, digits, "_" and "-" (at most 128).'
    stack = project.stack_name_for(name)
    if stack_name_problem(stack):
        return (
            f'Stage "{name}" would deploy to stack "{stack}", which CloudFormation would refuse (a letter, then '
            f"letters, digits and hyphens): name the stack with stack_name in [stages.{name}]."
        )
    return ""


def stage_problems(p: Project) -> Iterator[SchemaProblem]:
    """Each stage wstui.toml names: a valid name, a stack of its own, and settings AWS takes. The shape
    of [stage] name and [deploy] stack_name is checked with their sections."""
    yield from _settings_problems(p.stage, ("stage",), "[stage]")
    stacks: dict[str, str] = {}
    for name in p.stage_names():
        section = p.stages.get(name)
        path: KeyPath = ("stages", name) if section is not None else ("stage", "name")
        if not STAGE_NAME.match(name):
            if section is not None:
                yield SchemaProblem(stage_name_problem(p, name), path)
            continue
        if section is not None and section.stack_name:
            path = (*path, "stack_name")
            problem = stack_name_problem(section.stack_name)
            if problem:
                yield SchemaProblem(f"[stages.{name}] stack_name: {problem}", path)
        elif not (name == p.stage.name and p.deploy.stack_name):
            problem = stage_name_problem(p, name)
            if problem:
                yield SchemaProblem(problem, path)
        stack = p.stack_name_for(name)
        other = stacks.setdefault(stack, name)
        if other != name:
            yield SchemaProblem(
                f'Stages "{other}" and "{name}" would both deploy to stack "{stack}": give one its own stack_name '
                f"in [stages.{name}].",
                path,
            )
        if section is not None:
            yield from _settings_problems(section, ("stages", name), f"[stages.{name}]")


def _settings_problems(settings: StageSettings | StageOverrides, path: KeyPath, where: str) -> Iterator[SchemaProblem]:
    """What [stage] and [stages.NAME] share: log retention and the API stage's throttling."""
    days = settings.log_retention
    if days is not None and days not in LOG_RETENTION_DAYS:
        nearest = min(LOG_RETENTION_DAYS, key=lambda allowed: (abs(allowed - days), allowed))
        yield SchemaProblem(
            f"{where} log_retention: CloudWatch Logs keeps logs for {', '.join(map(str, LOG_RETENTION_DAYS))} days, "
            f"not {days}: the nearest is {nearest}.",
            (*path, "log_retention"),
        )
    if settings.throttling_burst is not None and settings.throttling_burst < 0:
        yield SchemaProblem(f"{where} throttling_burst must be 0 or more requests.", (*path, "throttling_burst"))
    if settings.throttling_rate is not None and settings.throttling_rate < 0:
        yield SchemaProblem(f"{where} throttling_rate must be 0 or more requests per second.", (*path, "throttling_rate"))


def select_stage(project: Project, name: str) -> Project:
    """`project` as stage `name` deploys it ("": the default stage); UsageError for a name that cannot be."""
    problem = stage_name_problem(project, name) if name else ""
    if problem:
        raise UsageError(problem)
    return project.at_stage(name)
