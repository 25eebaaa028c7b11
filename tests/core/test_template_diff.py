"""The template diff the route editor previews: computed from real synthesized templates, file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from wstui.core.errors import UsageError
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import RouteChange, add_route, remove_route, set_route
from wstui.core.template import synthesize
from wstui.core.template.diff import diff_templates, preview_edit

CHAT = Path(__file__).resolve().parents[2] / "examples" / "chat"


@pytest.fixture
def chat(tmp_path: Path) -> ProjectFile:
    import shutil

    return ProjectFile.open(Path(shutil.copytree(CHAT, tmp_path / "chat")))


def test_identical_templates_have_an_empty_diff(chat: ProjectFile) -> None:
    template = synthesize(chat.project).to_dict()
    assert diff_templates(template, template).is_empty


def test_adding_a_route_adds_its_route_and_integration_and_redeploys(chat: ProjectFile) -> None:
    before = chat.path.read_text()
    diff = preview_edit(chat, lambda draft: add_route(draft, "echo", "handlers.send:handle")).diff
    added_types = {c.resource_type for c in diff.added}
    assert {"AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration"} <= added_types
    # The Deployment's id hashes what it deploys: a new route replaces it, and the Stage points at the new one.
    assert {c.resource_type for c in diff.removed} == {"AWS::ApiGatewayV2::Deployment"}
    assert "AWS::ApiGatewayV2::Deployment" in added_types
    assert "AWS::ApiGatewayV2::Stage" in {c.resource_type for c in diff.changed}
    assert chat.path.read_text() == before
    assert [r.key for r in ProjectFile.open(chat.directory).project.routes] == ["$connect", "$disconnect", "sendmessage"]


def test_removing_a_route_lists_what_goes(chat: ProjectFile) -> None:
    preview = preview_edit(chat, lambda draft: remove_route(draft, "sendmessage"))
    diff = preview.diff
    assert [r.key for r in preview.draft.project.routes] == ["$connect", "$disconnect"]
    removed = {c.logical_id for c in diff.removed}
    assert any("Send" in logical_id for logical_id in removed), removed
    assert "AWS::Lambda::Function" in {c.resource_type for c in diff.removed}


def test_an_operation_name_changes_the_route_in_place(chat: ProjectFile) -> None:
    diff = preview_edit(chat, lambda draft: set_route(draft, "sendmessage", RouteChange(operation_name="Talk"))).diff
    assert {c.resource_type for c in diff.added + diff.removed} == {"AWS::ApiGatewayV2::Deployment"}
    assert "AWS::ApiGatewayV2::Route" in {c.resource_type for c in diff.changed}


def test_a_refused_edit_raises_as_the_edit_does(chat: ProjectFile) -> None:
    with pytest.raises(UsageError, match="already exists"):
        preview_edit(chat, lambda draft: add_route(draft, "sendmessage", "handlers.send:handle"))
