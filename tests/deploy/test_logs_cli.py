"""`wstui logs` against a real moto server: a deployed chat service, log events written by the test."""

from __future__ import annotations

import time
from pathlib import Path

from deployed_logs import STACK, LogWriter, client, deploy, json_lines, run

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
