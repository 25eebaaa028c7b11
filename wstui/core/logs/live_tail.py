"""A CloudWatch Logs live tail session (StartLiveTail): new lines pushed as they are ingested.

Opening one either gives a session that has started, or says why there is none, for the reader to
poll instead: live tail needs the groups' ARNs (DescribeLogGroups), at most 10 groups, each existing,
and `logs:StartLiveTail`, which not every endpoint or policy offers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wstui.core.deploy.aws import error_code
from wstui.core.logs.sources import LogSource

LIVE_TAIL_ACTION = "logs:StartLiveTail"
MAX_LIVE_GROUPS = 10
LiveResult = tuple[LogSource, dict[str, Any]]


@dataclass
class LiveTail:
    """A started session: `stream` is botocore's event stream, past its `sessionStart`."""

    events: Iterator[dict[str, Any]]
    stream: Any
    sources: dict[str, LogSource]

    def updates(self) -> Iterator[tuple[bool, list[LiveResult]]]:
        """Each session update: whether CloudWatch sampled it, and its lines, until the session ends
        (AWS ends it after three hours, moto at once). The stream is closed however iteration ends."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            for event in self.events:
                update = event.get("sessionUpdate")
                if update is None:
                    continue
                results = [(source, raw) for raw in update.get("sessionResults", [])
                           if (source := self.source(str(raw.get("logGroupIdentifier", "")))) is not None]
                yield bool(update.get("sessionMetadata", {}).get("sampled")), results
        except (ClientError, BotoCoreError):
            return  # SessionTimeoutException, SessionStreamingException, a dropped connection: a new session follows
        finally:
            self.stream.close()

    def source(self, identifier: str) -> LogSource | None:
        """The source of a result's `logGroupIdentifier`: the ARN asked for (moto), `ACCOUNT:NAME` (AWS), or the name."""
        if identifier in self.sources:
            return self.sources[identifier]
        name = identifier.partition(":log-group:")[2] or identifier.partition(":")[2] or identifier
        return next((source for source in self.sources.values() if source.group in (name, identifier)), None)


def open_live_tail(logs: Any, sources: tuple[LogSource, ...], pattern: str) -> tuple[LiveTail | None, str]:
    """A started session on `sources`, or None and why not (for the user, who gets polling instead)."""
    from botocore.exceptions import BotoCoreError, ClientError

    if len(sources) > MAX_LIVE_GROUPS:
        return None, f"live tail takes at most {MAX_LIVE_GROUPS} log groups, and there are {len(sources)}"
    try:
        arns = {}
        for source in sources:
            arn = _arn(logs, source.group)
            if not arn:
                return None, f"{source.group} does not exist yet, and live tail only takes existing log groups"
            arns[arn] = source
        request: dict[str, Any] = {"logGroupIdentifiers": list(arns)}
        if pattern:
            request["logEventFilterPattern"] = pattern
        stream = logs.start_live_tail(**request)["responseStream"]
        events = iter(stream)
        first = next(events, {})
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", "") or error_code(error)
        return None, f"live tail is not available ({error.operation_name} answered {error_code(error)}: {message.rstrip('.')})"
    except BotoCoreError as error:
        return None, f"live tail is not available ({error})"
    if "sessionStart" not in first:
        stream.close()
        return None, "live tail is not available (the session did not start)"
    return LiveTail(events, stream, arns), ""


def _arn(logs: Any, group: str) -> str:
    """The group's ARN (without the `:*` DescribeLogGroups' `arn` ends with), or empty when there is no such group."""
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=group):
        for found in page.get("logGroups", []):
            if found.get("logGroupName") == group:
                return str(found.get("logGroupArn") or str(found.get("arn", "")).removesuffix(":*"))
    return ""
