"""The Deploy area's F1 text: what each step does, with its key, and where the fields' values come from."""

from __future__ import annotations

from wstui.cli.deploy_render import duration_text
from wstui.core.deploy.stack_events import FOLLOW_DEADLINE

HELP = f"""\
# Deploy

Deploys the project to AWS as `wstui deploy` does, one step at a time.

- **Plan** (`ctrl+n`, or `enter` in any field) packages the code and creates a CloudFormation change
  set; the log lists the code archive's files and size, and the table shows what the change set would
  add, modify or remove, and whether a resource is replaced. Nothing is uploaded or changed yet, but
  for a template over 51,200 bytes, which CloudFormation reads from S3 only (Discard deletes it again).
- **Apply** (`ctrl+g`) uploads the code and executes the change set; stack events appear as they arrive,
  the bar counts finished resources, and a failure names each failed resource with its reason. After
  {duration_text(FOLLOW_DEADLINE)} the area stops following; the operation goes on, and Status (`ctrl+t`) shows where it stands.
  **Discard** (`ctrl+z`) deletes the change set instead.
- **Status** (`ctrl+t`) shows the stack's status, outputs and recent events; **Remove** (`ctrl+r`) deletes
  the stack and the artifacts its deploys uploaded, after asking.
- **Sync** (`ctrl+y`) updates the deployed functions' code directly when only handler code changed since
  the last deploy, as `wstui sync` does: seconds instead of a stack update, only the functions whose
  files changed. When the template changed too, the log says what, and the area offers the Plan
  instead. The **Watch** switch syncs now, then on every save of the project's Python files or
  `wstui.toml`, one line per update with its duration, until it is turned off or another stage is
  chosen. A stage marked `protected = true` is synced only after asking.
- **Console** (`ctrl+f`) opens the Console area on the deployed URL.
- **Logs** (`ctrl+l`) follows the deployed functions' logs, as `wstui logs --follow` does, with a filter
  field and a function picker; Escape closes it.

An empty field shows, dimmed, the value in effect: the region is the Region field's, else
`AWS_REGION`, `AWS_DEFAULT_REGION`, your profile's, then the project's (as in the CLI); a region
that the environment or a profile takes away from the project's is said in yellow under the fields.
The account and the bucket show once a step has connected. The fields are remembered per project.
A stack whose creation rolled back is offered for deletion and re-creation, as `wstui deploy` does.
"""
