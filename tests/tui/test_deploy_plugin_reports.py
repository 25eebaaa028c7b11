"""What a plugin's deploy and remove hooks report (`context.report`) in the Deploy area's log, in order
with the run's own lines, against a real moto server (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import make_app, running, wait_until
from tests.tui.test_deploy_area import apply, log_text, open_deploy, state
from wstui.core.deploy.aws import AwsTarget
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.deploy.screen import DeployScreen

REPORTING = '''
from wstui.plugin import hookimpl


@hookimpl
def wstui_before_change_set(context):
    context.report(f"[b]planning[/b] {context.stack_name} at stage {context.stage}")


@hookimpl
def wstui_before_deploy(context):
    context.report(f"{len(context.changes)} changes approved")


@hookimpl
def wstui_after_deploy(context):
    context.report(f"deployed to {context.region}")


@hookimpl
def wstui_after_remove(context):
    context.report(f"{context.stack_name} is gone")
'''


def positions(screen: DeployScreen, *sentences: str) -> list[int]:
    text = log_text(screen)
    return [text.index("".join(sentence.split())) for sentence in sentences]


async def test_the_plugins_reports_are_lines_of_the_deploy_log(chat: Path, shell: AwsTarget) -> None:
    (chat / "reporting.py").write_text(REPORTING)
    toml = chat / "wstui.toml"
    toml.write_text(toml.read_text().replace("[project]\n", '[project]\nplugins = ["reporting"]\n', 1))
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await apply(pilot, screen)
        assert state(screen) == "CREATE_COMPLETE: stack chat-v1", log_text(screen)
        found = positions(
            screen,
            "Plugin reporting: [b]planning[/b] chat-v1 at stage v1",
            "Packaged",
            "Plugin reporting: 19 changes approved",
            "Creating stack chat-v1",
            "Plugin reporting: deployed to us-east-1",
            "CREATE_COMPLETE: stack chat-v1",
        )
        assert found == sorted(found), log_text(screen)

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: state(screen).startswith("Removed stack chat-v1"), 120)
        found = positions(screen, "Deleting stack chat-v1", "Plugin reporting: chat-v1 is gone", "Removed stack chat-v1")
        assert found == sorted(found), log_text(screen)
