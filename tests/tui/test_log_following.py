"""A log that was at its end stays there when the terminal shrinks; one the user scrolled up stays put."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Log, RichLog

from tests.tui.conftest import make_app

AREAS = [("f3", "#log", Log), ("f5", "#deploy-log", RichLog)]


def write(log: Log | RichLog, text: str) -> None:
    if isinstance(log, Log):
        log.write_line(text)
    else:
        log.write(text)


async def filled_log(pilot, key: str, selector: str, kind: type) -> Log | RichLog:  # type: ignore[no-untyped-def]
    """The area's log with more lines than it shows."""
    await pilot.press(key)
    await pilot.pause()
    log = pilot.app.screen.query_one(selector, kind)
    for number in range(200):
        write(log, f"line {number}")
    await pilot.pause()
    return log


@pytest.mark.parametrize(("key", "selector", "kind"), AREAS, ids=["local", "deploy"])
async def test_a_log_at_its_end_keeps_following_after_a_resize(chat: Path, key: str, selector: str, kind: type) -> None:
    app = make_app(chat, chat)
    async with app.run_test(size=(180, 50)) as pilot:
        log = await filled_log(pilot, key, selector, kind)
        assert log.scroll_y == log.max_scroll_y > 0

        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y
        write(log, "after the resize")
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y


@pytest.mark.parametrize(("key", "selector", "kind"), AREAS, ids=["local", "deploy"])
async def test_a_log_scrolled_up_by_the_user_stays_where_it_is(chat: Path, key: str, selector: str, kind: type) -> None:
    app = make_app(chat, chat)
    async with app.run_test(size=(180, 50)) as pilot:
        log = await filled_log(pilot, key, selector, kind)
        log.scroll_to(y=10, animate=False, immediate=True)
        await pilot.pause()
        await pilot.resize_terminal(100, 30)
        write(log, "more")
        await pilot.pause()
        assert log.scroll_y == 10
