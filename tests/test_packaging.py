"""The wheel's package list is written out by hand (to map cookiecutter-template/ into the package):
this keeps it equal to the packages on disk, so a new subpackage cannot be left out of a release."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).parents[1]


def test_every_wstui_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {name for name in find_packages(str(ROOT), include=["wstui", "wstui.*"])}
    assert listed == on_disk | {"wstui.cookiecutter_template"}
    assert config["package-dir"] == {"wstui.cookiecutter_template": "cookiecutter-template"}
