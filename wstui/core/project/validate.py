"""Rules a project must follow beyond its shape: what AWS would refuse, found before AWS sees it.

Every rule returns problems located by key path; `load.py` turns paths into file:line.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from wstui.core.errors import ExpressionError, Problem, ProjectError, Remedy
from wstui.core.lambda_runtimes import CHECKED_ON, PYTHON_RUNTIMES
from wstui.core.plugins.discovery import plugin_exists
from wstui.core.project.handlers import find_handler_problem
from wstui.core.project.latency import latency_problems
from wstui.core.project.model import (
    CONNECT,
    RESERVED_ROUTE_KEYS,
    EnvironmentValue,
    Project,
    RouteSettings,
    Secret,
)
from wstui.core.project.patterns import pattern_problem
from wstui.core.project.schema import KeyPath, SchemaProblem, describe
from wstui.core.project.stage_checks import STAGE_NAME, stack_name_problem, stage_problems
from wstui.core.routes.expression import parse_expression
from wstui.core.template.ids import FIXED, FunctionIds, RouteIds, secret_parameter

MAX_ROUTES = 300
PROJECT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,63}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ENV_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Lower-case words joined by single "_": it names WSTUI_SECRET_<NAME> and, without the "_", a parameter id.
SECRET_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$")
MAX_SECRET_NAME = 64
# What must never reach an ARN from a route key: IAM wildcards, whitespace, control characters.
_ARN_UNSAFE = re.compile(r"[*?\s\x00-\x1f\x7f]")
IDENTITY_SOURCE = re.compile(r"^route\.request\.(header|querystring)\.[A-Za-z0-9_.~-]+$|^(stageVariables|context)\.\w+$")
ARCHITECTURES = ("x86_64", "arm64")
BILLING_MODES = ("on_demand", "provisioned")
# Lambda refuses these names in a function's environment.
RESERVED_ENV = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
}


@dataclass(frozen=True)
class _Check:
    ok: bool
    message: str
    path: KeyPath
    remedies: tuple[Remedy, ...] = ()


def validate_project(project: Project) -> list[SchemaProblem]:
    """Every problem with `project`, in file order as far as it can tell."""
    return [SchemaProblem(c.message, c.path, c.remedies) for c in _checks(project) if not c.ok]


def require_valid(project: Project, headline: str = "") -> None:
    """Raise ProjectError for a project built in code (no file, so problems name their key path)."""
    problems = validate_project(project)
    if problems:
        raise ProjectError([Problem(f"{describe(p.path)}: {p.message}", remedies=p.remedies) for p in problems], headline=headline)


def _checks(project: Project) -> Iterator[_Check]:
    p = project
    yield _Check(
        bool(PROJECT_NAME.match(p.project.name)),
        f'Project name "{p.project.name}" must start with a letter and hold only letters, digits and '
        "hyphens (at most 64): it names the API and the stack.",
        ("project", "name"),
    )
    yield _Check(
        bool(REGION.match(p.project.region)),
        f'Region "{p.project.region}" is not an AWS region name such as "us-east-1".',
        ("project", "region"),
    )
    yield _Check(
        bool(STAGE_NAME.match(p.stage.name)),
        f'Stage name "{p.stage.name}" may hold only letters, digits, "_" and "-".',
        ("stage", "name"),
    )
    yield from _plugin_checks(p)
    yield from _expression_checks(p)
    yield from _function_checks(p)
    yield from _route_checks(p)
    yield from _table_checks(p)
    if p.deploy.stack_name:
        problem = stack_name_problem(p.deploy.stack_name)
        yield _Check(not problem, problem, ("deploy", "stack_name"))
    if p.deploy.s3_bucket:
        problem = bucket_name_problem(p.deploy.s3_bucket)
        yield _Check(not problem, problem, ("deploy", "s3_bucket"))
    yield from _package_checks(p)
    yield from _stage_section_checks(p)
    yield from (_Check(False, problem.message, problem.path) for problem in latency_problems(p))
    yield from (_Check(False, problem.message, problem.path) for problem in stage_problems(p))


def _stage_section_checks(p: Project) -> Iterator[_Check]:
    """What a [stages.NAME] section shares with [functions]: memory, timeout and environment."""
    for name, section in p.stages.items():
        path: KeyPath = ("stages", name)
        checks = [*_size_checks(section.memory, section.timeout, path), *_environment_checks(section.environment, (*path, "environment"))]
        yield from (_Check(c.ok, f"[stages.{name}] {c.message}", c.path) for c in checks)


def _package_checks(p: Project) -> Iterator[_Check]:
    for name in ("include", "exclude"):
        for index, pattern in enumerate(getattr(p.package, name)):
            problem = pattern_problem(pattern)
            yield _Check(problem is None, f"[package] {name}: {problem}", ("package", name, index))


def bucket_name_problem(name: str) -> str:
    """Why S3 would refuse `name` for a bucket; "" when it would not."""
    if BUCKET_NAME.match(name):
        return ""
    hint = " Give the name alone, without s3://." if name.startswith("s3://") else ""
    return f'"{name}" is not a valid S3 bucket name (3-63 lower-case letters, digits, "." and "-").{hint}'


def _plugin_checks(p: Project) -> Iterator[_Check]:
    for name in p.project.plugins:
        yield _Check(
            plugin_exists(name, p.directory),
            f'Plugin "{name}" was not found: install it, or put {name.replace(".", "/")}.py in the project directory.',
            ("project", "plugins"),
        )
        yield _Check(
            name not in p.project.disabled_plugins,
            f'Plugin "{name}" is both listed in plugins and switched off in disabled_plugins: keep one.',
            ("project", "disabled_plugins"),
        )


def _expression_checks(p: Project) -> Iterator[_Check]:
    try:
        parse_expression(p.api.route_selection_expression)
    except ExpressionError as error:
        yield _Check(False, error.message, ("api", "route_selection_expression"))


def _function_checks(p: Project) -> Iterator[_Check]:
    f = p.functions
    yield _Check(
        f.runtime in PYTHON_RUNTIMES,
        f'Runtime "{f.runtime}" is not a Python runtime AWS Lambda supports: {", ".join(PYTHON_RUNTIMES)} '
        f"(as of {CHECKED_ON}).",
        ("functions", "runtime"),
    )
    yield _Check(
        f.architecture in ARCHITECTURES,
        f'Architecture "{f.architecture}" must be one of {", ".join(ARCHITECTURES)}.',
        ("functions", "architecture"),
    )
    yield from _size_checks(f.memory, f.timeout, ("functions",))
    yield from _environment_checks(f.environment, ("functions", "environment"))


def _size_checks(memory: int | None, timeout: int | None, path: KeyPath) -> Iterator[_Check]:
    if memory is not None:
        yield _Check(128 <= memory <= 10240, f"Memory {memory} MB is outside Lambda's 128-10240 MB.", (*path, "memory"))
    if timeout is not None:
        yield _Check(1 <= timeout <= 900, f"Timeout {timeout} s is outside Lambda's 1-900 s.", (*path, "timeout"))


def _environment_checks(environment: dict[str, EnvironmentValue], path: KeyPath) -> Iterator[_Check]:
    for name, value in environment.items():
        yield _Check(
            bool(ENV_NAME.match(name)),
            f'Environment variable name "{name}" must start with a letter and hold only letters, digits and "_".',
            (*path, name),
        )
        yield _Check(
            name not in RESERVED_ENV, f'Environment variable "{name}" is reserved by Lambda.', (*path, name)
        )
        if isinstance(value, Secret):
            yield _Check(
                bool(SECRET_NAME.match(value.secret)) and len(value.secret) <= MAX_SECRET_NAME,
                f'Secret name "{value.secret}" must be lower-case words of letters and digits joined by "_", '
                f'such as "auth_token" (at most {MAX_SECRET_NAME} characters).',
                (*path, name),
            )


def _route_checks(p: Project) -> Iterator[_Check]:
    yield _Check(bool(p.routes), "The API has no routes.", ("routes",), (Remedy.ADD_ROUTE,))
    yield _Check(
        len(p.routes) <= MAX_ROUTES,
        f"The API has {len(p.routes)} routes; API Gateway allows at most {MAX_ROUTES}.",
        ("routes",),
    )
    seen_keys: dict[str, int] = {}
    for index, route in enumerate(p.routes):
        path: KeyPath = ("routes", index)
        yield from _route_key_checks(route.key, seen_keys, (*path, "key"))
        seen_keys.setdefault(route.key, index)
        yield from _handler_checks(p, route.handler, (*path, "handler"))
        yield from _size_checks(route.memory, route.timeout, path)
        yield from _environment_checks(route.environment, (*path, "environment"))
        if route.authorizer is not None:
            yield from _authorizer_checks(p, route, (*path, "authorizer"))
    yield from _shared_handler_checks(p)
    yield from _logical_id_checks(p)


def _route_key_checks(key: str, seen_keys: dict[str, int], path: KeyPath) -> Iterator[_Check]:
    if not key.strip():
        yield _Check(False, "A route key must not be empty.", path)
        return
    if key in seen_keys:
        yield _Check(False, f'Route key "{key}" is defined twice (first as route #{seen_keys[key] + 1}).', path)
        return
    if key.startswith("$") and key not in RESERVED_ROUTE_KEYS:
        close = difflib.get_close_matches(key, RESERVED_ROUTE_KEYS, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"?' if close else f"the reserved keys are {', '.join(RESERVED_ROUTE_KEYS)}."
        yield _Check(False, f'Route key "{key}" starts with "$", which only reserved keys may: {hint}', path)
        return
    unsafe = _ARN_UNSAFE.search(key)
    if unsafe is not None:
        yield _Check(
            False,
            f"Route key {json.dumps(key, ensure_ascii=False)} holds {_describe(unsafe.group())}: a route key is part "
            "of the ARN that lets API Gateway call its function, where whitespace and control characters are "
            'not allowed and "*" or "?" would let every matching route call it.',
            path,
        )
        return
    yield _Check(len(key) <= 128, f'Route key "{key[:20]}..." is longer than 128 characters.', path)


def _describe(character: str) -> str:
    if character in "*?":
        return f'"{character}"'
    if character == " ":
        return "a space"
    shown = json.dumps(character)[1:-1]
    return f"whitespace ({shown})" if character.isspace() else f"a control character ({shown})"


def _handler_checks(p: Project, handler: str, path: KeyPath) -> Iterator[_Check]:
    problem = find_handler_problem(p.directory, handler)
    yield _Check(problem is None, problem or "", path)


def _authorizer_checks(p: Project, route: RouteSettings, path: KeyPath) -> Iterator[_Check]:
    authorizer = route.authorizer
    assert authorizer is not None
    yield _Check(
        route.key == CONNECT,
        f'Route "{route.key}" has an authorizer; API Gateway runs authorizers only on "$connect".',
        path,
    )
    yield from _handler_checks(p, authorizer.handler, (*path, "handler"))
    yield from _environment_checks(authorizer.environment, (*path, "environment"))
    yield _Check(
        bool(authorizer.identity_source),
        "The authorizer needs at least one identity source, such as route.request.querystring.token.",
        (*path, "identity_source"),
    )
    for source in authorizer.identity_source:
        yield _Check(
            bool(IDENTITY_SOURCE.match(source)),
            f'Identity source "{source}" must look like route.request.querystring.NAME or route.request.header.NAME.',
            (*path, "identity_source"),
        )


def _shared_handler_checks(p: Project) -> Iterator[_Check]:
    """Routes that share a handler share one function, so they must agree on its settings; an
    authorizer is a function of its own (it has its own environment and is invoked differently)."""
    first: dict[str, RouteSettings] = {}
    authorizers = {r.authorizer.handler for r in p.routes if r.authorizer}
    for index, route in enumerate(p.routes):
        if route.handler in authorizers:
            yield _Check(
                False,
                f'Route "{route.key}" uses the authorizer\'s handler "{route.handler}": give each its own function.',
                ("routes", index, "handler"),
            )
        if route.handler not in first:
            first[route.handler] = route
            continue
        other = first[route.handler]
        differing = [s for s in ("memory", "timeout", "environment") if getattr(route, s) != getattr(other, s)]
        yield _Check(
            not differing,
            f'Routes "{other.key}" and "{route.key}" share handler "{route.handler}" (one function) but set '
            f"{', '.join(differing)} differently.",
            ("routes", index, differing[0] if differing else "handler"),
        )


def _logical_id_checks(p: Project) -> Iterator[_Check]:
    """Names that would give two resources one CloudFormation id are refused, never renamed."""
    owners: dict[str, str] = {logical: "wstui itself" for logical in FIXED}
    named: list[tuple[str, tuple[str, ...], KeyPath]] = []
    for index, route in enumerate(p.routes):
        named.append((f'route "{route.key}"', RouteIds.of(route.key).all(), ("routes", index, "key")))
        named.append((f'handler "{route.handler}"', FunctionIds.of(route.handler).all(), ("routes", index, "handler")))
        if route.authorizer:
            handler = route.authorizer.handler
            named.append((f'handler "{handler}"', FunctionIds.of(handler).all(), ("routes", index, "authorizer")))
    for path, secret in [use for stage in p.stage_names() for use in p.at_stage(stage).secret_uses()]:
        named.append((f'secret "{secret}"', (secret_parameter(secret),), path))
    for owner, logical_ids, path in named:
        for logical in logical_ids:
            other = owners.setdefault(logical, owner)
            if other != owner:
                yield _Check(False, f'The {other} and the {owner} would share the CloudFormation id "{logical}": rename one.', path)
                break


def _table_checks(p: Project) -> Iterator[_Check]:
    t = p.connection_table
    if t is None:
        return
    path: KeyPath = ("connection_table",)
    yield _Check(
        t.billing in BILLING_MODES,
        f'Billing "{t.billing}" must be one of {", ".join(BILLING_MODES)}.',
        (*path, "billing"),
    )
    if t.billing == "provisioned":
        for name in ("read_capacity", "write_capacity"):
            value = getattr(t, name)
            yield _Check(value >= 1, f"{name} must be at least 1 with provisioned billing.", (*path, name))
    yield _Check(bool(t.hash_key.strip()), "The connection table needs a hash_key attribute name.", (*path, "hash_key"))
    yield from _environment_checks({t.env_var: ""}, (*path, "env_var"))
    environments = [p.functions.environment, *(r.environment for r in p.routes), *(s.environment for s in p.stages.values())]
    environments += [r.authorizer.environment for r in p.routes if r.authorizer]
    clashes = [env for env in environments if t.env_var in env]
    yield _Check(
        not clashes,
        f'Environment variable "{t.env_var}" is set by the connection table; remove it from the environment.',
        (*path, "env_var"),
    )

