"""Jinja filters the bundled template needs, loaded by cookiecutter from `_extensions` in cookiecutter.json."""

from __future__ import annotations

import tomlkit
from jinja2 import Environment
from jinja2.ext import Extension


def toml_string(value: object) -> str:
    """`value` as a TOML basic string that reads back exactly, quotes, backslashes and emoji included.

    Jinja's `tojson` writes a character outside the Basic Multilingual Plane as a surrogate pair of
    `\\u` escapes, which TOML refuses: a description with an emoji made a wstui.toml that did not load.
    """
    return tomlkit.string(str(value)).as_string()


class TomlExtension(Extension):
    """Adds the `toml_string` filter: `key = {{ cookiecutter.description | toml_string }}`."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["toml_string"] = toml_string
