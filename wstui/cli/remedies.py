"""What a user can do about a problem, in the CLI's words: its commands and options.

Core names a remedy (`wstui.core.errors.Remedy`); the app words the same remedies with its fields and
keys (`wstui.tui.remedies`).
"""

from __future__ import annotations

from wstui.core.errors import Remedy, WstuiError, Words

CLI_WORDS: Words = {
    Remedy.AWS_CREDENTIALS: "Set AWS_PROFILE (or pass --profile), run `aws configure` or `aws sso login`, "
                            "or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    Remedy.AWS_REGION_NAME: "Pass one like us-east-1 with --region.",
    Remedy.AWS_PROFILE_NAME: "Check ~/.aws/config, or pass another --profile.",
    Remedy.AWS_ENDPOINT: "Check the network, the region and --endpoint-url.",
    Remedy.CREATE_BUCKET: "Run again with --create-bucket to create it, or name an existing one with --s3-bucket.",
    Remedy.DRY_RUN_BUCKET: "--plan creates no bucket: name an existing one with --s3-bucket, or deploy with --create-bucket "
                           "(it creates the bucket, then shows the change set and asks before applying it).",
    Remedy.OTHER_BUCKET: "Pass another --s3-bucket.",
    Remedy.BUCKET_REGION: "Use a bucket in {region} (--s3-bucket), or deploy with --region {bucket_region}.",
    Remedy.FOLLOW_STACK: "Follow it with `wstui status --follow`.",
    Remedy.PLAN_AGAIN: "Run `wstui deploy` again to plan against the stack as it is now.",
    Remedy.REMOVE_AGAIN: "Run `wstui remove` again to finish deleting it, then deploy.",
    Remedy.PARAMETER_VALUE: "Pass --param {name}=VALUE.",
    Remedy.DEPLOY: "`wstui deploy` writes it.",
    Remedy.DEPLOY_OR_REGION: "Deploy it there with `wstui deploy`, or name the region with --region or AWS_REGION.",
    Remedy.STACK_OUTPUTS: "`wstui status` shows the stack's outputs, and `wstui deploy` writes the record again.",
    Remedy.OUTPUTS_LATER: "`wstui status` shows them once it does.",
    Remedy.OUTPUTS_UNSAVED: "Once AWS answers, `wstui status --follow` reads them and saves them.",
    Remedy.RECORD_UNWRITTEN: "`wstui console --deployed` reads the URL from that record: fix this, then run `wstui deploy` "
                             "again to write it (with nothing to change, it changes nothing).",
    Remedy.NO_FAILURE_REASON: "See `wstui status`.",
    Remedy.EDIT_ROUTE: "Change it with `wstui routes set {key}`.",
    Remedy.ADD_ROUTE: "Add one with `wstui routes add KEY --handler MODULE:FUNCTION`.",
    Remedy.NAME_PROJECT: "Give one, e.g. `wstui new chat`.",
    Remedy.NAME_NOT_PATH: "Give a name, and -o DIR for where it goes.",
    Remedy.OTHER_TARGET: "Choose another name or -o DIR.",
    Remedy.OVERWRITE: "Or pass --force to write over it.",
    Remedy.OPEN_PROJECT: "Run `wstui new NAME` to create a project, or pass --project DIR.",
    Remedy.HANDLER_THREADS: "`wstui dev --workers N` sets how many handlers run at once.",
    Remedy.PASS_TOKEN: "Pass it with --query NAME=VALUE or --header 'NAME: VALUE', as the authorizer's identity source says; "
                       "`wstui console --local` passes the project's own token.",
    Remedy.DEPLOY_FIRST: "`wstui deploy` does it.",
    Remedy.LOAD_WORKERS: "Spread them with --workers {workers} or more, or ask for a higher hard limit.",
    Remedy.DEPLOY_MATCHES: "`wstui deploy` makes them match again.",
    Remedy.START_LOCAL: "Start `wstui dev` in the project first (in another terminal), or give its --port.",
}


def said(error: WstuiError) -> str:
    """The error's message and what to do about it, as the CLI says it."""
    return error.told(CLI_WORDS)


def remedy(name: Remedy, **details: str) -> str:
    return CLI_WORDS[name].format(**details)
