"""The Deploy area's Logs view against a real moto server: the lines `wstui logs` prints, followed live,
with the function picker and the filter field."""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import Input, Label, RichLog, Select

from tests.deploy.deployed_logs import LogWriter, client, deploy
from tests.tui.conftest import make_app, running, wait_until
from wstui.core.deploy.aws import AwsTarget
from wstui.tui.deploy.logs_screen import LogsScreen
from wstui.tui.deploy.screen import DeployScreen


def shown(screen: LogsScreen) -> str:
    return "\n".join(line.text for line in screen.query_one(RichLog).lines)


async def test_logs_view_follows_the_stack_picks_a_function_and_filters(chat: Path, shell: AwsTarget) -> None:
    functions = deploy(chat, shell)
    writer = LogWriter(client(shell, "logs"))
    now = int(time.time() * 1000)
    groups = {logical: f"/aws/lambda/{name}" for logical, name in functions.items()}
    connect, send = groups["HandlersConnectHandleFunction"], groups["HandlersSendMessageHandleFunction"]
    writer.invocation(connect, writer.stream(connect), now - 3_000, "11111111-aaaa-4000-8000-000000000001", "[bold]connected\n")
    send_stream = writer.stream(send)
    writer.put(send, send_stream, (now - 2_000, "hello from send"), (now - 1_999, "ERROR something broke"))

    async with running(make_app(chat, chat)) as pilot:
        await pilot.press("f5")
        assert isinstance(pilot.app.screen, DeployScreen)
        await pilot.press("ctrl+l")
        screen = pilot.app.screen
        assert isinstance(screen, LogsScreen)
        await wait_until(pilot, lambda: "hello from send" in shown(screen) and "[bold]connected" in shown(screen))
        assert "$connect    11111111 [bold]connected" in shown(screen)
        await wait_until(pilot, lambda: "live tail" in str(screen.query_one("#logs-state", Label).render()))

        picker = screen.query_one(Select)
        picker.value = next(index for index, source in enumerate(screen.sources) if source.label == "sendmessage")
        await wait_until(pilot, lambda: "hello from send" in shown(screen) and "connected" not in shown(screen))
        writer.put(send, send_stream, (int(time.time() * 1000), "new while following"))
        await wait_until(pilot, lambda: "new while following" in shown(screen))

        screen.query_one("#logs-filter", Input).focus()
        await pilot.press(*"ERROR", "enter")
        await wait_until(pilot, lambda: "something broke" in shown(screen) and "hello from send" not in shown(screen))

        await pilot.press("escape")
        assert isinstance(pilot.app.screen, DeployScreen)
