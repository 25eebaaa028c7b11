"""The CloudFormation template: golden files, determinism, cfn-lint, and what cfn-lint cannot check.

Regenerate the golden files after an intended change with
`WSTUI_UPDATE_GOLDEN=1 python -m pytest tests/core/test_template.py -k golden`, then review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from wstui.core.project.load import ProjectFile, load_project
from wstui.core.project.model import Project
from wstui.core.project.routes import RouteChange, add_route, set_expression, set_route
from wstui.core.template import synthesize

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
PROJECTS = {"chat": ROOT / "examples" / "chat", "larger": ROOT / "tests" / "fixtures" / "larger"}
UPDATE_GOLDEN = os.environ.get("WSTUI_UPDATE_GOLDEN") == "1"
API = "WebSocketApi"
SCOPED_PREFIX = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/"


# --- helpers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One project synthesized once: the model, both renderings, and the JSON parsed back."""

    project: Project
    json_text: str
    yaml_text: str

    @property
    def template(self) -> dict[str, Any]:
        return json.loads(self.json_text)

    @property
    def stage(self) -> str:
        return self.project.stage.name


def build(directory: Path) -> Built:
    synthesized = synthesize(load_project(directory))
    return Built(synthesized.project, synthesized.render("json"), synthesized.render("yaml"))


def template_of(directory: Path) -> dict[str, Any]:
    return synthesize(load_project(directory)).to_dict()


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Resources of type `kind`, by logical id."""
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def props(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    return template["Resources"][logical_id]["Properties"]


def sub_text(value: Any) -> str:
    """The text of an `Fn::Sub` (short or long form)."""
    assert isinstance(value, dict) and "Fn::Sub" in value, f"expected Fn::Sub, got {value!r}"
    sub = value["Fn::Sub"]
    return sub if isinstance(sub, str) else sub[0]


def function_of_route(template: dict[str, Any], route_id: str) -> str:
    """The logical id of the Lambda function a route's integration invokes."""
    target = sub_text(props(template, route_id)["Target"])
    integration = re.fullmatch(r"integrations/\$\{(\w+)\}", target)
    assert integration, target
    uri = sub_text(props(template, integration.group(1))["IntegrationUri"])
    function = re.search(r"/functions/\$\{(\w+)\.Arn\}/invocations$", uri)
    assert function, uri
    return function.group(1)


def route_ids_by_key(template: dict[str, Any]) -> dict[str, str]:
    return {r["Properties"]["RouteKey"]: name for name, r in resources(template, "AWS::ApiGatewayV2::Route").items()}


def role_of(template: dict[str, Any], function_id: str) -> str:
    role = props(template, function_id)["Role"]
    assert role == {"Fn::GetAtt": [role["Fn::GetAtt"][0], "Arn"]}
    return role["Fn::GetAtt"][0]


def statements(template: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    return [s for policy in props(template, role_id).get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def table_actions(template: dict[str, Any], function_id: str) -> set[str]:
    """Every action the function's role is granted on the connection table."""
    found: set[str] = set()
    for statement in statements(template, role_of(template, function_id)):
        if statement["Resource"] == {"Fn::GetAtt": ["ConnectionTable", "Arn"]}:
            found.update(actions(statement))
    return found


def all_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_strings(item)


def copy_project(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return destination


def edit_toml(directory: Path, old: str, new: str) -> None:
    path = directory / "wstui.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def deployment_id(template: dict[str, Any]) -> str:
    (only,) = resources(template, "AWS::ApiGatewayV2::Deployment")
    return only


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: build(directory) for name, directory in PROJECTS.items()}


@pytest.fixture(params=sorted(PROJECTS))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


@pytest.fixture
def chat(built: dict[str, Built]) -> dict[str, Any]:
    return built["chat"].template


@pytest.fixture
def larger(built: dict[str, Built]) -> dict[str, Any]:
    return built["larger"].template


# --- golden files and determinism ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_golden_json(name: str, built: dict[str, Built]) -> None:
    golden = GOLDEN / f"{name}.json"
    text = built[name].json_text
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="")
    assert golden.is_file(), f"{golden} is missing: run with WSTUI_UPDATE_GOLDEN=1 to create it"
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, f"{name} template differs from {golden}: rerun with WSTUI_UPDATE_GOLDEN=1 if intended"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_synthesizing_twice_is_byte_identical(name: str, built: dict[str, Built]) -> None:
    again = build(PROJECTS[name])
    assert again.json_text == built[name].json_text
    assert again.yaml_text == built[name].yaml_text


# --- cfn-lint -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_cfn_lint_is_clean(each: Built, fmt: str) -> None:
    text = each.json_text if fmt == "json" else each.yaml_text
    matches = lint(text, config=ManualArgs(regions=[each.project.project.region]))
    assert [str(m) for m in matches] == []


def test_yaml_and_json_describe_the_same_template(each: Built) -> None:
    from cfn_flip import to_json

    assert json.loads(to_json(each.yaml_text)) == each.template


# --- the API ------------------------------------------------------------------------------------------


def test_api_is_a_websocket_api_with_the_projects_expression(each: Built) -> None:
    (api_id,) = resources(each.template, "AWS::ApiGatewayV2::Api")
    assert api_id == API
    api = props(each.template, API)
    assert api["ProtocolType"] == "WEBSOCKET"
    assert api["RouteSelectionExpression"] == each.project.api.route_selection_expression


def test_larger_api_carries_name_description_tags_and_expression(larger: dict[str, Any]) -> None:
    api = props(larger, API)
    assert api["RouteSelectionExpression"] == "$request.body.action"
    assert api["Name"] == "rooms-api"
    assert api["Description"] == "Chat rooms over WebSocket"
    assert api["Tags"] == {"team": "realtime", "cost-center": "1234"}
    assert props(larger, "Stage")["StageName"] == "prod"


def test_logical_ids_are_readable(chat: dict[str, Any], larger: dict[str, Any]) -> None:
    assert {"RouteConnect", "RouteDisconnect", "RouteSendmessage"} <= set(chat["Resources"])
    assert {"RouteConnect", "RouteDisconnect", "RouteDefault", "RouteEcho", "RouteSendmessage", "RouteJoin"} <= set(
        larger["Resources"]
    )
    assert route_ids_by_key(larger)["$default"] == "RouteDefault"


def test_every_route_key_has_one_route(each: Built) -> None:
    assert sorted(route_ids_by_key(each.template)) == sorted(r.key for r in each.project.routes)
    for route_id in route_ids_by_key(each.template).values():
        integration = sub_text(props(each.template, route_id)["Target"]).removeprefix("integrations/${")[:-1]
        assert props(each.template, integration)["IntegrationType"] == "AWS_PROXY"


def test_routes_sharing_a_handler_share_one_function(larger: dict[str, Any]) -> None:
    ids = route_ids_by_key(larger)
    assert function_of_route(larger, ids["join"]) == function_of_route(larger, ids["leave"])
    assert len({function_of_route(larger, i) for i in ids.values()}) == len(ids) - 1
    # one function per handler: six route handlers and the authorizer's
    assert len(resources(larger, "AWS::Lambda::Function")) == 7


# --- Lambda permissions -------------------------------------------------------------------------------


def test_every_permission_is_scoped_to_this_api(each: Built) -> None:
    permissions = resources(each.template, "AWS::Lambda::Permission")
    assert permissions
    for name, permission in permissions.items():
        p = permission["Properties"]
        assert p["Principal"] == "apigateway.amazonaws.com", name
        assert p["Action"] == "lambda:InvokeFunction", name
        assert "SourceArn" in p, f"{name} lets any API invoke the function"
        assert sub_text(p["SourceArn"]).startswith(SCOPED_PREFIX), name


def test_route_permissions_end_with_stage_and_route_key(each: Built) -> None:
    template = each.template
    by_function: dict[str, set[str]] = {}
    for permission in resources(template, "AWS::Lambda::Permission").values():
        p = permission["Properties"]
        by_function.setdefault(p["FunctionName"]["Ref"], set()).add(sub_text(p["SourceArn"]))
    for key, route_id in route_ids_by_key(template).items():
        arn = f"{SCOPED_PREFIX}{each.stage}/{key}"
        assert arn in by_function[function_of_route(template, route_id)], f"route {key}: no permission {arn}"


# --- IAM ----------------------------------------------------------------------------------------------


def test_no_hard_coded_partition(each: Built) -> None:
    offending = [s for s in all_strings(each.template) if "arn:aws:" in s]
    assert offending == []


def test_no_statement_grants_every_resource(each: Built) -> None:
    for role_id in resources(each.template, "AWS::IAM::Role"):
        for statement in statements(each.template, role_id):
            resource = statement["Resource"]
            listed = resource if isinstance(resource, list) else [resource]
            assert "*" not in listed, f"{role_id}: {statement}"
            assert statement["Effect"] == "Allow"


def test_manage_connections_only_for_functions_that_post(each: Built) -> None:
    template = each.template
    ids = route_ids_by_key(template)
    posting = {function_of_route(template, ids[r.key]) for r in each.project.routes if r.posts_to_connections}
    granted: set[str] = set()
    for function_id in resources(template, "AWS::Lambda::Function"):
        for statement in statements(template, role_of(template, function_id)):
            if "execute-api:ManageConnections" in actions(statement):
                granted.add(function_id)
                assert actions(statement) == ["execute-api:ManageConnections"]
                expected = f"{SCOPED_PREFIX}{each.stage}/POST/@connections/*"
                assert sub_text(statement["Resource"]) == expected
    assert granted == posting


def test_in_chat_only_the_send_function_manages_connections(chat: dict[str, Any]) -> None:
    granted = [
        role
        for role in resources(chat, "AWS::IAM::Role")
        if any("execute-api:ManageConnections" in actions(s) for s in statements(chat, role))
    ]
    assert granted == [role_of(chat, function_of_route(chat, "RouteSendmessage"))]


def test_larger_posting_is_decided_per_route(larger: dict[str, Any]) -> None:
    ids = route_ids_by_key(larger)

    def manages(key: str) -> bool:
        role = role_of(larger, function_of_route(larger, ids[key]))
        return any("execute-api:ManageConnections" in actions(s) for s in statements(larger, role))

    assert manages("sendmessage") and manages("$default") and manages("join")
    assert not manages("echo")  # posts = false: it answers through the route response
    assert not manages("$connect") and not manages("$disconnect")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("$connect", {"dynamodb:PutItem"}),
        ("$disconnect", {"dynamodb:DeleteItem"}),
        ("sendmessage", {"dynamodb:Scan", "dynamodb:DeleteItem"}),
    ],
)
def test_table_access_is_least_privilege(each: Built, key: str, expected: set[str]) -> None:
    template = each.template
    assert table_actions(template, function_of_route(template, route_ids_by_key(template)[key])) == expected


def test_functions_that_need_no_table_get_no_table_access(larger: dict[str, Any]) -> None:
    ids = route_ids_by_key(larger)
    assert table_actions(larger, function_of_route(larger, ids["echo"])) == set()
    authorizer_uri = sub_text(props(larger, "Authorizer")["AuthorizerUri"])
    authorizer_function = re.search(r"\$\{(\w+)\.Arn\}", authorizer_uri).group(1)  # type: ignore[union-attr]
    assert table_actions(larger, authorizer_function) == set()


def test_table_grants_name_the_table_only(each: Built) -> None:
    for role_id in resources(each.template, "AWS::IAM::Role"):
        for statement in statements(each.template, role_id):
            if any(a.startswith("dynamodb:") for a in actions(statement)):
                assert statement["Resource"] == {"Fn::GetAtt": ["ConnectionTable", "Arn"]}


# --- the connection table -----------------------------------------------------------------------------


def test_table_is_encrypted_keyed_and_ages_out(each: Built) -> None:
    (table_id,) = resources(each.template, "AWS::DynamoDB::Table")
    assert table_id == "ConnectionTable"
    table = props(each.template, table_id)
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["KeySchema"] == [{"AttributeName": "connectionId", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "connectionId", "AttributeType": "S"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}


def test_chat_table_is_provisioned_at_five_and_five(chat: dict[str, Any]) -> None:
    table = props(chat, "ConnectionTable")
    assert table["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}


def test_larger_table_uses_its_own_capacity(larger: dict[str, Any]) -> None:
    table = props(larger, "ConnectionTable")
    assert table["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"] == {"ReadCapacityUnits": 10, "WriteCapacityUnits": 4}


def test_table_is_on_demand_by_default(tmp_path: Path) -> None:
    project = copy_project(PROJECTS["chat"], tmp_path / "chat")
    edit_toml(project, 'billing = "provisioned"\nread_capacity = 5\nwrite_capacity = 5\n', "")
    table = props(template_of(project), "ConnectionTable")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in table
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_every_function_gets_the_table_name(each: Built) -> None:
    functions = resources(each.template, "AWS::Lambda::Function")
    assert functions
    for name, function in functions.items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["CONNECTION_TABLE"] == {"Ref": "ConnectionTable"}, name


def test_function_settings_and_route_overrides(larger: dict[str, Any]) -> None:
    ids = route_ids_by_key(larger)
    send = props(larger, function_of_route(larger, ids["sendmessage"]))
    echo = props(larger, function_of_route(larger, ids["echo"]))
    assert (send["MemorySize"], send["Timeout"]) == (1024, 60)
    assert (echo["MemorySize"], echo["Timeout"]) == (256, 15)
    assert echo["Architectures"] == ["arm64"]
    assert send["Environment"]["Variables"]["MAX_BATCH"] == "25"
    assert "MAX_BATCH" not in echo["Environment"]["Variables"]
    for function in (send, echo):
        assert function["Environment"]["Variables"]["LOG_LEVEL"] == "INFO"
        assert function["Environment"]["Variables"]["SERVICE_NAME"] == "rooms"


# --- deployment and stage -----------------------------------------------------------------------------


def test_one_deployment_depending_on_every_route(each: Built) -> None:
    template = each.template
    deployment = template["Resources"][deployment_id(template)]
    routes = set(resources(template, "AWS::ApiGatewayV2::Route"))
    assert routes and routes <= set(deployment["DependsOn"])
    assert "StageName" not in deployment["Properties"]  # the Stage resource owns the stage
    stage = props(template, "Stage")
    assert stage["DeploymentId"] == {"Ref": deployment_id(template)}
    assert stage["StageName"] == each.stage


def test_deployment_id_ignores_unrelated_settings(tmp_path: Path) -> None:
    project = copy_project(PROJECTS["chat"], tmp_path / "chat")
    before = template_of(project)
    edit_toml(project, "memory = 128", "memory = 512")
    after = template_of(project)
    assert props(after, "HandlersSendHandleFunction")["MemorySize"] == 512  # the edit took effect
    assert deployment_id(after) == deployment_id(before)


def test_deployment_id_changes_when_a_route_is_added(tmp_path: Path) -> None:
    project = copy_project(PROJECTS["chat"], tmp_path / "chat")
    before = template_of(project)
    add_route(ProjectFile.open(project), "ping", "handlers.send:handle")
    after = template_of(project)
    assert "RoutePing" in after["Resources"]
    assert deployment_id(after) != deployment_id(before)
    assert "RoutePing" in after["Resources"][deployment_id(after)]["DependsOn"]


def test_deployment_id_changes_when_a_handler_changes(tmp_path: Path) -> None:
    project = copy_project(PROJECTS["chat"], tmp_path / "chat")
    (project / "handlers" / "broadcast.py").write_text("def handle(event, context):\n    return {}\n")
    before = template_of(project)
    set_route(ProjectFile.open(project), "sendmessage", RouteChange(handler="handlers.broadcast:handle"))
    after = template_of(project)
    assert function_of_route(after, "RouteSendmessage") == "HandlersBroadcastHandleFunction"
    assert deployment_id(after) != deployment_id(before)


def test_deployment_id_changes_when_the_route_selection_expression_changes(tmp_path: Path) -> None:
    project = copy_project(PROJECTS["chat"], tmp_path / "chat")
    before = template_of(project)
    set_expression(ProjectFile.open(project), "$request.body.action")
    after = template_of(project)
    assert props(after, "WebSocketApi")["RouteSelectionExpression"] == "$request.body.action"
    assert deployment_id(after) != deployment_id(before)


# --- two-way routes and the authorizer ----------------------------------------------------------------


def test_two_way_routes_have_a_route_response(each: Built) -> None:
    template = each.template
    ids = route_ids_by_key(template)
    responses = {
        r["Properties"]["RouteId"]["Ref"]: r["Properties"] for r in resources(template, "AWS::ApiGatewayV2::RouteResponse").values()
    }
    for route in each.project.routes:
        route_props = props(template, ids[route.key])
        if route.two_way:
            assert route_props["RouteResponseSelectionExpression"] == "$default"
            assert responses[ids[route.key]]["RouteResponseKey"] == "$default"
            assert responses[ids[route.key]]["ApiId"] == {"Ref": API}
        else:
            assert "RouteResponseSelectionExpression" not in route_props
            assert ids[route.key] not in responses


def test_larger_echo_is_two_way(larger: dict[str, Any]) -> None:
    assert props(larger, "RouteEcho")["RouteResponseSelectionExpression"] == "$default"
    assert props(larger, "ResponseEcho")["RouteId"] == {"Ref": "RouteEcho"}


def test_connect_uses_the_request_authorizer(larger: dict[str, Any]) -> None:
    (authorizer_id,) = resources(larger, "AWS::ApiGatewayV2::Authorizer")
    authorizer = props(larger, authorizer_id)
    assert authorizer["AuthorizerType"] == "REQUEST"
    assert authorizer["IdentitySource"] == ["route.request.querystring.token"]
    assert authorizer["ApiId"] == {"Ref": API}
    assert sub_text(authorizer["AuthorizerUri"]).endswith("/functions/${HandlersAuthAuthorizeFunction.Arn}/invocations")
    connect = props(larger, "RouteConnect")
    assert connect["AuthorizationType"] == "CUSTOM"
    assert connect["AuthorizerId"] == {"Ref": authorizer_id}
    for route_id, route in resources(larger, "AWS::ApiGatewayV2::Route").items():
        if route_id != "RouteConnect":
            assert route["Properties"]["AuthorizationType"] == "NONE"
            assert "AuthorizerId" not in route["Properties"]


def test_authorizer_has_its_own_permission(larger: dict[str, Any]) -> None:
    permissions = [
        p["Properties"]
        for p in resources(larger, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": "HandlersAuthAuthorizeFunction"}
    ]
    assert len(permissions) == 1
    assert sub_text(permissions[0]["SourceArn"]) == SCOPED_PREFIX + "authorizers/${Authorizer}"


def test_chat_has_no_authorizer(chat: dict[str, Any]) -> None:
    assert resources(chat, "AWS::ApiGatewayV2::Authorizer") == {}
    assert props(chat, "RouteConnect")["AuthorizationType"] == "NONE"


# --- outputs ------------------------------------------------------------------------------------------


def test_outputs(each: Built) -> None:
    outputs = each.template["Outputs"]
    url = sub_text(outputs["APIGatewayURL"]["Value"])
    assert url.startswith("wss://${WebSocketApi}.execute-api.${AWS::Region}.")
    assert url.endswith(f"/{each.stage}")
    management = sub_text(outputs["ManagementEndpoint"]["Value"])
    assert management == url.replace("wss://", "https://", 1)
    assert outputs["ConnectionTableName"]["Value"] == {"Ref": "ConnectionTable"}
