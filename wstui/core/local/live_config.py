"""An edited wstui.toml, applied to the running local service as far as it can be without a restart.

The gateway reads its routes, expression, authorizer and functions from its `LocalSpec` for every
frame and every handshake, so swapping the spec applies them at once and open connections stay
open (an authorizer applies to the next handshakes: a connection is authorized once, as in AWS).
What the service set up when it started cannot be swapped: its tables in DynamoDB, the stage in the
URL, the region in every handler's environment. A change to any of those is reported, with nothing
applied, so the gateway never runs half of a configuration; the next start applies it all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from wstui.core.errors import Problem, ProjectError, WstuiError
from wstui.core.local.spec import FunctionSpec, LocalSpec, RouteSpec, local_spec
from wstui.core.project.load import load_project
from wstui.core.project.model import Project

LIVE_FIELDS = frozenset({"routes", "expression", "authorizer", "functions"})
"""The parts of a LocalSpec the gateway reads afresh each time: these apply to a running gateway."""


@dataclass(frozen=True)
class LiveConfig:
    """What a local service runs: the project and the spec built from its template."""

    project: Project
    spec: LocalSpec


@dataclass(frozen=True)
class ConfigChange:
    """How a new configuration differs from the running one: `applied` says what the gateway takes as
    it runs (one item per part, "routes: + chat, - echo"), `restart` what only a restart applies."""

    applied: tuple[str, ...]
    restart: tuple[str, ...]


def read_live_config(directory: Path, environ: Mapping[str, str], stage: str = "") -> LiveConfig:
    """wstui.toml in `directory` as the local service would run it at `stage`, built for the local
    target as `wstui dev` builds it (`local_build`); WstuiError when it cannot."""
    from wstui.core.local.local_aws import plugin_values
    from wstui.core.local.service import local_build
    from wstui.core.project.secrets import secret_parameters

    project = load_project(directory).at_stage(stage)
    template, plugins = local_build(project)
    provided = plugin_values(plugins, project, template)
    parameters = secret_parameters(project, environ)
    return LiveConfig(project, local_spec(template, project.project.name, parameters, provided, project.project.region))


def one_line(error: WstuiError, directory: Path) -> str:
    """The first problem of an error on one line (`wstui.toml:12: message`, its path from `directory`),
    and how many more there are: a log line, read next to the file being edited."""
    if isinstance(error, ProjectError) and error.problems:
        first = error.problems[0]
        if first.file is not None and first.file.is_relative_to(directory):
            first = Problem(first.message, first.file.relative_to(directory), first.line)
        more = len(error.problems) - 1
        return str(first) + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def compare(running: LiveConfig, edited: LiveConfig) -> ConfigChange:
    old, new = running.spec, edited.spec
    restart: list[str] = []
    if running.project.project.region != edited.project.project.region:
        restart.append(f"region {running.project.project.region} → {edited.project.project.region}")
    if old.stage != new.stage:
        restart.append(f"stage {old.stage} → {new.stage} (the URL changes)")
    if old.tables != new.tables:
        restart.append("tables: " + _key_changes({t.name: t for t in old.tables}, {t.name: t for t in new.tables}))
    for spec_field in fields(LocalSpec):
        name = spec_field.name
        if name not in LIVE_FIELDS | {"stage", "tables"} and getattr(old, name) != getattr(new, name):
            restart.append(f"{name} changed")
    return ConfigChange((_routes(old, new), _expression(old, new), _authorizer(old, new)), tuple(restart))


def _routes(old: LocalSpec, new: LocalSpec) -> str:
    before = {key: _route_shape(old, route) for key, route in old.routes.items()}
    after = {key: _route_shape(new, route) for key, route in new.routes.items()}
    changes = _key_changes(before, after)
    return f"routes: {changes}" if changes else "routes unchanged"


def _route_shape(spec: LocalSpec, route: RouteSpec) -> tuple[bool, FunctionSpec | None]:
    """What a route does, whatever its function's logical id: two-way or not, and the function it runs."""
    return route.two_way, spec.functions.get(route.function)


def _key_changes(before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """`+ added, - removed, ~ changed` by key, in the new order then the removed ones; "" when equal."""
    marks = [f"+ {key}" for key in after if key not in before]
    marks += [f"- {key}" for key in before if key not in after]
    marks += [f"~ {key}" for key in after if key in before and before[key] != after[key]]
    return ", ".join(marks)


def _expression(old: LocalSpec, new: LocalSpec) -> str:
    if old.expression == new.expression:
        return "expression unchanged"
    return f"expression {old.expression.text} → {new.expression.text}"


def _authorizer(old: LocalSpec, new: LocalSpec) -> str:
    shape_before = old.authorizer and (old.authorizer.identity_source, old.functions.get(old.authorizer.function))
    shape_after = new.authorizer and (new.authorizer.identity_source, new.functions.get(new.authorizer.function))
    if shape_before == shape_after:
        return "authorizer unchanged"
    if shape_after is None:
        return "authorizer removed (for new connections)"
    return f"authorizer {'changed' if shape_before else 'added'} (for new connections)"
