"""`wstui sync`: put changed handler code into the deployed functions directly, skipping CloudFormation.

A full deploy takes a change set and a stack update (tens of seconds) for what is often a one-line fix
in a handler. When the synthesized template is the one the stack runs, only the code archive differs:
the archive goes to the same content-addressed S3 key a deploy would use, and `UpdateFunctionCode`
points each function whose code changed at it. Nothing is kept on this machine to know what changed:
a function's `CodeSha256` names the archive it runs (the same sha256 that names the archive in S3),
so that archive is read back and compared with the new one, for the files that function loads (its
handler's module and what it imports, plus every file that is not a project module: requirements,
data files, includes).

The stack's `CodeS3Key` parameter still names the archive of the last deploy: `code_drift` reports the
functions that run something else, and the next `wstui deploy` sets them all to its archive again.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pluggy

from wstui.core.deploy import artifacts
from wstui.core.deploy.archive import plugged_archive
from wstui.core.deploy.archive_contents import top_level
from wstui.core.deploy.aws import AwsClients, AwsError, error_code, explained
from wstui.core.deploy.change_set import stack_state
from wstui.core.deploy.events import Artifact, ArtifactStored, Packaged, UploadProgress, UploadRetrying
from wstui.core.errors import Remedy
from wstui.core.project.model import Project
from wstui.core.template.ids import CODE_BUCKET, CODE_KEY

LAMBDA_FUNCTION = "AWS::Lambda::Function"
OUR_CODE = {"S3Bucket": {"Ref": CODE_BUCKET}, "S3Key": {"Ref": CODE_KEY}}
UPDATE_POLL = 0.5


class SyncError(AwsError):
    """The stack cannot take a code-only update: it does not exist, is busy, or a function refused."""


@dataclass(frozen=True)
class TemplateChanged:
    """More than code changed: these need a CloudFormation deploy."""

    stack_name: str
    differences: tuple[str, ...]


@dataclass(frozen=True)
class CodeUpToDate:
    stack_name: str
    functions: int


@dataclass(frozen=True)
class FunctionSynced:
    stack_name: str
    logical_id: str
    function_name: str
    seconds: float


@dataclass(frozen=True)
class Synced:
    stack_name: str
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    seconds: float


SyncEvent = Packaged | UploadProgress | UploadRetrying | ArtifactStored | TemplateChanged | CodeUpToDate | FunctionSynced | Synced


@dataclass(frozen=True)
class DeployedFunction:
    logical_id: str
    function_name: str
    module: str


class Syncer:
    """One stack's code-only updates; `old_archives` keeps the digests of archives read back from S3,
    so `--watch` reads each one once."""

    def __init__(
        self,
        project: Project,
        template: dict[str, Any],
        plugins: pluggy.PluginManager,
        clients: AwsClients,
        stack_name: str,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        old_archives: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.project = project
        self.template = json.loads(json.dumps(template))
        self.plugins = plugins
        self.clients = clients
        self.stack_name = stack_name
        self.sleep = sleep
        self.clock = clock
        self.old_archives = old_archives if old_archives is not None else {}

    def sync(self) -> Iterator[SyncEvent]:
        """Ends with `TemplateChanged` (nothing done: deploy instead), `CodeUpToDate` or `Synced`."""
        started = self.clock()
        state = stack_state(self.clients, self.stack_name)
        if not state.exists:
            raise SyncError(f"No stack {self.stack_name} in {self.clients.region}: deploy it first.", Remedy.DEPLOY_FIRST)
        if state.busy or not state.status.endswith("_COMPLETE") or state.status.startswith("DELETE"):
            raise SyncError(f"Stack {self.stack_name} is {state.status}: sync needs a stack at rest, after a deploy that completed.")
        differences = template_differences(deployed_template(self.clients, self.stack_name), self.template)
        if differences:
            yield TemplateChanged(self.stack_name, tuple(differences))
            return
        archive = plugged_archive(self.project, self.plugins)
        yield Packaged(archive.files, archive.size, archive.sha256, archive.vendored, archive.listing)
        functions = deployed_functions(self.clients, self.stack_name, self.template)
        modules = {function.logical_id: function.module for function in functions}
        new_digests = function_digests(zip_entries(archive.body), modules)
        bucket = stack_parameters(self.clients, self.stack_name).get(CODE_BUCKET, "")
        changed, unchanged = [], []
        for function in functions:
            running = running_code(self.clients, function.function_name)
            old_digests = self._digests(bucket, running, modules) if running != archive.sha256 else new_digests
            same = old_digests.get(function.logical_id) == new_digests[function.logical_id]
            (unchanged if same else changed).append(function)
        if not changed:
            yield CodeUpToDate(self.stack_name, len(functions))
            return
        key = artifacts.artifact_key(self.stack_name, archive.sha256, "zip")
        present = artifacts.is_present(self.clients, bucket, key)
        if not present:
            yield from artifacts.upload(self.clients, bucket, Artifact(key, archive.body, False))
        yield ArtifactStored(bucket, key, archive.size, not present)
        for function in changed:
            began = self.clock()
            self._update(function, bucket, key)
            yield FunctionSynced(self.stack_name, function.logical_id, function.function_name, self.clock() - began)
        yield Synced(
            self.stack_name, tuple(f.logical_id for f in changed), tuple(f.logical_id for f in unchanged), self.clock() - started
        )

    def _digests(self, bucket: str, running: str, modules: Mapping[str, str]) -> dict[str, str]:
        """The digests of the archive a function runs, read back from S3 once; none (every function
        counts as changed) when it cannot be read: deleted, or not an archive wstui made."""
        if running not in self.old_archives:
            entries = read_archive(self.clients, bucket, artifacts.artifact_key(self.stack_name, running, "zip"))
            self.old_archives[running] = function_digests(entries, modules) if entries is not None else {}
        return self.old_archives[running]

    def _update(self, function: DeployedFunction, bucket: str, key: str) -> None:
        lambda_client = self.clients.client("lambda")
        with explained(f"updating the code of {function.function_name}"):
            lambda_client.update_function_code(FunctionName=function.function_name, S3Bucket=bucket, S3Key=key)
            while True:
                configuration = lambda_client.get_function_configuration(FunctionName=function.function_name)
                status = configuration.get("LastUpdateStatus", "Successful")
                if status != "InProgress":
                    break
                self.sleep(UPDATE_POLL)
        if status == "Failed":
            reason = configuration.get("LastUpdateStatusReason", "no reason given")
            raise SyncError(f"Lambda refused the new code of {function.logical_id} ({function.function_name}): {reason}")


def template_differences(deployed: Mapping[str, Any], local: Mapping[str, Any]) -> list[str]:
    """What differs between the stack's template and the synthesized one, one line per resource or section."""
    lines = [f"{section} changed" for section in sorted(set(deployed) | set(local) - {"Resources"})
             if section != "Resources" and deployed.get(section) != local.get(section)]
    old, new = deployed.get("Resources", {}), local.get("Resources", {})
    lines += [f"+ {name} ({new[name].get('Type', '?')})" for name in sorted(set(new) - set(old))]
    lines += [f"- {name} ({old[name].get('Type', '?')})" for name in sorted(set(old) - set(new))]
    lines += [f"~ {name} ({new[name].get('Type', '?')})" for name in sorted(set(old) & set(new)) if old[name] != new[name]]
    return lines


def deployed_template(clients: AwsClients, stack_name: str) -> dict[str, Any]:
    with explained(f"reading the template of {stack_name}"):
        body = clients.cloudformation.get_template(StackName=stack_name, TemplateStage="Original")["TemplateBody"]
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            raise SyncError(f"Stack {stack_name}'s template is not JSON, so not one wstui deployed: a deploy replaces it.",
                            Remedy.DEPLOY_FIRST) from None
    return json.loads(json.dumps(body))


def deployed_functions(clients: AwsClients, stack_name: str, template: Mapping[str, Any]) -> list[DeployedFunction]:
    """The stack's functions that run wstui's code archive, with their physical names, by logical id."""
    ours = {
        name: str(resource["Properties"].get("Handler", ""))
        for name, resource in template.get("Resources", {}).items()
        if resource.get("Type") == LAMBDA_FUNCTION and resource.get("Properties", {}).get("Code") == OUR_CODE
    }
    physical: dict[str, str] = {}
    with explained(f"listing the resources of {stack_name}"):
        for page in clients.cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name):
            for summary in page.get("StackResourceSummaries", []):
                if summary.get("LogicalResourceId") in ours and summary.get("PhysicalResourceId"):
                    physical[summary["LogicalResourceId"]] = summary["PhysicalResourceId"]
    return [
        DeployedFunction(name, physical[name], ours[name].rpartition(".")[0])
        for name in sorted(ours) if name in physical
    ]


def stack_parameters(clients: AwsClients, stack_name: str) -> dict[str, str]:
    with explained(f"reading the parameters of {stack_name}"):
        stacks = clients.cloudformation.describe_stacks(StackName=stack_name).get("Stacks", [])
    parameters = stacks[0].get("Parameters", []) if stacks else []
    return {item["ParameterKey"]: item.get("ParameterValue", "") for item in parameters}


def running_code(clients: AwsClients, function_name: str) -> str:
    """The sha256 (hex) of the code a function runs: Lambda gives it base64-encoded."""
    with explained(f"reading the configuration of {function_name}"):
        configuration = clients.client("lambda").get_function_configuration(FunctionName=function_name)
    return base64.b64decode(configuration.get("CodeSha256", "")).hex()


def read_archive(clients: AwsClients, bucket: str, key: str) -> dict[str, bytes] | None:
    from botocore.exceptions import ClientError

    with explained(f"reading s3://{bucket}/{key}"):
        try:
            body = clients.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error_code(error) in {"404", "NoSuchKey", "NotFound", "NoSuchBucket", "403", "AccessDenied"}:
                return None
            raise
    try:
        return zip_entries(body)
    except zipfile.BadZipFile:
        return None


def zip_entries(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def function_digests(entries: Mapping[str, bytes], modules: Mapping[str, str]) -> dict[str, str]:
    """For each function (by logical id, with its handler's module), a digest of what it loads of an
    archive: the project modules its handler imports, transitively (read from the archive's own bytes
    with `ast`, never run), and every file that is not a project module (data files, requirements,
    includes), which any function may open. A module no handler imports changes no function."""
    reached = {function: _reached(entries, module) for function, module in modules.items()}
    tracked = {top_level(name) for names in reached.values() for name in names}
    shared = [name for name in entries if not (name.endswith(".py") and top_level(name) in tracked)]
    digests = {}
    for function, names in reached.items():
        digest = hashlib.sha256()
        for name in sorted({*names, *shared}):
            digest.update(name.encode() + b"\0" + hashlib.sha256(entries[name]).digest())
        digests[function] = digest.hexdigest()
    return digests


def _reached(entries: Mapping[str, bytes], module: str) -> set[str]:
    """The archive's files of `module`, its packages' `__init__.py`, and the modules they import."""
    reached: set[str] = set()
    waiting = [module]
    while waiting:
        dotted = waiting.pop()
        for name in _module_files(entries, dotted):
            if name in reached:
                continue
            reached.add(name)
            package = dotted if name.endswith("__init__.py") else dotted.rpartition(".")[0]
            waiting.extend(_imports(entries[name], package))
    return reached


def _module_files(entries: Mapping[str, bytes], dotted: str) -> list[str]:
    """The files that importing `dotted` runs: each enclosing package's `__init__.py`, then its own."""
    parts = dotted.split(".")
    files = [f"{'/'.join(parts[:depth])}/__init__.py" for depth in range(1, len(parts) + 1)]
    files.append(f"{'/'.join(parts)}.py")
    return [name for name in files if name in entries]


def _imports(source: bytes, package: str) -> set[str]:
    """Every dotted name a module may import (`from a import b` may name the module `a.b`); relative
    imports resolved against `package`. A file that does not parse imports nothing here."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: max(len(package.split(".")) - node.level + 1, 0)]
                base = ".".join([*anchor, *([base] if base else [])])
            if base:
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def code_drift(clients: AwsClients, stack_name: str) -> list[str]:
    """The functions (logical ids) whose code is not the archive the stack's last deploy set: what
    `wstui sync` leaves, and the next `wstui deploy` removes."""
    key = stack_parameters(clients, stack_name).get(CODE_KEY, "")
    deployed = key.rsplit("/", 1)[-1].removesuffix(".zip")
    functions = deployed_functions(clients, stack_name, deployed_template(clients, stack_name))
    return [function.logical_id for function in functions if running_code(clients, function.function_name) != deployed]
