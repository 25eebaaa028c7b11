"""The Python API builds the same project, and so the same template, as the project file."""

from __future__ import annotations

from pathlib import Path

import pytest

from wstui import Stage, WebSocketApi
from wstui.core.errors import ProjectError
from wstui.core.project.load import load_project
from wstui.core.template import synthesize

EXAMPLE = Path(__file__).parents[2] / "examples" / "chat"


def seed_api() -> WebSocketApi:
    api = WebSocketApi("sample", "$request.body.message", Stage("v1", description="New deploy!"), region="us-west-2")
    api.route("$connect", "handlers.connect:handle", operation_name="ConnectRoute")
    api.route("$disconnect", "handlers.disconnect:handle", operation_name="DisconnectRoute")
    api.route("sendmessage", "handlers.send:handle", operation_name="SendRoute")
    api.connection_table("CONNECTION_TABLE", "connectionId", read_capacity=5, write_capacity=5)
    return api


def test_the_seed_in_python_is_the_example_project() -> None:
    assert seed_api().project(EXAMPLE) == load_project(EXAMPLE)


def test_the_seed_in_python_synthesizes_the_same_template() -> None:
    assert seed_api().synth(EXAMPLE).render() == synthesize(load_project(EXAMPLE)).render()


def test_without_capacities_the_table_is_on_demand() -> None:
    api = WebSocketApi("sample")
    assert api.connection_table().billing == "on_demand"


def test_mistakes_are_reported_like_the_project_file_does() -> None:
    api = seed_api()
    api.route("$conect", "handlers.connect:handle")
    with pytest.raises(ProjectError, match=r'routes #4\.key: Route key "\$conect" .*did you mean "\$connect"\?'):
        api.project(EXAMPLE)
