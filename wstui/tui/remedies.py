"""What a user can do about a problem, in the app's words: its areas, fields, checkboxes and keys.

The same remedies the CLI words with its commands and options (`wstui.cli.remedies`): a message in
the app never names a command-line option the app does not have.
"""

from __future__ import annotations

from wstui.core.errors import Remedy, WstuiError, Words

APP_WORDS: Words = {
    Remedy.AWS_CREDENTIALS: "Name a profile in the Profile field (or set AWS_PROFILE), run `aws configure` or "
                            "`aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY before starting the app.",
    Remedy.AWS_REGION_NAME: "Type one like us-east-1 in the Region field.",
    Remedy.AWS_PROFILE_NAME: "Check ~/.aws/config, or name another in the Profile field.",
    Remedy.AWS_ENDPOINT: "Check the network, and the Region and Endpoint fields.",
    Remedy.CREATE_BUCKET: "Tick Create bucket to create it, or name an existing one in the Bucket field.",
    Remedy.DRY_RUN_BUCKET: "Tick Create bucket to create it, or name an existing one in the Bucket field.",
    Remedy.OTHER_BUCKET: "Name another in the Bucket field.",
    Remedy.BUCKET_REGION: "Name a bucket in {region} in the Bucket field, or type {bucket_region} in the Region field.",
    Remedy.FOLLOW_STACK: "Status (ctrl+t) shows where it stands.",
    Remedy.PLAN_AGAIN: "Plan (ctrl+n) again to plan against the stack as it is now.",
    Remedy.REMOVE_AGAIN: "Remove (ctrl+r) again to finish deleting it, then Plan (ctrl+n).",
    Remedy.PARAMETER_VALUE: "The app passes no template parameters but the project's secrets: give {name} a Default.",
    Remedy.DEPLOY: "A deploy from the Deploy area (F5) writes it.",
    Remedy.DEPLOY_OR_REGION: "Deploy it there from the Deploy area (F5), or start the app with AWS_REGION set to its region.",
    Remedy.STACK_OUTPUTS: "Status (ctrl+t) in the Deploy area shows the stack's outputs, and a Plan (ctrl+n) there writes the record again.",
    Remedy.OUTPUTS_LATER: "Status (ctrl+t) shows them once it does.",
    Remedy.OUTPUTS_UNSAVED: "Once AWS answers, a Plan (ctrl+n) with nothing to change saves them.",
    Remedy.RECORD_UNWRITTEN: "The Console's Deployed URL (ctrl+r) reads the URL from that record: fix this, then Plan (ctrl+n) "
                             "again to write it (with nothing to change, it changes nothing).",
    Remedy.NO_FAILURE_REASON: "Status (ctrl+t) shows the stack's recent events.",
    Remedy.EDIT_ROUTE: "Select it in the Routes table and Edit it (ctrl+e).",
    Remedy.ADD_ROUTE: "Add one in the Routes area (ctrl+n).",
    Remedy.NAME_PROJECT: "Type one in the Project name field, e.g. chat.",
    Remedy.NAME_NOT_PATH: "Type a name here, and the folder in Directory to create it in.",
    Remedy.OTHER_TARGET: "Choose another Project name or Directory to create it in.",
    Remedy.OVERWRITE: "",
    Remedy.OPEN_PROJECT: "Put wstui.toml back, or quit and open another project.",
    Remedy.HANDLER_THREADS: "A handler that blocks holds its thread until it returns.",
    Remedy.PASS_TOKEN: "Put it in the Query field (NAME=VALUE) or the Header field (NAME: VALUE), as the authorizer's "
                       "identity source says (${{secret:NAME}} there stands for the project's secret NAME).",
    Remedy.DEPLOY_FIRST: "Plan (ctrl+n), then Apply (ctrl+g).",
    Remedy.DEPLOY_MATCHES: "A deploy (Plan, then Apply) makes them match again.",
    Remedy.START_LOCAL: "Start the local gateway first: Start in the Local area (ctrl+s there).",
    Remedy.LOAD_WORKERS: "The app drives them from one process: lower Connections to {fits} or fewer, or ask for a "
                         "higher hard limit.",
}


def said(error: WstuiError) -> str:
    """The error's message and what to do about it, as the app says it."""
    return error.told(APP_WORDS)


def remedy(name: Remedy, **details: str) -> str:
    return APP_WORDS[name].format(**details)
