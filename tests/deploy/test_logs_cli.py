"""`wstui logs` against a real moto server: a deployed chat service, log events written by the test."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from deployed_logs import STACK, LogWriter, answering, client, deploy, json_lines, refuse, run

from wstui.core.deploy.aws import AwsTarget

CONNECT = "HandlersConnectHandleFunction"
SEND = "HandlersSendMessageHandleFunction"


def test_lines_of_every_function_interleaved_by_time_marked_and_with_request_ids(chat_project: Path, aws: AwsTarget) -> None:
    functions = deploy(chat_project, aws)
    writer = LogWriter(client(aws, "logs"))
    now = int(time.time() * 1000)
    connect, send = f"/aws/lambda/{functions[CONNECT]}", f"/aws/lambda/{functions[SEND]}"
    connect_stream, send_stream = writer.stream(connect), writer.stream(send)
    writer.invocation(connect, connect_stream, now - 5_000, "11111111-aaaa-4000-8000-000000000001", "connected\n")
    writer.invocation(send, send_stream, now - 4_998, "22222222-bbbb-4000-8000-000000000002", "[INFO]\t2026-11-25T12:00:00Z\t22222222-bbbb-4000-8000-000000000002\tsent\n")
    writer.put(send, send_stream, (now - 4_997, "a print between START and REPORT\n"))

    shown = run(chat_project, aws, "logs", "--json")
    assert shown.exit_code == 0, shown.output
    lines = json_lines(shown.output)
    assert [line["timestamp"] for line in lines] == sorted(line["timestamp"] for line in lines)
    by_message = {line["message"]: line for line in lines}
    assert by_message["connected"]["source"] == "$connect"
    assert by_message["connected"]["request_id"] == "11111111-aaaa-4000-8000-000000000001"
    assert by_message["a print between START and REPORT"]["source"] == "sendmessage"
    assert by_message["a print between START and REPORT"]["request_id"] == "22222222-bbbb-4000-8000-000000000002"
    assert len(lines) == 9
    sources = [line["source"] for line in lines]
    assert sources.index("sendmessage") < len(sources) - sources[::-1].index("$connect") - 1, "interleaved, not one group after the other"

    text = run(chat_project, aws, "logs")
    assert text.exit_code == 0, text.output
    assert "sendmessage 22222222 a print between START and REPORT" in text.output
    assert "$connect    11111111 connected" in text.output


def test_route_and_function_choose_one_function_and_unknown_names_list_what_there_is(chat_project: Path, aws: AwsTarget) -> None:
    functions = deploy(chat_project, aws)
    writer = LogWriter(client(aws, "logs"))
    now = int(time.time() * 1000)
    for logical, said in ((CONNECT, "from connect"), (SEND, "from send")):
        group = f"/aws/lambda/{functions[logical]}"
        writer.put(group, writer.stream(group), (now - 1_000, said))

    by_route = run(chat_project, aws, "logs", "--route", "sendmessage", "--json")
    assert by_route.exit_code == 0, by_route.output
    assert [line["message"] for line in json_lines(by_route.output)] == ["from send"]
    for name in (functions[CONNECT], CONNECT, "handlers.connect:handle"):
        by_function = run(chat_project, aws, "logs", "--function", name, "--json")
        assert [line["message"] for line in json_lines(by_function.output)] == ["from connect"], by_function.output

    unknown = run(chat_project, aws, "logs", "--route", "nope")
    assert unknown.exit_code == 2
    assert "No route 'nope' in stack chat-v1; its routes: $connect, $disconnect, sendmessage." in unknown.output
    both = run(chat_project, aws, "logs", "--route", "sendmessage", "--function", CONNECT)
    assert both.exit_code == 2 and "give one of them" in both.output


def test_a_function_never_invoked_is_said_and_no_lines_is_not_a_failure(chat_project: Path, aws: AwsTarget) -> None:
    functions = deploy(chat_project, aws)
    shown = run(chat_project, aws, "logs", "--route", "$connect")
    assert shown.exit_code == 0, shown.output
    assert f"No log group /aws/lambda/{functions[CONNECT]} yet: $connect has not been invoked since it was deployed" in shown.output
    assert "No log lines since 10m." in shown.output


def test_no_stack_says_so(chat_project: Path, aws: AwsTarget) -> None:
    shown = run(chat_project, aws, "logs")
    assert shown.exit_code == 1
    assert f"Error: No stack {STACK} in us-east-1: nothing deployed, so no logs. Deploy with `wstui deploy`" in shown.output


def test_a_denied_read_names_the_action(chat_project: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy(chat_project, aws)
    denied = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform this operation"
    refuse(monkeypatch, "FilterLogEvents", answering(400, "AccessDeniedException", denied))
    shown = run(chat_project, aws, "logs")
    assert shown.exit_code == 1
    assert "AWS denied access while calling logs:FilterLogEvents on /aws/lambda/chat-v1-HandlersConnectHandleFunction" in shown.output
    assert "Traceback" not in shown.output


def test_since_that_is_no_time_is_a_usage_error(chat_project: Path, aws: AwsTarget) -> None:
    shown = run(chat_project, aws, "logs", "--since", "yesterday")
    assert shown.exit_code == 2
    assert "--since 'yesterday' is neither a duration (10m, 2h, 3d) nor an ISO 8601 time" in shown.output


def test_since_reaches_back_as_far_as_asked(chat_project: Path, aws: AwsTarget) -> None:
    functions = deploy(chat_project, aws)
    writer = LogWriter(client(aws, "logs"))
    group = f"/aws/lambda/{functions[SEND]}"
    now = int(time.time() * 1000)
    writer.put(group, writer.stream(group), (now - 3 * 3600_000, "three hours ago"), (now - 60_000, "a minute ago"))
    assert [line["message"] for line in json_lines(run(chat_project, aws, "logs", "--json").output)] == ["a minute ago"]
    assert [line["message"] for line in json_lines(run(chat_project, aws, "logs", "--json", "--since", "4h").output)] == [
        "three hours ago", "a minute ago"]
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now / 1000 - 4 * 3600))
    assert len(json_lines(run(chat_project, aws, "logs", "--json", "--since", iso).output)) == 2


ACCESS_LOG = "/aws/apigateway/chat-v1-access"


def with_access_logging(aws: AwsTarget) -> None:
    """The deployed stack, updated as a stage with access logging on is deployed: a log group, and the
    stage's AccessLogSettings pointing at it."""
    cloudformation = client(aws, "cloudformation")
    template = cloudformation.get_template(StackName=STACK)["TemplateBody"]
    template["Resources"]["AccessLogs"] = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": ACCESS_LOG}}
    template["Resources"]["Stage"]["Properties"]["AccessLogSettings"] = {
        "DestinationArn": {"Fn::GetAtt": ["AccessLogs", "Arn"]}, "Format": '{"requestId":"$context.requestId"}'}
    parameters = [{"ParameterKey": key, "UsePreviousValue": True} for key in template["Parameters"]]
    cloudformation.update_stack(StackName=STACK, TemplateBody=json.dumps(template), Parameters=parameters,
                                Capabilities=["CAPABILITY_IAM"])


def test_api_adds_the_stages_access_log_and_says_when_access_logging_is_off(chat_project: Path, aws: AwsTarget) -> None:
    functions = deploy(chat_project, aws)
    off = run(chat_project, aws, "logs", "--api")
    assert off.exit_code == 1
    assert "Access logging is off for the API stage of stack chat-v1" in off.output

    with_access_logging(aws)
    writer = LogWriter(client(aws, "logs"))
    now = int(time.time() * 1000)
    access = '{"requestId":"Xy1AbCdEfGhIjK=","eventType":"CONNECT","routeKey":"$connect","status":"200"}'
    writer.put(ACCESS_LOG, writer.stream(ACCESS_LOG), (now - 2_000, access))
    group = f"/aws/lambda/{functions[CONNECT]}"
    writer.invocation(group, writer.stream(group), now - 1_999, "11111111-aaaa-4000-8000-000000000001", "connected\n")

    shown = run(chat_project, aws, "logs", "--api", "--route", "$connect", "--json")
    assert shown.exit_code == 0, shown.output
    lines = json_lines(shown.output)
    assert (lines[0]["source"], lines[0]["message"], lines[0]["request_id"]) == ("api", access, "Xy1AbCdEfGhIjK=")
    assert {line["source"] for line in lines[1:]} == {"$connect"}
