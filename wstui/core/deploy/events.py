"""What a deploy, a removal or a status check reports as it goes: the CLI prints these, the TUI shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ArchivedFile:
    """One file of the code archive, by its name there, and its size before compression."""

    name: str
    size: int


@dataclass(frozen=True)
class Packaged:
    """The code archive is built; `vendored` names the requirements installed into it, and `listing`
    its files other than theirs (the project's and the plugins')."""

    files: int
    size: int
    sha256: str
    vendored: tuple[str, ...] = ()
    listing: tuple[ArchivedFile, ...] = ()


@dataclass(frozen=True)
class BucketCreated:
    """`dry_run`: the deploy would create it."""

    bucket: str
    region: str
    dry_run: bool = False


@dataclass(frozen=True)
class ArtifactStored:
    """An object the stack needs is in S3; `uploaded` is False when an identical one was there already,
    or (`dry_run`) when nothing was sent. `template`: it is the template, which CloudFormation reads from
    S3 only when it is over 51,200 bytes, so it is sent while planning, before anything is applied."""

    bucket: str
    key: str
    size: int
    uploaded: bool
    dry_run: bool = False
    template: bool = False


@dataclass(frozen=True)
class UploadProgress:
    """`sent` of the `size` bytes of an object are on their way to S3 (fewer again when a request is
    sent anew). Reported a few times a second, and once when all are sent."""

    bucket: str
    key: str
    sent: int
    size: int


@dataclass(frozen=True)
class UploadRetrying:
    """A request of an upload failed or stalled (`reason`) and goes again: attempt `attempt` of
    `attempts` (0 when unknown)."""

    bucket: str
    key: str
    attempt: int
    attempts: int
    reason: str


@dataclass(frozen=True)
class ArtifactDeleted:
    """An object uploaded only for a plan that was discarded (or found nothing to change) is gone again."""

    bucket: str
    key: str


@dataclass(frozen=True)
class Artifact:
    """An object the stack reads from S3 (the code archive, a template too big to send inline).
    `present` says an identical object is there already, so applying the plan uploads nothing."""

    key: str
    body: bytes = field(repr=False)
    present: bool


@dataclass(frozen=True)
class ChangeSetCreating:
    stack_name: str
    change_set_type: str


@dataclass(frozen=True)
class ResourceChange:
    """One row of the change-set preview. `replacement` is CloudFormation's True, False or Conditional."""

    action: str
    logical_id: str
    resource_type: str
    replacement: str = ""


@dataclass(frozen=True)
class Plan:
    """A change set ready to execute: plain data, so `--plan` can print it and tests can compare it.
    `staged`: keys uploaded while planning (a large template); discarding the plan deletes them, so a
    declined deploy or `--plan` leaves the bucket as it found it."""

    stack_name: str
    change_set_id: str
    change_set_type: str
    changes: tuple[ResourceChange, ...]
    bucket: str
    artifacts: tuple[Artifact, ...] = ()
    create_bucket: bool = False
    staged: tuple[str, ...] = ()
    stage: str = ""


@dataclass(frozen=True)
class PlanReady:
    plan: Plan


@dataclass(frozen=True)
class NoChanges:
    """Nothing to apply. The stack's outputs are saved again all the same (a fresh clone has no copy);
    `not_saved` says why they could not be."""

    stack_name: str
    outputs: dict[str, str] = field(default_factory=dict)
    not_saved: str = ""


@dataclass(frozen=True)
class PlanDiscarded:
    stack_name: str


@dataclass(frozen=True)
class OperationStarted:
    """A stack operation began; `total` resources are expected to finish (the progress bar's M)."""

    stack_name: str
    operation: str
    total: int


@dataclass(frozen=True)
class StackEvent:
    """One CloudFormation stack event, as it arrives. `elapsed` counts from the operation's first event."""

    logical_id: str
    resource_type: str
    status: str
    reason: str
    timestamp: datetime
    elapsed: float
    done: int
    total: int

    @property
    def is_stack(self) -> bool:
        return self.resource_type == "AWS::CloudFormation::Stack"

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


@dataclass(frozen=True)
class FollowingStopped:
    """The stack operation outlasted the deadline for following it (`deadline` seconds); it goes on in
    CloudFormation, where it was `status` when wstui stopped watching."""

    stack_name: str
    deadline: float
    status: str


@dataclass(frozen=True)
class ResourceFailure:
    logical_id: str
    resource_type: str
    status: str
    reason: str


@dataclass(frozen=True)
class OperationFailed:
    """The stack operation ended badly; `failures` leaves out the "cancelled" cascade."""

    stack_name: str
    status: str
    failures: tuple[ResourceFailure, ...]


@dataclass(frozen=True)
class Deployed:
    """Success. `durations` is (logical id, seconds), longest first; `outputs_file` is where they were
    saved, or empty, and `not_saved` says why they could not be: the stack is up all the same.
    `outputs_unread`: why AWS did not give the outputs after the success (then none were saved)."""

    stack_name: str
    status: str
    durations: tuple[tuple[str, float], ...]
    outputs: dict[str, str]
    outputs_file: str
    outputs_unread: str = ""
    not_saved: str = ""


@dataclass(frozen=True)
class Following:
    """`wstui status --follow` waits for the operation under way (the stack is `status`), at most `deadline` seconds."""

    stack_name: str
    status: str
    deadline: float


@dataclass(frozen=True)
class OutputsSaved:
    """The stack's outputs, as it stands after an operation that ended before anyone followed it, are
    saved at `path`, or `not_saved` says why they could not be."""

    stack_name: str
    path: str
    not_saved: str = ""


@dataclass(frozen=True)
class Removed:
    stack_name: str
    bucket: str
    artifacts_deleted: int


@dataclass(frozen=True)
class PluginProgress:
    """What a plugin's deploy or remove hook said with `context.report(message)`; `plugin` is the
    plugin's name. Yielded once that plugin's hook returns (or raises), in the order it was said."""

    plugin: str
    hook: str
    message: str


@dataclass(frozen=True)
class StackGone:
    """There was no stack to act on."""

    stack_name: str


DeployEvent = (
    Packaged | BucketCreated | UploadProgress | UploadRetrying | ArtifactStored | ArtifactDeleted | ChangeSetCreating
    | PlanReady | NoChanges | PlanDiscarded | OperationStarted | StackEvent | FollowingStopped | OperationFailed
    | Deployed | Removed | StackGone | Following | OutputsSaved | PluginProgress
)
