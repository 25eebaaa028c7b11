"""The Console area against the real local gateway on a free port, running the scaffolded chat service."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, Static, TextArea

from tests.project_secrets import token_of
from tests.tui.conftest import make_app, running, start_local_gateway, wait_until
from wstui.core.console import ConnectionTarget, Direction, Frame, SessionState
from wstui.core.deploy.outputs import DeployedOutputs, save_outputs
from wstui.tui.console.frame_log import FrameLog
from wstui.tui.console.payload_editor import PayloadEditor
from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.console.session_panel import SessionPanel

HELLO = '{"message":"sendmessage","data":"hello world !"}'


def panels(screen: ConsoleScreen) -> list[SessionPanel]:
    return list(screen.query(SessionPanel))


def received(panel: SessionPanel) -> list[str]:
    return [str(f.data) for f in panel.frame_log.frames if f.direction is Direction.RECEIVED]


def status(panel: SessionPanel) -> str:
    return str(panel.query_one(".session-status", Static).render())


@contextlib.asynccontextmanager
async def console_of(project: Path, url: str = "") -> AsyncIterator[tuple[Pilot[None], ConsoleScreen]]:
    """The app on `project`, switched to the Console area, its URL field set to `url` if given."""
    async with running(make_app(project, project)) as pilot:
        await pilot.press("f4")
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        if url:
            screen.query_one("#url", Input).value = url
        yield pilot, screen


async def connect(pilot, screen: ConsoleScreen, count: int) -> list[SessionPanel]:  # type: ignore[no-untyped-def]
    for _ in range(count):
        await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: len(panels(screen)) == count and all(p.is_open for p in panels(screen)))
    return panels(screen)


async def test_a_broadcast_from_one_session_reaches_both(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with console_of(chat, service.url) as (pilot, screen):
        first, second = await connect(pilot, screen, 2)
        assert first.has_class("state-open") and "open (101)" in status(first)
        await pilot.press("ctrl+g")
        assert screen.current is first, "ctrl+g wraps around to the first session"
        screen.editor.load(HELLO)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: all('"hello world !"' in received(p) for p in (first, second)))
        sent = [f for f in first.frame_log.frames if f.direction is Direction.SENT]
        assert [f.data for f in sent] == [HELLO] and sent[0].size == len(HELLO)
        assert not [f for f in second.frame_log.frames if f.direction is Direction.SENT]
        # The log selects its newest frame by a message of its own, handled after the frames are shown.
        await wait_until(pilot, lambda: "hello world !" in str(screen.query_one("#detail", Static).render()))
        assert screen.editor.history == [HELLO]


async def test_invalid_json_is_refused_inline_and_history_steps_back(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with console_of(chat, service.url) as (pilot, screen):
        (panel,) = await connect(pilot, screen, 1)
        await pilot.click("#payload")
        await pilot.press(*'{"message": ')
        check = screen.query_one("#json-check", Label)
        assert "Expecting value at line 1, column 13" in str(check.render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(check.render()).startswith("not sent: Expecting value")
        assert not panel.frame_log.frames
        screen.editor.load(HELLO)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(received(panel)))
        assert "valid JSON" in str(check.render())
        screen.editor.load('{"draft": 1}')
        await pilot.press("ctrl+up")
        assert screen.editor.text == HELLO
        await pilot.press("ctrl+down")
        assert screen.editor.text == '{"draft": 1}'


async def test_a_raw_text_frame_goes_as_typed_when_raw_text_is_ticked(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with console_of(chat, service.url) as (pilot, screen):
        (panel,) = await connect(pilot, screen, 1)
        screen.editor.load("hello, not JSON")
        await pilot.press("ctrl+s")
        check = screen.query_one("#json-check", Label)
        assert str(check.render()).startswith("not sent: Expecting value") and not panel.frame_log.frames
        await pilot.press("f8")
        assert screen.editor.raw and str(check.render()) == "raw text: sent as typed, unchecked"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(received(panel)))
        assert [str(f.data) for f in panel.frame_log.frames if f.direction is Direction.SENT] == ["hello, not JSON"]
        assert "Forbidden" in received(panel)[0], "what API Gateway answers a frame no route takes"


async def test_a_fixed_url_clears_its_error_and_a_refused_send_says_why_beside_the_editor(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with console_of(chat, "http://127.0.0.1/v1") as (pilot, screen):
        await pilot.press("ctrl+n")
        error = screen.query_one("#target-error", Label)
        assert error.display and "Not a WebSocket URL" in str(error.render())
        screen.query_one("#url", Input).value = "ws://127.0.0.1"
        await pilot.pause()
        assert not error.display, "the URL is right now: the error goes"
        screen.query_one("#url", Input).value = service.url
        (panel,) = await connect(pilot, screen, 1)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: panel.session.state is SessionState.CLOSED)
        screen.editor.load(HELLO)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(screen.query_one("#json-check", Label).render()) == "not sent: Session c1 is not connected (it is closed)."
        assert not error.display, "not on the line under the URL, far from the editor"


async def test_the_projects_token_is_in_the_query_field_and_a_401_says_where_a_token_goes(chat_with_token: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat_with_token)
    token = token_of(chat_with_token)
    async with console_of(chat_with_token, service.url) as (pilot, screen):
        query = screen.query_one("#query", Input)
        assert query.value == "token=${secret:auth_token}", "a reference to the secret, never its value"
        await pilot.press("ctrl+n")
        accepted = panels(screen)[0]
        await wait_until(pilot, lambda: status(accepted).startswith("open"))
        assert accepted.session.target.full_url == f"{service.url}?token={token}", "it connects with the token"
        assert status(accepted) == f"open (101) {service.url}?token=***", "and shows it as ***"
        query.value = ""
        await pilot.press("ctrl+n")
        refused = panels(screen)[1]
        await wait_until(pilot, lambda: refused.session.state is SessionState.FAILED)
        await wait_until(pilot, lambda: "HTTP 401" in status(refused))
        assert refused.has_class("state-error")
        assert status(refused).endswith("Put it in the Query field (NAME=VALUE) or the Header field (NAME: VALUE), as the "
                                        "authorizer's identity source says (${secret:NAME} there stands for the project's secret NAME).")
        assert token not in pilot.app.export_screenshot()


async def test_close_codes_show_by_colour(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    async with console_of(chat, service.url) as (pilot, screen):
        first, second = await connect(pilot, screen, 2)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: "closed 1000 by client" in status(second))
        assert second.has_class("state-closed") and not second.has_class("state-error")
        assert second.border_title == "c2 closed 1000"
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: len(panels(screen)) == 1)
        assert screen.current is first
        service.call(service.service.stop())
        await wait_until(pilot, lambda: "closed 1001 by server" in status(first))
        assert first.has_class("state-closed")


async def test_a_saved_payload_loads_into_the_editor(chat: Path) -> None:
    async with console_of(chat) as (pilot, screen):
        editor = screen.query_one(PayloadEditor)
        assert "sendmessage" in editor.saved
        screen.query_one("#saved", Select).value = "sendmessage"
        await wait_until(pilot, lambda: editor.text != "")
        saved = (chat / "payloads" / "sendmessage.json").read_text().removesuffix("\n")
        assert editor.text == saved
        assert json.loads(editor.text)["message"] == "sendmessage"
        assert isinstance(pilot.app.focused, TextArea)


async def test_copy_as_wscat_names_the_query_and_header(chat: Path) -> None:
    async with console_of(chat) as (pilot, screen):
        assert screen.query_one("#url", Input).value == "ws://127.0.0.1:3001/v1", "the project's local URL"
        screen.query_one("#query", Input).value = "token=a b"
        screen.query_one("#header", Input).value = "Authorization: Bearer x"
        await pilot.press("ctrl+b")
        assert pilot.app.clipboard == "wscat -c 'ws://127.0.0.1:3001/v1?token=a%20b' -H 'Authorization: Bearer x'"
        shown = "wscat -c 'ws://127.0.0.1:3001/v1?token=***' -H 'Authorization: ***'"
        assert [n.message for n in pilot.app._notifications if n.title == "Copied as wscat"] == [shown], \
            "the clipboard gets the credentials, the screen does not"
        titles = {command.title for command in pilot.app.get_system_commands(screen)}
        assert {"Console area", "Connect a console session", "Copy as wscat", "Use the deployed URL"} <= titles
        screen.query_one("#header", Input).value = "no colon"
        await pilot.press("ctrl+b")
        assert "Not a header: 'no colon'" in str(screen.query_one("#target-error", Label).render())


async def test_wstui_console_opens_the_app_on_the_console_connected(chat: Path, start_service) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    app = make_app(chat, chat, ConnectionTarget(service.url))
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await wait_until(pilot, lambda: len(panels(screen)) == 1 and panels(screen)[0].is_open)


async def test_outside_a_project_wstui_console_still_opens_the_console(chat: Path, start_service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    service = start_service(chat)
    app = make_app(None, tmp_path, ConnectionTarget(service.url, query=(("lang", "en"),)))
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        assert screen.query_one("#query", Input).value == "lang=en"
        await wait_until(pilot, lambda: len(panels(screen)) == 1 and panels(screen)[0].is_open)
        assert not screen.editor.saved
        await pilot.press("f2")
        assert app.screen is screen, "the other areas need a project"
        await pilot.press("ctrl+r")
        assert "No project open" in str(screen.query_one("#target-error", Label).render())


async def test_the_frame_log_keeps_its_last_frames_and_the_selection_stays_on_its_frame(chat: Path) -> None:
    def frames(numbers: range) -> list[Frame]:
        return [Frame("c1", Direction.RECEIVED, n, n, 1, str(n)) for n in numbers]

    async with console_of(chat) as (pilot, screen):
        log = FrameLog(kept=5)
        await screen.mount(log)
        log.add(frames(range(5)))
        log.focus()
        await pilot.press("up", "up")
        assert log.frames[log.selected_index()].data == "2"
        log.add(frames(range(5, 7)))
        assert [f.data for f in log.frames] == ["2", "3", "4", "5", "6"]
        assert log.selected_index() == 0, "still frame 2, now the oldest kept"
        await pilot.press("end")
        log.add(frames(range(7, 8)))
        assert log.frames[log.selected_index()].data == "7", "end follows new frames again"


async def test_events_that_arrive_before_the_panel_is_built_are_shown_once_it_is(chat: Path) -> None:
    """A refused connection can fail before the panel's widgets exist: nothing is lost, nothing raises."""
    from wstui.core.console import ConsoleSession, Failed, FailureKind
    from wstui.core.console.events import Connecting

    async with console_of(chat) as (pilot, screen):
        session = ConsoleSession(ConnectionTarget("ws://127.0.0.1:1/v1"), screen.feed.put, name="early")
        panel = SessionPanel(session)
        panel.render_events([
            Connecting("early", "ws://127.0.0.1:1/v1", 0.0),
            Failed("early", FailureKind.REFUSED, "Connection refused by 127.0.0.1:1.", 0.0),
        ], 0)
        assert len(panel.pending) == 2
        await screen.query_one("#sessions").mount(panel)
        await wait_until(pilot, lambda: panel.has_class("state-error"))
        assert panel.pending == []
        assert "failed" in str(panel.border_title)


async def test_the_deployed_url_is_the_record_of_the_region_in_effect_even_while_the_gateway_runs(
    chat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Local area's runtime hides AWS_* from the process: ctrl+r reads the developer's AWS_REGION all the same."""
    for region in ("eu-west-1", "us-east-1"):
        save_outputs(chat, DeployedOutputs("chat-v1", region, {"APIGatewayURL": f"wss://{region}.example/v1"}))
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/wstui-tests")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    async with running(make_app(chat, chat)) as pilot:
        local = await start_local_gateway(pilot)
        await pilot.press("f4")
        screen = pilot.app.screen
        assert isinstance(screen, ConsoleScreen)
        await pilot.press("ctrl+r")
        assert screen.query_one("#url", Input).value == "wss://eu-west-1.example/v1"
        await pilot.press("f3")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not pilot.app.gateway.running and not local.busy, 60)
