"""The Deploy area against a real moto server (tests/conftest.py), and a failure replayed with Stubber.

The area's fields are left empty where boto3's chain can answer (the `shell` fixture): the endpoint
and the region come from AWS_ENDPOINT_URL and AWS_REGION, as they would in a shell.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from stubbed import (
    STACK,
    Stubbed,
    event,
    expect_new_stack_deploy,
    expect_plan,
    newest_first,
    on_request,
    stack,
    stack_event,
    stubbed_clients,
)
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, DataTable, Input, Label, ProgressBar, RichLog

from tests.tui.conftest import make_app, running, wait_until
from wstui.core.deploy.aws import AwsClients, AwsTarget
from wstui.tui.confirm_screen import ConfirmScreen
from wstui.tui.console.screen import ConsoleScreen
from wstui.tui.deploy.screen import DeployScreen, StoppedWatching

BUCKET = "wstui-artifacts-123456789012-us-east-1"


def client(aws: AwsTarget, service: str) -> Any:
    return boto3.session.Session().client(service, endpoint_url=aws.endpoint_url, region_name=aws.region)


def live_stacks(aws: AwsTarget) -> list[str]:
    summaries = client(aws, "cloudformation").list_stacks()["StackSummaries"]
    return [s["StackStatus"] for s in summaries if s["StackName"] == STACK and s["StackStatus"] != "DELETE_COMPLETE"]


async def open_deploy(pilot: Pilot[None], create_bucket: bool = True, bucket: str = "") -> DeployScreen:
    await pilot.press("f5")
    screen = pilot.app.screen
    assert isinstance(screen, DeployScreen)
    screen.query_one(Checkbox).value = create_bucket
    screen.query_one("#bucket", Input).value = bucket
    return screen


def state(screen: DeployScreen) -> str:
    return str(screen.query_one("#deploy-state", Label).render())


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


def log_text(screen: DeployScreen) -> str:
    """The log without whitespace: it wraps its lines to its width, which would split the sentences."""
    return "".join("".join(line.text for line in screen.query_one("#deploy-log", RichLog).lines).split())


def in_log(screen: DeployScreen, sentence: str) -> bool:
    return "".join(sentence.split()) in log_text(screen)


async def plan(pilot: Pilot[None], screen: DeployScreen) -> None:
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: not screen.busy and "Planning" not in state(screen), 120)


async def apply(pilot: Pilot[None], screen: DeployScreen) -> None:
    await plan(pilot, screen)
    assert screen.plan is not None, state(screen)
    await pilot.press("ctrl+g")
    await wait_until(pilot, lambda: not screen.busy and "Applying" not in state(screen), 120)


async def test_plan_shows_the_change_set_and_discard_leaves_no_stack(chat: Path, shell: AwsTarget) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await plan(pilot, screen)
        changes = screen.query_one("#changes", DataTable)
        assert changes.border_title == "Change set for chat-v1 (stage v1, CREATE, 19 changes)"
        assert {"ConnectionTable", "WebSocketApi", "RouteSendmessage"} <= set(column(changes, 1))
        assert set(column(changes, 0)) == {"Add"}
        assert state(screen) == "19 changes to chat-v1: Apply (ctrl+g) or Discard (ctrl+z)?"
        assert app.screen.focused is screen.query_one("#apply", Button)
        assert in_log(screen, "Code archive: 5 files")
        assert in_log(screen, "handlers/connections.py") and not in_log(screen, "README.md")
        assert live_stacks(shell) == ["REVIEW_IN_PROGRESS"]

        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: not screen.busy and state(screen).startswith("Nothing applied"))
        assert live_stacks(shell) == []
        assert client(shell, "s3").list_buckets()["Buckets"] == [], "planning creates no bucket"
        assert screen.plan is None and not screen.query_one("#apply", Button).display


async def test_apply_creates_the_stack_then_an_unchanged_project_has_no_changes(chat: Path, shell: AwsTarget) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await apply(pilot, screen)
        assert state(screen) == "CREATE_COMPLETE: stack chat-v1", log_text(screen)
        apigateway = client(shell, "apigatewayv2")
        (api,) = apigateway.get_apis()["Items"]
        routes = {route["RouteKey"] for route in apigateway.get_routes(ApiId=api["ApiId"])["Items"]}
        assert routes == {"$connect", "$disconnect", "sendmessage"}
        events = screen.query_one("#events", DataTable)
        assert column(events, 4)[-1] == "CREATE_COMPLETE"
        assert column(events, 1)[-1] == "19/19", "the stack is complete, so are its resources (moto reports none)"
        assert in_log(screen, f"Created bucket {BUCKET} in us-east-1")
        assert in_log(screen, "no outputs yet"), "moto leaves Outputs out after a change-set create"

        await plan(pilot, screen)
        assert state(screen) == "No changes: stack chat-v1 is up to date."
        assert screen.plan is None and screen.query_one("#changes", DataTable).row_count == 0


async def test_status_shows_the_outputs_and_the_console_action_names_the_url(chat: Path, shell: AwsTarget) -> None:
    """moto reports Outputs only for stacks made by create_stack (not through change sets), so the stack is made so."""
    template = {"Resources": {"Table": {"Type": "AWS::S3::Bucket"}}, "Outputs": {"APIGatewayURL": {"Value": URL}}}
    client(shell, "cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.press("ctrl+f")
        assert any("No deployed URL yet" in n.message for n in app._notifications)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: state(screen) == "Stack chat-v1: CREATE_COMPLETE")
        outputs = screen.query_one("#outputs", DataTable)
        assert (column(outputs, 0), column(outputs, 1)) == (["APIGatewayURL"], [URL])
        assert column(screen.query_one("#events", DataTable), 4)[-1] == "CREATE_COMPLETE"
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.query_one("#url", Input).value == URL)


async def test_remove_asks_then_deletes_the_stack_and_its_artifacts(chat: Path, shell: AwsTarget) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await apply(pilot, screen)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        assert app.screen is screen and live_stacks(shell) == ["CREATE_COMPLETE"]
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: state(screen).startswith("Removed stack chat-v1"), 120)
        assert live_stacks(shell) == []
        assert client(shell, "s3").list_objects_v2(Bucket=BUCKET).get("Contents", []) == []
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: state(screen) == "There is no stack chat-v1 in us-east-1.")
        assert in_log(screen, "Account 123456789012, region us-east-1")


async def test_the_fields_show_the_values_in_effect_and_a_region_the_environment_imposes(
    chat: Path, aws: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.endpoint_url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        note = screen.query_one("#region-note", Label)
        await wait_until(pilot, lambda: note.display)
        assert str(note.render()) == ("Region eu-west-1 (from AWS_DEFAULT_REGION, not wstui.toml's us-east-1): "
                                      "type a region in the Region field to deploy elsewhere.")
        placeholders = {name: screen.query_one(f"#{name}", Input).placeholder for name in ("region", "profile", "endpoint")}
        assert placeholders == {"region": "eu-west-1 (AWS_DEFAULT_REGION)", "profile": "default", "endpoint": aws.endpoint_url}
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: state(screen) == "There is no stack chat-v1 in eu-west-1.")
        assert in_log(screen, f"Account 123456789012, region eu-west-1 (from AWS_DEFAULT_REGION, not wstui.toml's us-east-1), "
                              f"endpoint {aws.endpoint_url}")
        assert screen.query_one("#bucket", Input).placeholder == "wstui-artifacts-123456789012-eu-west-1"
        screen.query_one("#region", Input).value = "us-east-1"
        await wait_until(pilot, lambda: not note.display)


async def test_a_missing_bucket_names_the_areas_checkbox_and_field_not_the_clis_options(chat: Path, shell: AwsTarget) -> None:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot, create_bucket=False)
        await plan(pilot, screen)
        sentence = (f"Bucket {BUCKET} does not exist in us-east-1. Tick Create bucket to create it, "
                    "or name an existing one in the Bucket field.")
        assert [n.message for n in app._notifications if n.title == "Deploy"] == [sentence]
        assert state(screen) == sentence
        assert screen.query_one("#deploy-state", Label).has_class("error")
        assert screen.plan is None and live_stacks(shell) == []


DENIED = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateRole"
URL = "wss://abc123.execute-api.us-east-1.amazonaws.com/v1"


def stubbed(monkeypatch: pytest.MonkeyPatch) -> Stubbed:
    """AWS as botocore's Stubber plays it, for every client the app connects."""
    aws = stubbed_clients()
    monkeypatch.setattr(AwsClients, "connect", classmethod(lambda cls, target, fallback: aws.clients))
    return aws


def stubbed_deploy(monkeypatch: pytest.MonkeyPatch, *events: dict[str, Any]) -> Stubbed:
    """A plan and an apply, with `events` as the stack's events once it runs; what comes after them
    (describe_stacks for the outputs) is the caller's to add."""
    aws = stubbed(monkeypatch)
    expect_new_stack_deploy(aws, *events)
    return aws


@contextlib.asynccontextmanager
async def applied(chat: Path, aws: Stubbed) -> AsyncIterator[tuple[Pilot[None], DeployScreen]]:
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot, bucket="bucket")
        await apply(pilot, screen)
        aws.verify()
        yield pilot, screen


async def test_a_failed_create_shows_the_failed_resource_and_its_reason(chat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason = f"Resource handler returned message: \"{DENIED}\""
    aws = stubbed_deploy(
        monkeypatch,
        event(1, "ConnectionTable", "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"),
        event(1, "ConnectRole", "AWS::IAM::Role", "CREATE_IN_PROGRESS"),
        event(3, "ConnectRole", "AWS::IAM::Role", "CREATE_FAILED", reason),
        event(4, "ConnectionTable", "AWS::DynamoDB::Table", "CREATE_FAILED", "Resource creation cancelled"),
        stack_event(5, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [ConnectRole]."),
        event(7, "ConnectionTable", "AWS::DynamoDB::Table", "DELETE_COMPLETE"),
        event(7, "ConnectRole", "AWS::IAM::Role", "DELETE_COMPLETE"),
        stack_event(8, "ROLLBACK_COMPLETE"),
    )
    async with applied(chat, aws) as (_, screen):
        assert state(screen) == "Stack chat-v1 ended in ROLLBACK_COMPLETE: the reasons are in the log."
        events = screen.query_one("#events", DataTable)
        failed = [row for row in range(events.row_count) if str(events.get_row_at(row)[4]) == "CREATE_FAILED"]
        role = events.get_row_at(failed[0])
        assert (str(role[2]), str(role[5])) == ("ConnectRole", reason)
        assert role[5].style == "bold red"
        assert in_log(screen, f"ConnectRole (AWS::IAM::Role) CREATE_FAILED: {reason}")
        assert not in_log(screen, "ConnectionTable (AWS::DynamoDB::Table) CREATE_FAILED"), "the cancelled cascade is left out"
        assert column(events, 1)[-1] == "2/2"


async def test_a_deploy_shows_progress_durations_and_outputs(chat: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    aws = stubbed_deploy(
        monkeypatch,
        event(1, "ConnectionTable", "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"),
        event(1, "ConnectRole", "AWS::IAM::Role", "CREATE_IN_PROGRESS"),
        event(9, "ConnectionTable", "AWS::DynamoDB::Table", "CREATE_COMPLETE"),
        event(20, "ConnectRole", "AWS::IAM::Role", "CREATE_COMPLETE"),
        stack_event(21, "CREATE_COMPLETE"),
    )
    aws.cloudformation.add_response("describe_stacks", stack("CREATE_COMPLETE", {"APIGatewayURL": URL}))
    async with applied(chat, aws) as (pilot, screen):
        assert state(screen) == "CREATE_COMPLETE: stack chat-v1"
        assert column(screen.query_one("#events", DataTable), 1) == ["0/2", "0/2", "0/2", "1/2", "2/2", "2/2"]
        progress = screen.query_one(ProgressBar)
        assert progress.display and (progress.progress, progress.total) == (2, 2)
        assert in_log(screen, "ConnectRole │ 19.0") and in_log(screen, "ConnectionTable │ 8.0")
        outputs = screen.query_one("#outputs", DataTable)
        assert (column(outputs, 0), column(outputs, 1)) == (["APIGatewayURL"], [URL])
        await pilot.press("ctrl+f")
        await wait_until(
            pilot, lambda: isinstance(pilot.app.screen, ConsoleScreen) and pilot.app.screen.query_one("#url", Input).value == URL
        )


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_a_stack_whose_creation_rolled_back_is_offered_for_re_creation(
    chat: Path, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    aws = stubbed(monkeypatch)
    cfn = aws.cloudformation
    cfn.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"))
    if answer == "y":
        cfn.add_response("describe_stack_resources", {"StackResources": []})
        old = stack_event(-60, "ROLLBACK_COMPLETE")
        cfn.add_response("describe_stack_events", newest_first(old))
        cfn.add_response("delete_stack", {})
        cfn.add_response("describe_stack_events", newest_first(old, stack_event(0, "DELETE_IN_PROGRESS"), stack_event(2, "DELETE_COMPLETE")))
        expect_plan(aws)
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot, bucket="bucket")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one("#confirm-question", Label).render())
        assert question == "Stack chat-v1 is ROLLBACK_COMPLETE: its creation failed and it cannot be updated. Delete it and create it again?"
        await pilot.press(answer)
        await wait_until(pilot, lambda: not screen.busy and app.screen is screen and "..." not in state(screen))
        aws.verify()
        if answer == "y":
            assert column(screen.query_one("#events", DataTable), 4) == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]
            assert state(screen) == "2 changes to chat-v1: Apply (ctrl+g) or Discard (ctrl+z)?"
        else:
            assert state(screen) == "Stack chat-v1 is ROLLBACK_COMPLETE: nothing done."
            assert screen.plan is None


async def test_quitting_while_a_stack_operation_runs_asks_and_stops_the_watching_not_the_operation(
    chat: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws = stubbed_deploy(monkeypatch, event(1, "ConnectionTable", "AWS::DynamoDB::Table", "CREATE_IN_PROGRESS"))
    app = make_app(chat, chat)
    nap = DeployScreen.nap

    def nap_while_followed(self: DeployScreen, seconds: float) -> None:
        """The operation goes on until the app quits: the stubbed events have no next poll to answer,
        and however long the questions below take, the area must still be following."""
        if app.stack_operation:
            self.stopped.wait()
        nap(self, seconds)

    monkeypatch.setattr(DeployScreen, "nap", nap_while_followed)
    async with running(app) as pilot:
        screen = await open_deploy(pilot, bucket="bucket")
        await plan(pilot, screen)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: "ConnectionTable" in column(screen.query_one("#events", DataTable), 2))
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert str(app.screen.query_one("#confirm-question", Label).render()) == (
            "Creating stack chat-v1 is under way. The stack operation goes on in CloudFormation. Status (ctrl+t) shows "
            "where it stands. Quit anyway?")
        await pilot.press("n")
        assert app.screen is screen and app.is_running
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
    aws.verify()
    assert screen.stopped.is_set(), "the engine's next nap ends at once, and its thread with it"
    with pytest.raises(StoppedWatching):
        screen.nap(60)


async def test_quitting_while_the_code_uploads_deletes_the_plan_and_the_stack_it_made(
    chat: Path, shell: AwsTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing runs in CloudFormation yet, so quitting asks nothing; the worker, once the upload it is in
    ends, applies nothing and deletes the change set and the empty stack its plan made."""
    uploading, release, tidied = threading.Event(), threading.Event(), threading.Event()

    def held(**_: object) -> None:
        uploading.set()
        release.wait(30)

    on_request(monkeypatch, "before-send.s3.PutObject", held)
    on_request(monkeypatch, "after-call.cloudformation.DeleteStack", lambda **_: tidied.set())
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await plan(pilot, screen)
        assert live_stacks(shell) == ["REVIEW_IN_PROGRESS"]
        await pilot.press("ctrl+g")
        await wait_until(pilot, uploading.is_set)
        await pilot.press("ctrl+q")
    release.set()
    assert tidied.wait(30), "the plan's stack was never deleted"
    assert live_stacks(shell) == []
    assert client(shell, "cloudformation").list_change_sets(StackName=STACK)["Summaries"] == []


async def test_a_plan_made_while_the_local_gateway_runs_reaches_the_chosen_account(chat: Path, shell: AwsTarget) -> None:
    """The local runtime points every AWS client of the process at its own DynamoDB; a deploy from the
    app must still reach the endpoint and credentials of the developer's own environment."""
    app = make_app(chat, chat)
    async with running(app) as pilot:
        await pilot.press("f3")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.gateway.running, 60)
        screen = await open_deploy(pilot)
        await plan(pilot, screen)
        assert screen.plan is not None, state(screen)
        assert live_stacks(shell) == ["REVIEW_IN_PROGRESS"]
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: not screen.busy and state(screen).startswith("Nothing applied"))
        assert live_stacks(shell) == []
        await pilot.press("f3")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not app.gateway.running, 60)


async def test_a_stalled_upload_and_a_record_that_cannot_be_written_are_said(
    chat: Path, shell: AwsTarget, stalled_first_upload: list[str]
) -> None:
    """The first PutObject times out before it reaches moto, and .wstui/outputs.json is a folder: the
    area says it sends the archive again, that the stack is up, and why its record is not written."""
    (chat / ".wstui" / "outputs.json").mkdir(parents=True)
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await apply(pilot, screen)
        assert in_log(screen, f"again (attempt 2 of 4): Read timeout on endpoint URL: \"{stalled_first_upload[0]}\"")
        assert in_log(screen, "CREATE_COMPLETE: stack chat-v1")
        assert state(screen).startswith(
            f"Stack chat-v1 is up. Its record could not be written: Cannot write {chat / '.wstui' / 'outputs.json'}: Is a directory."
        )
        assert app.is_running and app.screen is screen


async def test_an_upload_shows_its_progress_in_the_bar(chat: Path) -> None:
    from wstui.core.deploy.events import UploadProgress

    async with running(make_app(chat, chat)) as pilot:
        screen = await open_deploy(pilot)
        screen.post_message(DeployScreen.Engine(UploadProgress("bucket", "wstui/chat-v1/abc.zip", 3 * 1024 * 1024, 12 * 1024 * 1024)))
        await pilot.pause()
        progress = screen.query_one(ProgressBar)
        assert progress.display and (progress.progress, progress.total) == (3 * 1024 * 1024, 12 * 1024 * 1024)
        assert state(screen) == "Uploading the code: 3.0 MB of 12.0 MB..."


async def test_the_chosen_stage_is_planned_and_the_console_uses_its_deployed_url(chat: Path, shell: AwsTarget) -> None:
    from wstui.core.deploy.outputs import DeployedOutputs, save_outputs

    with (chat / "wstui.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[stages.prod]\nmemory = 512\n")
    save_outputs(chat, DeployedOutputs("chat-v1", shell.region, {"APIGatewayURL": "wss://v1.example/v1"}))
    save_outputs(chat, DeployedOutputs("chat-prod", shell.region, {"APIGatewayURL": "wss://prod.example/prod"}))
    app = make_app(chat, chat)
    async with running(app) as pilot:
        screen = await open_deploy(pilot)
        await pilot.pause()
        await pilot.click("#stage")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: screen.query_one("#stack", Input).value == "chat-prod")
        await plan(pilot, screen)
        assert screen.query_one("#changes", DataTable).border_title == "Change set for chat-prod (stage prod, CREATE, 19 changes)"
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: not screen.busy and screen.plan is None)
        await pilot.press("f4")
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        await pilot.press("ctrl+r")
        assert console.query_one("#url", Input).value == "wss://prod.example/prod"
