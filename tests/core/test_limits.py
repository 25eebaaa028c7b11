"""CloudFormation's 500-resource limit is found by wstui, with the count, before any AWS call."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from wstui.cli.main import cli
from wstui.core.errors import UsageError
from wstui.core.project.load import load_project
from wstui.core.template import synthesize

FULL = 96  # the scaffolded chat service has 19 resources; each route with its own handler adds 5: 499


def with_routes(project: Path, count: int) -> Path:
    handler = (project / "handlers" / "send_message.py").read_text()
    tables = []
    for index in range(count):
        (project / "handlers" / f"h{index}.py").write_text(handler)
        tables.append(f'\n[[routes]]\nkey = "r{index}"\nhandler = "handlers.h{index}:handle"\n')
    with (project / "wstui.toml").open("a") as toml:
        toml.write("".join(tables))
    return project


@pytest.fixture
def full(chat: Path) -> Path:
    return with_routes(chat, FULL)


def test_a_project_over_the_limit_is_refused_with_its_count(chat: Path) -> None:
    with pytest.raises(UsageError) as refused:
        synthesize(load_project(with_routes(chat, FULL + 1)))
    assert "The stack would have 504 resources; CloudFormation allows 500" in str(refused.value)


@pytest.mark.parametrize("handler", ["handlers.h0:handle", "handlers.send_message:handle"])
def test_routes_add_refuses_the_route_that_crosses_the_limit(full: Path, handler: str) -> None:
    assert len(synthesize(load_project(full)).template.resources) == 499
    before = (full / "wstui.toml").read_text()
    result = CliRunner().invoke(cli, ["--project", str(full), "routes", "add", "one-more", "--handler", handler])
    assert result.exit_code == 2
    assert "The stack would have 502 resources; CloudFormation allows 500" in result.output
    assert (full / "wstui.toml").read_text() == before

