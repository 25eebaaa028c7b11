"""Route edits keep the user's file: comments, order and layout survive, and a refused edit writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wstui.core.errors import ProjectError, UsageError
from wstui.core.project.load import ProjectFile
from wstui.core.project.routes import RouteChange, add_route, remove_route, set_expression, set_route

ORIGINAL = """\
# Chat service. Comments like this one must survive every edit.
[project]
name = "chat"  # the stack is chat-v1

[api]
route_selection_expression = "$request.body.message"  # as in the seed

# --- routes ---
[[routes]]
key = "$connect"  # runs before the socket opens
handler = "handlers.chat:connect"

[[routes]]
key = "sendmessage"
handler = "handlers.chat:send"
operation_name = "SendRoute"

# Deploy settings stay below the routes.
[deploy]
tags = { team = "realtime" }
"""

HANDLERS = (
    "def connect(event, context):\n    return {'statusCode': 200}\n\n"
    "def send(event, context):\n    return {'statusCode': 200}\n\n"
    "def echo(event, context):\n    return {'statusCode': 200, 'body': 'echo'}\n"
)


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "chat.py").write_text(HANDLERS)
    (tmp_path / "wstui.toml").write_text(ORIGINAL)
    return tmp_path


def text(project_dir: Path) -> str:
    return (project_dir / "wstui.toml").read_text()


def test_add_appends_a_route_and_changes_nothing_else(project_dir: Path) -> None:
    project = add_route(ProjectFile.open(project_dir), "echo", "handlers.chat:echo", "EchoRoute", two_way=True)
    assert [r.key for r in project.routes] == ["$connect", "sendmessage", "echo"]
    added = '[[routes]]\nkey = "echo"\nhandler = "handlers.chat:echo"\noperation_name = "EchoRoute"\ntwo_way = true\n\n'
    before, after = ORIGINAL.split("# Deploy settings")
    assert text(project_dir) == before + added + "# Deploy settings" + after
    assert ProjectFile.open(project_dir).project.route("echo").two_way  # type: ignore[union-attr]


def test_add_to_a_file_that_ends_with_routes_keeps_a_blank_line_between(project_dir: Path) -> None:
    short = ORIGINAL.split("\n# Deploy settings")[0]
    (project_dir / "wstui.toml").write_text(short)
    add_route(ProjectFile.open(project_dir), "echo", "handlers.chat:echo")
    assert text(project_dir) == short + '\n[[routes]]\nkey = "echo"\nhandler = "handlers.chat:echo"\n'


def test_remove_drops_exactly_that_route(project_dir: Path) -> None:
    remove_route(ProjectFile.open(project_dir), "sendmessage")
    assert 'key = "sendmessage"' not in text(project_dir)
    assert "# runs before the socket opens" in text(project_dir)
    assert "# Deploy settings stay below the routes." in text(project_dir)
    assert [r.key for r in ProjectFile.open(project_dir).project.routes] == ["$connect"]


def test_set_repoints_renames_and_toggles_in_place(project_dir: Path) -> None:
    change = RouteChange(handler="handlers.chat:echo", new_key="echo", two_way=True, operation_name="")
    set_route(ProjectFile.open(project_dir), "sendmessage", change)
    expected = ORIGINAL.replace(
        'key = "sendmessage"\nhandler = "handlers.chat:send"\noperation_name = "SendRoute"\n',
        'key = "echo"\nhandler = "handlers.chat:echo"\ntwo_way = true\n',
    )
    assert text(project_dir) == expected


def test_renaming_keeps_the_comment_on_the_key_line(project_dir: Path) -> None:
    set_route(ProjectFile.open(project_dir), "$connect", RouteChange(handler="handlers.chat:echo"))
    assert 'key = "$connect"  # runs before the socket opens' in text(project_dir)


def test_set_expression_keeps_the_comment(project_dir: Path) -> None:
    set_expression(ProjectFile.open(project_dir), "$request.body.action")
    assert text(project_dir) == ORIGINAL.replace("$request.body.message", "$request.body.action")


def test_set_expression_adds_the_api_table_when_missing(project_dir: Path) -> None:
    (project_dir / "wstui.toml").write_text(ORIGINAL.replace('[api]\nroute_selection_expression = "$request.body.message"  # as in the seed\n\n', ""))
    project = set_expression(ProjectFile.open(project_dir), "${request.body.service}/${request.body.action}")
    assert project.api.route_selection_expression == "${request.body.service}/${request.body.action}"


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (lambda pf: add_route(pf, "sendmessage", "handlers.chat:send"), UsageError, 'Route "sendmessage" already exists'),
        (lambda pf: add_route(pf, "$conect", "handlers.chat:send"), ProjectError, 'did you mean "$connect"?'),
        (lambda pf: add_route(pf, "new", "handlers.nope:send"), ProjectError, 'module "handlers.nope" not found'),
        (lambda pf: add_route(pf, "new", "handlers.chat:nope"), ProjectError, 'defines no "nope"'),
        (lambda pf: remove_route(pf, "missing"), UsageError, 'No route "missing" (routes: $connect, sendmessage)'),
        (lambda pf: set_route(pf, "missing", RouteChange(handler="h:x")), UsageError, 'No route "missing"'),
        (lambda pf: set_route(pf, "sendmessage", RouteChange(new_key="$connect")), ProjectError, "defined twice"),
        (lambda pf: set_expression(pf, "$request.body."), ProjectError, '"$request.body."'),
        (lambda pf: remove_route(remove_route_first(pf), "sendmessage"), ProjectError, "The API has no routes"),
    ],
)
def test_a_refused_edit_leaves_the_file_byte_for_byte(project_dir: Path, edit, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as caught:
        edit(ProjectFile.open(project_dir))
    assert message in str(caught.value)
    if "no routes" not in message:
        assert text(project_dir) == ORIGINAL


def remove_route_first(project_file: ProjectFile) -> ProjectFile:
    remove_route(project_file, "$connect")
    return project_file


def test_a_refused_edit_says_it_was_not_saved_and_points_at_no_line(project_dir: Path) -> None:
    with pytest.raises(ProjectError) as caught:
        add_route(ProjectFile.open(project_dir), "$disconect", "handlers.chat:send")
    (problem,) = caught.value.problems
    assert problem.line is None
    assert str(caught.value).startswith("Not saved: the change would leave wstui.toml invalid.\n")
    assert text(project_dir) == ORIGINAL


def test_going_back_to_the_default_removes_the_key(project_dir: Path) -> None:
    set_route(ProjectFile.open(project_dir), "sendmessage", RouteChange(two_way=True))
    set_route(ProjectFile.open(project_dir), "sendmessage", RouteChange(two_way=False, operation_name=""))
    assert text(project_dir) == ORIGINAL.replace('operation_name = "SendRoute"\n', "")


def test_an_invalid_project_can_be_repaired_by_an_edit(project_dir: Path) -> None:
    (project_dir / "wstui.toml").write_text('[project]\nname = "chat"\n')
    with pytest.raises(ProjectError, match="The API has no routes"):
        assert ProjectFile.open(project_dir).project
    project = add_route(ProjectFile.open(project_dir), "sendmessage", "handlers.chat:send")
    assert [r.key for r in project.routes] == ["sendmessage"]


route_keys = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=20).filter(
    lambda k: k.lower() not in ("sendmessage",)
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(keys=st.lists(route_keys, min_size=1, max_size=5, unique_by=lambda k: k[0].upper() + k[1:]))
def test_add_then_remove_restores_the_file(project_dir: Path, keys: list[str]) -> None:
    (project_dir / "wstui.toml").write_text(ORIGINAL)
    for key in keys:
        add_route(ProjectFile.open(project_dir), key, "handlers.chat:echo")
    assert [r.key for r in ProjectFile.open(project_dir).project.routes][2:] == keys
    for key in reversed(keys):
        remove_route(ProjectFile.open(project_dir), key)
    assert text(project_dir).replace("\n\n\n", "\n\n") == ORIGINAL


def test_removing_the_first_route_keeps_the_section_comment_above_it(project_dir: Path) -> None:
    remove_route(ProjectFile.open(project_dir), "$connect")
    assert text(project_dir) == ORIGINAL.replace(
        '[[routes]]\nkey = "$connect"  # runs before the socket opens\nhandler = "handlers.chat:connect"\n\n', ""
    )


def test_a_key_added_to_the_last_route_goes_above_the_next_sections_comment(project_dir: Path) -> None:
    set_route(ProjectFile.open(project_dir), "sendmessage", RouteChange(two_way=True))
    assert text(project_dir) == ORIGINAL.replace('"SendRoute"\n', '"SendRoute"\ntwo_way = true\n')


def test_api_settings_are_set_and_dropped_keeping_comments(project_dir: Path) -> None:
    from wstui.core.project.routes import set_api_settings

    project = set_api_settings(ProjectFile.open(project_dir), "chat-api", "The chat service")
    assert (project.api.name, project.api.description) == ("chat-api", "The chat service")
    assert '# as in the seed\nname = "chat-api"\ndescription = "The chat service"\n' in text(project_dir)
    set_api_settings(ProjectFile.open(project_dir), "", "")
    assert text(project_dir) == ORIGINAL


@pytest.mark.parametrize(("key", "expected"), [
    ("*", 'holds "*"'),
    ("chat/?", 'holds "?"'),
    ("two words", "holds a space"),
    ("line\nbreak", "holds whitespace (\\n)"),
    ("tab\there", "holds whitespace (\\t)"),
    ("bell\x07", "holds a control character (\\u0007)"),
])
def test_keys_that_would_widen_or_break_an_arn_are_refused(project_dir: Path, key: str, expected: str) -> None:
    with pytest.raises(ProjectError) as refused:
        add_route(ProjectFile.open(project_dir), key, "handlers.chat:echo")
    assert expected in str(refused.value) and "ARN" in str(refused.value)
    with pytest.raises(ProjectError):
        set_route(ProjectFile.open(project_dir), "sendmessage", RouteChange(new_key=key))
    assert (project_dir / "wstui.toml").read_text() == ORIGINAL


def test_keys_with_slashes_and_dots_are_fine(project_dir: Path) -> None:
    """`${request.body.service}/${request.body.action}` gives keys such as chat/join (reference §1)."""
    project = add_route(ProjectFile.open(project_dir), "chat/join.v2", "handlers.chat:echo")
    assert project.route("chat/join.v2") is not None


def test_a_save_refuses_to_undo_a_change_made_on_disk_after_the_file_was_read(project_dir: Path) -> None:
    project_file = ProjectFile.open(project_dir)
    edited = ORIGINAL.replace('tags = { team = "realtime" }', 'tags = { team = "edited by hand" }')
    (project_dir / "wstui.toml").write_text(edited)
    with pytest.raises(UsageError) as refused:
        add_route(project_file, "echo", "handlers.chat:echo")
    assert "changed on disk after wstui read it" in str(refused.value)
    assert (project_dir / "wstui.toml").read_text() == edited
    add_route(project_file.reread(), "echo", "handlers.chat:echo")
    assert 'team = "edited by hand"' in (project_dir / "wstui.toml").read_text()
