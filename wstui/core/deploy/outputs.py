"""`.wstui/outputs.json`: the outputs of the project's deployed stacks, where the console and the app
find the wss:// URL.

One record per region and stack, keyed "REGION/STACK", so a deploy to eu-west-1 leaves the record of
the stack in us-east-1 alone, and `wstui remove` in one region forgets only the stack it removed there
(a key can name a stage the same way later):

    {"deployments": {"us-east-1/chat-v1": {"stack_name": "chat-v1", "region": "us-east-1", "outputs": {...}}}}

The single record earlier versions wrote (`{"stack_name", "region", "outputs"}`) is read as one record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wstui.core.errors import Remedy, UsageError, WstuiError
from wstui.core.files import write_atomic

OUTPUTS_FILE = Path(".wstui") / "outputs.json"
RECORDS = "deployments"


@dataclass(frozen=True)
class DeployedOutputs:
    stack_name: str
    region: str
    outputs: dict[str, str]

    @property
    def key(self) -> str:
        return record_key(self.region, self.stack_name)

    @property
    def where(self) -> str:
        return f"stack {self.stack_name} in {self.region or 'an unknown region'}"


def record_key(region: str, stack_name: str) -> str:
    return f"{region}/{stack_name}"


def outputs_path(directory: Path) -> Path:
    return directory / OUTPUTS_FILE


class NotDeployedError(WstuiError):
    """No usable record of a deployment: `wstui deploy` writes it."""


def save_outputs(directory: Path, deployed: DeployedOutputs) -> Path:
    """Add or replace the record of `deployed`'s region and stack, keeping the others. A file that
    cannot be read (not JSON, no read permission) is replaced: it only copies what AWS knows, and a
    deploy writes its record again. UsageError says why when the file cannot be written."""
    path = outputs_path(directory)
    try:
        records = load_records(directory)
    except NotDeployedError:
        records = {}
    records[deployed.key] = deployed
    _write(path, records)
    return path


def load_records(directory: Path) -> dict[str, DeployedOutputs]:
    """Every record of the file, by key. Outputs that are not text (a `null` written by hand) are left
    out, as if the stack did not report them."""
    path = outputs_path(directory)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotDeployedError(f"No deployment recorded in {path}.", Remedy.DEPLOY) from None
    except IsADirectoryError:
        raise NotDeployedError(f"{path} is a folder, not a record of deployments: move it away.", Remedy.DEPLOY) from None
    except OSError as error:
        raise NotDeployedError(f"Cannot read {path}: {error.strerror or error}.", Remedy.DEPLOY) from None
    except ValueError:
        raise NotDeployedError(f"{path} is not readable JSON.", Remedy.DEPLOY) from None
    if isinstance(document, dict) and isinstance(document.get(RECORDS), dict):
        entries = list(document[RECORDS].values())
    else:
        entries = [document]
    records = [record for record in map(_record, entries) if record is not None]
    return {record.key: record for record in records}


def find_outputs(directory: Path, region: str, stack_name: str) -> DeployedOutputs:
    """The record of `stack_name` in `region`; NotDeployedError names the records there are instead."""
    records = load_records(directory)
    record = records.get(record_key(region, stack_name))
    if record is None:
        held = "; ".join(found.where for found in records.values()) or "no record"
        raise NotDeployedError(
            f"{outputs_path(directory)} has no record of stack {stack_name} in {region} (it holds {held}).", Remedy.DEPLOY_OR_REGION
        )
    return record


def forget_outputs(directory: Path, region: str, stack_name: str) -> None:
    """After a removal, the saved URL would point at nothing: drop the record of that region and stack,
    and only that one. A file that cannot be read or written is left as it is: the stack is gone either
    way, and a stale record only fails to connect."""
    try:
        records = load_records(directory)
        if records.pop(record_key(region, stack_name), None) is None:
            return
        if records:
            _write(outputs_path(directory), records)
        else:
            outputs_path(directory).unlink()
    except (WstuiError, OSError):
        return


def _record(entry: Any) -> DeployedOutputs | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("outputs"), dict):
        return None
    outputs = {str(key): value for key, value in entry["outputs"].items() if isinstance(value, str)}
    return DeployedOutputs(str(entry.get("stack_name", "")), str(entry.get("region", "")), outputs)


def _write(path: Path, records: dict[str, DeployedOutputs]) -> None:
    document = {
        RECORDS: {
            key: {"stack_name": record.stack_name, "region": record.region, "outputs": dict(sorted(record.outputs.items()))}
            for key, record in sorted(records.items())
        }
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"Cannot write {path}: cannot make the folder {path.parent} ({error.strerror or error}).") from None
    write_atomic(path, json.dumps(document, indent=2) + "\n")
