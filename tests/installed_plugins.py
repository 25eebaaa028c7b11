"""Plugins as users get them, without pip: an installed distribution is a module and a `.dist-info`
(METADATA, entry_points.txt) in a directory put on PYTHONPATH, which is all importlib.metadata reads;
a listed plugin is a module next to a copy of a project's wstui.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import tomlkit

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / "examples" / "chat"
LOCAL_PLUGIN = "local_plugin"


def install_plugin(site: Path, distribution: str, version: str, entry_points: dict[str, str], source: str) -> Path:
    """Make `site` look like site-packages holding `distribution` (its module named like it, with "-" as
    "_"), declaring `entry_points` (name -> module) in the `wstui` group."""
    module = distribution.replace("-", "_")
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist_info = site / f"{module}-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (dist_info / "entry_points.txt").write_text(f"[wstui]\n{lines}", encoding="utf-8")
    return site


def run_wstui(*args: str, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [sys.executable, "-m", "wstui", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def project_with_plugin(
    source: Path, destination: Path, plugin_source: str | None, names: list[str], extra_toml: str = ""
) -> Path:
    """A copy of `source` listing `names` under [project] plugins, with `local_plugin.py` if given and
    `extra_toml` appended to its wstui.toml."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    path = destination / "wstui.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    document["project"]["plugins"] = names  # type: ignore[index]
    path.write_text(tomlkit.dumps(document) + textwrap.dedent(extra_toml), encoding="utf-8")
    if plugin_source is not None:
        (destination / f"{LOCAL_PLUGIN}.py").write_text(textwrap.dedent(plugin_source), encoding="utf-8")
    return destination
