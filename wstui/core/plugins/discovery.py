"""A cheap first look for installed wstui plugins, so start-up pays for plugin loading only when one exists.

Importing `importlib.metadata` and pluggy costs about 30 ms, a fifth of `wstui --help`. Installed
distributions declare entry points in `entry_points.txt` next to their metadata; if none of those
files names the `[wstui]` group, there is nothing to load. When one does, the real loader runs.
"""

from __future__ import annotations

import os
import sys

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
