"""The deploy tests' project: a scaffolded chat service, copied fresh for each test (moto is in tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wstui.core.scaffold import Template, scaffold


@pytest.fixture(scope="session")
def chat_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scaffold("chat", tmp_path_factory.mktemp("deploy-src"), {}, Template.load(None)).directory


@pytest.fixture
def chat_project(chat_source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(chat_source, tmp_path / "chat"))
