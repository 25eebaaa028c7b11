"""Cheap looks for plugins, without importing pluggy or importlib.metadata: start-up and validation
pay for plugin loading only when there is a plugin to load.

Importing `importlib.metadata` and pluggy costs about 30 ms, a fifth of `wstui --help`. Installed
distributions declare entry points in `entry_points.txt` next to their metadata; if none of those
files names the `[wstui]` group, there is nothing to load. When one does, the real loader runs.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

GROUP_HEADER = b"[wstui]"
METADATA_SUFFIXES = (".dist-info", ".egg-info")


def may_have_plugins() -> bool:
    """False only when no distribution on sys.path declares a `wstui` entry point."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(METADATA_SUFFIXES) and _declares_group(os.path.join(entry, name, "entry_points.txt")):
                return True
    return False


def _declares_group(path: str) -> bool:
    try:
        with open(path, "rb") as stream:
            return any(line.strip() == GROUP_HEADER for line in stream)
    except OSError:
        return False


def local_plugin_file(name: str, directory: Path) -> Path | None:
    """The file of plugin `name` in the project directory (`name.py` or `name/__init__.py`), if any."""
    base = directory.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def plugin_exists(name: str, directory: Path) -> bool:
    """Whether a plugin listed in wstui.toml can be found, in the project or among installed modules."""
    if local_plugin_file(name, directory) is not None:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
