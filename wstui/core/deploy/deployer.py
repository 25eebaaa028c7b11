"""The deploy pipeline: plan (package, find the bucket, create a change set), then apply or discard.

Nothing here prints or asks: every step yields events, and the caller decides between `plan()` and
`apply()` whether to go on (`--yes`, a confirmation prompt, a button in the app). `apply(plan,
dry_run=True)` walks the same steps and reports what it would do, which is what `--plan` shows.

A plan creates and uploads nothing that outlives it: the change set (and the empty stack a first one
makes) is deleted when the plan is discarded, or when the run is stopped before the change set runs
(`abandon()`). The one upload CloudFormation forces is a template over 51,200 bytes, which it reads
from S3 only; that object is deleted with the plan, and a dry run never creates a bucket for it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from wstui.core.deploy import artifacts
from wstui.core.deploy.archive import plugged_archive
from wstui.core.deploy.aws import AwsClients, AwsError, error_code, explained
from wstui.core.deploy.context import DeployContext, call_deploy_hook, deploy_context
from wstui.core.deploy.change_set import (
    MAX_INLINE_TEMPLATE,
    ChangeSetRequest,
    StackState,
    change_sets,
    create_change_set,
    delete_change_set,
    delete_change_set_named,
    stack_state,
)
from wstui.core.deploy.events import (
    Artifact,
    ArtifactDeleted,
    ArtifactStored,
    BucketCreated,
    ChangeSetCreating,
    Deployed,
    DeployEvent,
    NoChanges,
    OperationStarted,
    Packaged,
    Plan,
    PlanDiscarded,
    PlanReady,
    ResourceChange,
)
from wstui.core.deploy.outcome import outcome, save_stack_outputs
from wstui.core.deploy.removal import delete_stack
from wstui.core.deploy.stages import stage_tags
from wstui.core.deploy.stack_events import FOLLOW_DEADLINE, POLL_INTERVAL, StackEventStream
from wstui.core.errors import Remedy, UsageError
from wstui.core.plugins.manager import Plugins, plugins_for
from wstui.core.project.model import Project
from wstui.core.project.secrets import secret_parameters
from wstui.core.project.validate import bucket_name_problem, stack_name_problem
from wstui.core.template.builder import build_template
from wstui.core.template.ids import CODE_BUCKET, CODE_KEY

# What executing a change set answers when it is not there to run any more: deleted, or outdated by
# another change set of the stack that ran first.
PLAN_GONE = {"ChangeSetNotFound", "InvalidChangeSetStatus"}


@dataclass(frozen=True)
class DeploySettings:
    """What the user chose on the command line (or in the app), over what wstui.toml says."""

    stack_name: str
    bucket: str = ""
    create_bucket: bool = False
    parameters: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    poll_interval: float = POLL_INTERVAL
    follow_deadline: float = FOLLOW_DEADLINE

    def __post_init__(self) -> None:
        """Names typed in the app or given on the command line are checked as wstui.toml's are: before
        AWS sees them, and with a sentence that names the mistake."""
        problem = stack_name_problem(self.stack_name) or (bucket_name_problem(self.bucket) if self.bucket else "")
        if problem:
            raise UsageError(problem)


@dataclass(frozen=True)
class Unapplied:
    """What this run asked AWS to make for a plan nobody has applied yet: the change set, by the name
    it was given (the run may stop before CloudFormation answers with its id), and what was uploaded
    for the plan alone."""

    stack_name: str
    change_set_name: str
    bucket: str
    staged: tuple[str, ...]


class Deployer:
    def __init__(
        self,
        project: Project,
        template: dict[str, Any],
        plugins: Plugins,
        clients: AwsClients,
        settings: DeploySettings,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.project = project
        self.template = template
        self.plugins = plugins
        self.clients = clients
        self.settings = settings
        self.sleep = sleep
        self.clock = clock
        self.template_body = json.dumps(template, indent=1, sort_keys=True)
        _check_parameters(template, settings.parameters)
        self.unapplied: Unapplied | None = None
        self.execution_requested = False
        """The change set's execution was asked for: from then on, stopping leaves the operation to CloudFormation."""

    @classmethod
    def for_project(
        cls,
        project: Project,
        clients: AwsClients,
        settings: DeploySettings,
        sleep: Callable[[float], None] = time.sleep,
        *,
        environ: Mapping[str, str],
    ) -> Deployer:
        """The deployer of `project` with its plugins and the template they build, as the CLI and the app use it.

        The project's secrets become the values of their NoEcho parameters (from `environ` or
        `.wstui/secrets.toml`), passed on every deploy: CloudFormation compares them with the values it
        keeps, so an unchanged secret plans no change and a changed one updates the functions using it.
        """
        plugins = plugins_for(project)
        settings = replace(settings, parameters={**secret_parameters(project, environ), **settings.parameters})
        return cls(project, build_template(project, plugins).to_dict(), plugins, clients, settings, sleep)

    def state(self) -> StackState:
        return stack_state(self.clients, self.settings.stack_name)

    def failed_creation(self) -> StackState | None:
        """The stack, when its creation rolled back: `plan()` refuses it until `recreate()` deletes it,
        which only happens once the user agreed to `recreation_question()`."""
        state = self.state()
        return state if state.must_be_recreated else None

    def recreate(self, state: StackState) -> Iterator[DeployEvent]:
        """Delete the stack whose creation failed, so `plan()` creates it anew; ends with `OperationFailed`
        if CloudFormation could not delete it."""
        return delete_stack(self.clients, state, self.sleep, self.settings.poll_interval, self.settings.follow_deadline, self.clock)

    def plan(self, dry_run: bool = False) -> Iterator[DeployEvent]:
        """Ends with `PlanReady` or `NoChanges`. Creates and uploads nothing yet: the code and a new
        bucket wait for `apply`. A template too large to send inline is the exception, since
        CloudFormation reads it from S3 to work out the change set; it is deleted again if no plan
        comes of it. A dry run needs no bucket, and creates none even for that template."""
        self.execution_requested = False
        state = self.state()
        if state.busy:
            raise AwsError(f"Stack {state.name} is {state.status}: wait for that operation to end, then deploy again.",
                           Remedy.FOLLOW_STACK)
        if state.must_be_recreated:
            raise AwsError(f"Stack {state.name} is {state.status} and cannot be updated: delete it first.")
        if state.blocked is not None:
            raise state.blocked
        yield from call_deploy_hook(
            self.plugins, "wstui_before_change_set", self.context(),
            project=self.project, template=self.template, dry_run=dry_run,
        )
        archive = plugged_archive(self.project, self.plugins)
        yield Packaged(archive.files, archive.size, archive.sha256, archive.vendored, archive.listing)
        stack = self.settings.stack_name
        bucket, exists = self._bucket(dry_run)
        code_key = artifacts.artifact_key(stack, archive.sha256, "zip")
        stored = [Artifact(code_key, archive.body, exists and artifacts.is_present(self.clients, bucket, code_key))]
        template_url = ""
        staged: tuple[str, ...] = ()
        if len(self.template_body.encode()) > MAX_INLINE_TEMPLATE:
            template_url, staged = yield from self._template_in_s3(bucket, exists, dry_run)
            exists = True
        parameters = {**self.settings.parameters, CODE_BUCKET: bucket, CODE_KEY: code_key}
        tags = {**self.project.deploy.tags, **self.settings.tags, **stage_tags(self.project)}
        request = ChangeSetRequest(stack, "" if template_url else self.template_body, template_url, parameters, tags)
        self.unapplied = Unapplied(stack, request.name, bucket, staged)
        yield ChangeSetCreating(stack, "UPDATE" if state.exists else "CREATE")
        try:
            result = create_change_set(self.clients, state, request, self.sleep, self.settings.poll_interval)
        except Exception:
            self.unapplied = None
            yield from self._unstage(bucket, staged)
            raise
        if not result.change_set_id:
            self.unapplied = None
            yield from self._unstage(bucket, staged)
            not_saved = save_stack_outputs(self.clients, self.project.directory, stack, state.outputs)[1] if state.outputs else ""
            yield NoChanges(stack, state.outputs or {}, not_saved)
            return
        yield PlanReady(Plan(
            stack, result.change_set_id, result.change_set_type, result.changes, bucket, tuple(stored), not exists, staged,
            self.project.stage_name,
        ))

    def _bucket(self, dry_run: bool) -> tuple[str, bool]:
        """The bucket's name, and whether it exists already."""
        bucket = artifacts.bucket_name(self.clients, self.settings.bucket, self.project.deploy.s3_bucket)
        if artifacts.check_bucket(self.clients, bucket):
            return bucket, True
        if not self.settings.create_bucket and not dry_run:
            raise AwsError(f"Bucket {bucket} does not exist in {self.clients.region}.", Remedy.CREATE_BUCKET)
        return bucket, False

    def _template_in_s3(self, bucket: str, exists: bool, dry_run: bool) -> Generator[DeployEvent, None, tuple[str, tuple[str, ...]]]:
        """Put the template where CloudFormation can read it; returns its URL and the keys uploaded now."""
        body = self.template_body.encode()
        template = Artifact(artifacts.artifact_key(self.settings.stack_name, hashlib.sha256(body).hexdigest(), "template.json"), body, False)
        if not exists:
            why = f"The template is over {MAX_INLINE_TEMPLATE:,} bytes, so CloudFormation reads it from S3, and bucket {bucket} does not exist yet."
            if dry_run:
                raise AwsError(why, Remedy.DRY_RUN_BUCKET)
            if not self.settings.create_bucket:
                raise AwsError(why, Remedy.CREATE_BUCKET)
            artifacts.create_bucket(self.clients, bucket)
            yield BucketCreated(bucket, self.clients.region)
        present = exists and artifacts.is_present(self.clients, bucket, template.key)
        if not present:
            yield from artifacts.upload(self.clients, bucket, template)
        yield ArtifactStored(bucket, template.key, len(body), not present, template=True)
        return _s3_url(bucket, template.key, self.clients.region), () if present else (template.key,)

    def _unstage(self, bucket: str, keys: tuple[str, ...]) -> Iterator[DeployEvent]:
        for key in keys:
            artifacts.delete_object(self.clients, bucket, key)
            yield ArtifactDeleted(bucket, key)

    def apply(self, plan: Plan, dry_run: bool = False) -> Iterator[DeployEvent]:
        """Create the bucket if needed, upload what is missing and execute the change set, streaming
        stack events; ends with `Deployed` or `OperationFailed`. With `dry_run`, reports the same
        steps, does none of them, and discards the plan. A plugin's `wstui_before_deploy` that raises
        refuses the deploy before anything is uploaded: the plan is discarded, and the error goes on."""
        if not dry_run:
            try:
                yield from call_deploy_hook(
                    self.plugins, "wstui_before_deploy", self.context(plan.changes),
                    project=self.project, template=self.template,
                )
            except GeneratorExit:
                raise  # the caller stopped reading at a report: `abandon()` is theirs to call
            except BaseException:
                yield from self.discard(plan)
                raise
        if plan.create_bucket:
            if not dry_run:
                artifacts.create_bucket(self.clients, plan.bucket)
            yield BucketCreated(plan.bucket, self.clients.region, dry_run)
        for artifact in plan.artifacts:
            if not artifact.present and not dry_run:
                yield from artifacts.upload(self.clients, plan.bucket, artifact)
            yield ArtifactStored(plan.bucket, artifact.key, len(artifact.body), not artifact.present and not dry_run, dry_run)
        if dry_run:
            yield from self.discard(plan)
            return
        state = self.state()
        stream = StackEventStream(
            self.clients, state.stack_id, len(plan.changes), self.sleep, self.settings.poll_interval,
            deadline=self.settings.follow_deadline, clock=self.clock,
        )
        stream.mark()
        self.unapplied = None
        self.execution_requested = True
        self._execute(plan)
        yield OperationStarted(plan.stack_name, plan.change_set_type.lower(), len(plan.changes))
        yield from stream.follow()
        for event in outcome(self.clients, stream, plan.stack_name, self.project.directory):
            if isinstance(event, Deployed) and not event.outputs_unread:
                yield from call_deploy_hook(
                    self.plugins, "wstui_after_deploy", self.context(plan.changes, event.outputs),
                    project=self.project, outputs=event.outputs,
                )
            yield event

    def context(self, changes: tuple[ResourceChange, ...] = (), outputs: dict[str, str] | None = None) -> DeployContext:
        """What the deploy hooks are told: the stack this deploy really acts on, where, and what it changes."""
        return deploy_context(self.project, self.clients, self.settings.stack_name, changes, outputs)

    def _execute(self, plan: Plan) -> None:
        from botocore.exceptions import ClientError

        with explained(f"executing the change set of {plan.stack_name}"):
            try:
                self.clients.cloudformation.execute_change_set(ChangeSetName=plan.change_set_id)
            except ClientError as error:
                if error_code(error) not in PLAN_GONE:
                    raise
                raise AwsError(
                    f"The change set planned for stack {plan.stack_name} can no longer be applied: another deploy of "
                    f"the stack replaced it or ran first (AWS says: {error.response['Error'].get('Message', '').rstrip('.')}). "
                    "Nothing was applied by this deploy.", Remedy.PLAN_AGAIN,
                ) from None

    def discard(self, plan: Plan) -> Iterator[DeployEvent]:
        """Drop a plan the user declined. A stack that exists only to hold that change set goes too, and
        so does what was uploaded only for the plan."""
        self.unapplied = None
        delete_change_set(self.clients, plan.change_set_id)
        if plan.change_set_type == "CREATE":
            self._delete_empty_stack(plan.stack_name)
        yield from self._unstage(plan.bucket, plan.staged)
        yield PlanDiscarded(plan.stack_name)

    def abandon(self, sleep: Callable[[float], None] | None = None) -> Iterator[DeployEvent]:
        """The run stopped before the change set ran (Ctrl-C while uploading or planning): delete what it
        made for its plan, as `discard` does, so nothing of it is left behind. Nothing to do once the
        change set's execution was asked for: that operation goes on in CloudFormation. `sleep` waits for
        a change set still being worked out, when the run's own sleep is what stopped it."""
        unapplied, self.unapplied = self.unapplied, None
        if unapplied is None:
            return
        deleted = delete_change_set_named(
            self.clients, unapplied.stack_name, unapplied.change_set_name, sleep or self.sleep, self.settings.poll_interval
        )
        self._delete_empty_stack(unapplied.stack_name)
        yield from self._unstage(unapplied.bucket, unapplied.staged)
        if deleted:
            yield PlanDiscarded(unapplied.stack_name)

    def _delete_empty_stack(self, stack_name: str) -> None:
        """A stack in REVIEW_IN_PROGRESS exists only to hold change sets: it goes once it holds none, and
        stays while another deploy's plan is in it."""
        if stack_state(self.clients, stack_name).status != "REVIEW_IN_PROGRESS":
            return
        if any(not str(summary.get("Status", "")).startswith("DELETE_") for summary in change_sets(self.clients, stack_name)):
            return
        with explained(f"deleting the empty stack {stack_name}"):
            self.clients.cloudformation.delete_stack(StackName=stack_name)


def recreation_question(state: StackState) -> str:
    return f"Stack {state.name} is {state.status}: its creation failed and it cannot be updated. Delete it and create it again?"


def _check_parameters(template: dict[str, Any], given: dict[str, str]) -> None:
    declared = set(template.get("Parameters", {})) - {CODE_BUCKET, CODE_KEY}
    unknown = sorted(set(given) - declared)
    if unknown:
        known = ", ".join(sorted(declared)) or "none besides those wstui sets"
        raise UsageError(f"The template has no parameter {', '.join(unknown)} (parameters you can set: {known}).")
    missing = sorted(name for name in declared - set(given) if "Default" not in template["Parameters"][name])
    if missing:
        raise UsageError(f"The template needs a value for {', '.join(missing)}.", Remedy.PARAMETER_VALUE, name=missing[0])


def _s3_url(bucket: str, key: str, region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{bucket}.s3.{region}.{suffix}/{key}"
