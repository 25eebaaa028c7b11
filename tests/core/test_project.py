"""Loading and validating wstui.toml: every problem a user can make gets one line with file:line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from wstui.cli.remedies import said
from wstui.core.errors import ProjectError, UsageError
from wstui.core.lambda_runtimes import PYTHON_RUNTIMES
from wstui.core.project.load import find_project_file, load_project
from wstui.core.project.model import ConnectionTableSettings

EXAMPLE = Path(__file__).parents[2] / "examples" / "chat"

HANDLERS = {
    "handlers/__init__.py": "",
    "handlers/chat.py": "def connect(event, context):\n    return {'statusCode': 200}\n\n"
    "def send(event, context):\n    return {'statusCode': 200}\n\n"
    "async def echo(event, context):\n    return {'statusCode': 200}\n",
}

BASE = """\
[project]
name = "demo"

[[routes]]
key = "$connect"
handler = "handlers.chat:connect"

[[routes]]
key = "sendmessage"
handler = "handlers.chat:send"
"""


def make_project(root: Path, toml: str, files: dict[str, str] = HANDLERS) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "wstui.toml").write_text(textwrap.dedent(toml))
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ProjectError) as caught:
        load_project(root)
    return [str(p) for p in caught.value.problems]


def test_example_project_loads_with_its_settings() -> None:
    project = load_project(EXAMPLE)
    assert project.project.name == "sample"
    assert project.stage.name == "v1"
    assert project.api.route_selection_expression == "$request.body.message"
    assert [r.key for r in project.routes] == ["$connect", "$disconnect", "sendmessage"]
    assert project.connection_table == ConnectionTableSettings(billing="provisioned")
    assert project.directory == EXAMPLE.resolve()


def test_defaults_fill_what_the_file_leaves_out(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path, BASE))
    assert project.api.route_selection_expression == "$request.body.message"
    assert project.api_name == "demo"
    assert project.functions.runtime == "python3.12"
    assert project.stage.name == "v1"
    assert project.connection_table is None
    assert project.stack_name == "demo-v1"
    assert [r.posts_to_connections for r in project.routes] == [False, True]


def test_project_file_is_found_from_a_subdirectory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, BASE)
    deep = tmp_path / "handlers" / "nested"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert find_project_file(Path.cwd()) == (tmp_path / "wstui.toml").resolve()
    assert load_project().project.name == "demo"


def test_no_project_file_says_how_to_make_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as caught:
        load_project()
    assert "Run `wstui new NAME`" in said(caught.value)
    with pytest.raises(UsageError, match="No wstui.toml in"):
        load_project(tmp_path / "elsewhere")


def test_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    make_project(tmp_path, BASE + '\n[api]\nroute_selection_expression = "$request.body.x\n')
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path / 'wstui.toml'}:13: TOML syntax error")


@pytest.mark.parametrize(
    ("extra", "line", "expected"),
    [
        ('\n[api]\nroute_selection_expresion = "$request.body.action"\n', 13, 'did you mean "route_selection_expression"'),
        ('\n[stage]\nname = "v1"\ncolour = "blue"\n', 14, 'Unknown key "colour" in [stage]'),
        ("\n[functions]\nmemory = \"big\"\n", 13, '"functions.memory" must be an integer, not a string'),
        ("\n[functions]\ntimeout = 1000\n", 13, "Timeout 1000 s is outside Lambda's 1-900 s"),
        ("\n[functions]\nruntime = \"nodejs20.x\"\n", 13, 'not a Python runtime AWS Lambda supports'),
        ("\n[functions]\nruntime = \"python3.99\"\n", 13, "supports: python3.11, python3.12, python3.13, python3.14"),
        ("\n[functions]\nruntime = \"python3.1\"\n", 13, 'Runtime "python3.1" is not'),
        ("\n[functions]\nruntime = \"python3.7\"\n", 13, 'Runtime "python3.7" is not'),
        ("\n[functions.environment]\nAWS_REGION = \"x\"\n", 13, '"AWS_REGION" is reserved by Lambda'),
        ("\n[functions.environment]\nAUTH_TOKEN = 5\n", 13,
         '"functions.environment.AUTH_TOKEN" must be a string or a table { secret = "..." }, not an integer'),
        ('\n[functions.environment]\nAUTH_TOKEN = { secret = "Auth-Token" }\n', 13,
         'Secret name "Auth-Token" must be lower-case words of letters and digits joined by "_"'),
        ("\n[api]\nroute_selection_expression = \"$request.header.x\"\n", 13, '"$request.header.x"'),
        ("\n[connection_table]\nbilling = \"cheap\"\n", 13, 'Billing "cheap" must be one of on_demand, provisioned'),
        ("\n[deploy]\ns3_bucket = \"Bad_Bucket\"\n", 13, "not a valid S3 bucket name"),
    ],
)
def test_each_setting_problem_points_at_its_line(tmp_path: Path, extra: str, line: int, expected: str) -> None:
    make_project(tmp_path, BASE + extra)
    (problem,) = problems_of(tmp_path)
    assert f"wstui.toml:{line}: " in problem
    assert expected in problem


def test_duplicate_route_key_points_at_the_second(tmp_path: Path) -> None:
    make_project(tmp_path, BASE + '\n[[routes]]\nkey = "sendmessage"\nhandler = "handlers.chat:send"\n')
    (problem,) = problems_of(tmp_path)
    assert "wstui.toml:13:" in problem
    assert 'Route key "sendmessage" is defined twice (first as route #2)' in problem


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("$conect", 'did you mean "$connect"?'),
        ("$disconect", 'did you mean "$disconnect"?'),
        ("$defualt", 'did you mean "$default"?'),
        ("$chat", "the reserved keys are $connect, $disconnect, $default"),
        ("", "must not be empty"),
        ("*", 'holds "*": a route key is part of the ARN'),
        ("a\\tb", "holds whitespace (\\t)"),
    ],
)
def test_refused_route_keys_name_their_line(tmp_path: Path, key: str, expected: str) -> None:
    make_project(tmp_path, BASE + f'\n[[routes]]\nkey = "{key}"\nhandler = "handlers.chat:send"\n')
    (problem,) = problems_of(tmp_path)
    assert "wstui.toml:13:" in problem
    assert expected in problem


@pytest.mark.parametrize(
    ("handler", "files", "expected"),
    [
        ("handlers.chat", HANDLERS, "must look like module:function"),
        ("handlers.chat:not-a-name", HANDLERS, "must look like module:function"),
        ("handlers.missing:send", HANDLERS, 'module "handlers.missing" not found (expected handlers/missing.py)'),
        ("handlers.chat:nope", HANDLERS, 'handlers/chat.py defines no "nope"'),
        ("handlers.chat:echo", HANDLERS, None),
        ("handlers:send", {**HANDLERS, "handlers/__init__.py": "from .chat import send\n"}, None),
        ("handlers.broken:send", {**HANDLERS, "handlers/broken.py": "def send(:\n"}, "broken.py does not parse (line 1"),
    ],
)
def test_handlers_are_checked_without_importing_them(
    tmp_path: Path, handler: str, files: dict[str, str], expected: str | None
) -> None:
    files = {**files, "handlers/boom.py": "raise SystemExit('imported!')\ndef send(e, c):\n    pass\n"}
    make_project(tmp_path, BASE + f'\n[[routes]]\nkey = "extra"\nhandler = "{handler}"\n', files)
    if expected is None:
        assert load_project(tmp_path).routes[-1].handler == handler
        return
    (problem,) = problems_of(tmp_path)
    assert "wstui.toml:14:" in problem
    assert expected in problem


def test_a_module_with_side_effects_is_never_run(tmp_path: Path) -> None:
    files = {**HANDLERS, "handlers/boom.py": "raise SystemExit('imported!')\ndef send(e, c):\n    pass\n"}
    make_project(tmp_path, BASE + '\n[[routes]]\nkey = "boom"\nhandler = "handlers.boom:send"\n', files)
    assert load_project(tmp_path).routes[-1].key == "boom"


def test_authorizer_only_on_connect(tmp_path: Path) -> None:
    toml = BASE + '\n[routes.authorizer]\nhandler = "handlers.chat:echo"\n'
    make_project(tmp_path, toml)
    (problem,) = problems_of(tmp_path)
    assert 'Route "sendmessage" has an authorizer; API Gateway runs authorizers only on "$connect"' in problem


def test_routes_sharing_a_handler_must_agree_on_its_settings(tmp_path: Path) -> None:
    make_project(tmp_path, BASE + '\n[[routes]]\nkey = "other"\nhandler = "handlers.chat:send"\ntimeout = 20\n')
    (problem,) = problems_of(tmp_path)
    assert "wstui.toml:15:" in problem
    assert 'share handler "handlers.chat:send" (one function) but set timeout differently' in problem


def test_keys_that_collide_as_logical_ids_are_refused(tmp_path: Path) -> None:
    extra = '\n[[routes]]\nkey = "send-message"\nhandler = "handlers.chat:send"\n'
    extra += '\n[[routes]]\nkey = "send_message"\nhandler = "handlers.chat:send"\n'
    make_project(tmp_path, BASE + extra)
    (problem,) = problems_of(tmp_path)
    assert 'would share the CloudFormation id "RouteSendMessage"' in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    toml = BASE.replace('name = "demo"', 'name = "demo"\nregion = "mars"') + '\n[stage]\nname = "v 1"\n'
    make_project(tmp_path, toml)
    problems = problems_of(tmp_path)
    assert len(problems) == 2
    assert "wstui.toml:3:" in problems[0] and "mars" in problems[0]
    assert "wstui.toml:14:" in problems[1] and "Stage name" in problems[1]


def test_no_routes_is_a_problem(tmp_path: Path) -> None:
    make_project(tmp_path, '[project]\nname = "demo"\n')
    (problem,) = problems_of(tmp_path)
    assert "The API has no routes" in problem


def test_copy_of_example_is_independent(tmp_path: Path) -> None:
    copy = tmp_path / "chat"
    shutil.copytree(EXAMPLE, copy)
    assert load_project(copy).directory == copy.resolve()


def test_route_keys_that_spell_another_routes_resource_are_fine(tmp_path: Path) -> None:
    extra = '\n[[routes]]\nkey = "connectIntegration"\nhandler = "handlers.chat:send"\n'
    project = load_project(make_project(tmp_path, BASE + extra))
    from wstui.core.template import synthesize

    resources = synthesize(project).to_dict()["Resources"]
    assert {"IntegrationConnect", "IntegrationConnectIntegration", "RouteConnectIntegration"} <= set(resources)


def test_the_authorizer_needs_a_function_of_its_own(tmp_path: Path) -> None:
    toml = BASE.replace(
        'handler = "handlers.chat:connect"\n',
        'handler = "handlers.chat:connect"\n\n[routes.authorizer]\nhandler = "handlers.chat:send"\n',
        1,
    )
    make_project(tmp_path, toml)
    (problem,) = problems_of(tmp_path)
    assert 'Route "sendmessage" uses the authorizer\'s handler "handlers.chat:send"' in problem


def test_routes_sharing_a_handler_may_differ_on_posting(tmp_path: Path) -> None:
    extra = '\n[[routes]]\nkey = "leave"\nhandler = "handlers.chat:send"\nposts = false\n'
    project = load_project(make_project(tmp_path, BASE + extra))
    assert [r.posts_to_connections for r in project.routes] == [False, True, False]


def test_every_runtime_lambda_supports_is_accepted(tmp_path: Path) -> None:
    for runtime in PYTHON_RUNTIMES:
        make_project(tmp_path, BASE + f'\n[functions]\nruntime = "{runtime}"\n')
        assert load_project(tmp_path).functions.runtime == runtime
