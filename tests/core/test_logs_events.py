"""Log events as AWS words them where moto words them otherwise (live tail's logGroupIdentifier), and the
request ids a line carries. botocore's Stubber cannot stand in for live tail: it validates a stubbed
response against the output shape, where an event stream is one structure, not a sequence of events."""

from __future__ import annotations

import io

from wstui.core.logs.events import RequestIds
from wstui.core.logs.live_tail import LiveTail
from wstui.core.logs.sources import LogSource

GROUP = "/aws/lambda/chat-v1-HandlersSendMessageHandleFunction-X1"
SEND = LogSource("sendmessage", GROUP, "chat-v1-HandlersSendMessageHandleFunction-X1")
ARN = f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}"


def test_a_live_tail_result_is_found_by_arn_by_account_and_name_and_by_name() -> None:
    results = [{"logGroupIdentifier": identifier, "logStreamName": "s", "message": identifier, "timestamp": 1}
               for identifier in (ARN, f"123456789012:{GROUP}", GROUP, "123456789012:/aws/lambda/another")]
    stream = io.BytesIO()
    tail = LiveTail(iter([{"sessionUpdate": {"sessionResults": results}}]), stream, {ARN: SEND})
    ((sampled, found),) = list(tail.updates())
    assert not sampled
    assert [(source.label, raw["message"]) for source, raw in found] == [
        ("sendmessage", ARN), ("sendmessage", f"123456789012:{GROUP}"), ("sendmessage", GROUP)]
    assert stream.closed


def test_lines_keep_the_request_id_of_their_invocation_in_their_stream() -> None:
    ids = RequestIds()
    raw = [("a", "START RequestId: 11111111-aaaa-4000-8000-000000000001 Version: $LATEST\n"),
           ("b", "START RequestId: 22222222-bbbb-4000-8000-000000000002 Version: $LATEST\n"),
           ("a", "printed\n"),
           ("b", '{"level": "INFO", "requestId": "33333333-cccc-4000-8000-000000000003", "message": "JSON logging"}'),
           ("a", "REPORT RequestId: 11111111-aaaa-4000-8000-000000000001\tDuration: 1 ms\n"),
           ("a", "after the invocation\n")]
    lines = [ids.line(SEND, {"logStreamName": stream, "message": message, "timestamp": 0}) for stream, message in raw]
    assert [line.request_id[:8] for line in lines] == ["11111111", "22222222", "11111111", "33333333", "11111111", ""]
    assert lines[2].message == "printed"
