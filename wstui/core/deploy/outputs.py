"""`.wstui/outputs.json`: the deployed stack's outputs, where the console and the app find the wss:// URL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from wstui.core.errors import WstuiError
from wstui.core.files import write_atomic

OUTPUTS_FILE = Path(".wstui") / "outputs.json"


@dataclass(frozen=True)
class DeployedOutputs:
    stack_name: str
    region: str
    outputs: dict[str, str]


def outputs_path(directory: Path) -> Path:
    return directory / OUTPUTS_FILE


def save_outputs(directory: Path, deployed: DeployedOutputs) -> Path:
    path = outputs_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"stack_name": deployed.stack_name, "region": deployed.region, "outputs": dict(sorted(deployed.outputs.items()))}
    write_atomic(path, json.dumps(document, indent=2) + "\n")
    return path


class NotDeployedError(WstuiError):
    """No usable record of a deployment: `wstui deploy` writes it."""


def load_outputs(directory: Path) -> DeployedOutputs:
    path = outputs_path(directory)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotDeployedError(f"No deployment recorded in {path}: run `wstui deploy` first.") from None
    except (OSError, ValueError):
        raise NotDeployedError(f"{path} is not readable JSON: run `wstui deploy` first to write it again.") from None
    outputs = document.get("outputs") if isinstance(document, dict) else None
    if not isinstance(outputs, dict):
        raise NotDeployedError(f"{path} has no outputs: run `wstui deploy` first to write it again.")
    stack_name, region = str(document.get("stack_name", "")), str(document.get("region", ""))
    return DeployedOutputs(stack_name, region, {str(key): str(value) for key, value in outputs.items()})


def forget_outputs(directory: Path, stack_name: str) -> None:
    """After a removal, the saved URL would point at nothing: drop it if it was this stack's."""
    path = outputs_path(directory)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("stack_name") == stack_name:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        return
