"""The wheel's package list is written out by hand (to map cookiecutter-template/ into the package):
this keeps it equal to the packages on disk, so a new subpackage cannot be left out of a release."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from setuptools import find_packages

ROOT = Path(__file__).parents[1]


def test_every_wstui_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {name for name in find_packages(str(ROOT), include=["wstui", "wstui.*"])}
    assert listed == on_disk | {"wstui.cookiecutter_template"}
    assert config["package-dir"] == {"wstui.cookiecutter_template": "cookiecutter-template"}


def test_the_first_install_takes_moto_without_its_server_extra() -> None:
    """moto's server extra is about 175 MB of other services' packages (cfn-lint, sympy, networkx...):
    the README's first command installs only what wstui dev needs (DynamoDB, and moto's CloudFormation,
    whose import needs the apigateway extra's openapi-spec-validator); the tests take the rest."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {Requirement(line).name: Requirement(line) for line in project["dependencies"]}
    assert base["moto"].extras == {"dynamodb", "apigateway"}
    assert {"flask", "flask-cors"} <= base.keys(), "moto's WSGI dispatcher, which wstui dev runs, imports them"
    test = {Requirement(line).name: Requirement(line) for line in project["optional-dependencies"]["test"]}
    assert {"server", "dynamodb"} <= test["moto"].extras
