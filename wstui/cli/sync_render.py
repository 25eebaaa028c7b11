"""The words of a sync, for `wstui sync` and the app's Deploy area alike: each says what to do next in
its own words (`Words`), so the two never tell different stories and the app never names an option."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from wstui.cli.remedies import CLI_WORDS
from wstui.cli.verbatim import verbatim
from wstui.core.deploy.sync import CodeUpToDate, FunctionSynced, Synced, TemplateChanged
from wstui.core.errors import Remedy, Words, told

if TYPE_CHECKING:
    from wstui.core.deploy.events import DeployEvent
    from wstui.core.deploy.sync import SyncEvent

DRIFT = "The stack still records the last deploy's code."
STOPPED_WATCHING = "Stopped watching."


def sync_line(event: SyncEvent | DeployEvent, words: Words = CLI_WORDS) -> Text | None:
    """The sentence for a sync's own events; None for the deploy events it shares (packaging, upload)."""
    match event:
        case TemplateChanged():
            changes = "\n".join(f"  {difference}" for difference in event.differences)
            return Text.assemble(
                verbatim(f"The template of {event.stack_name} changed since its last deploy, so this takes CloudFormation:\n"),
                verbatim(changes),
            )
        case CodeUpToDate():
            return verbatim(f"The code of {event.stack_name}'s {event.functions} functions is up to date: nothing to sync.")
        case FunctionSynced():
            return Text.assemble(
                ("Updated ", "green"), verbatim(event.logical_id), verbatim(f" ({event.function_name}) in {event.seconds:.1f} s"),
            )
        case Synced():
            unchanged = f"; unchanged: {', '.join(event.unchanged)}" if event.unchanged else ""
            return verbatim(told(
                f"Synced {len(event.updated)} of {len(event.updated) + len(event.unchanged)} functions of {event.stack_name} "
                f"in {event.seconds:.1f} s{unchanged}. {DRIFT}", (Remedy.DEPLOY_MATCHES,), words,
            ))
    return None


def watching_line(directory: Path, how_to_stop: str) -> Text:
    return verbatim(f"Watching {directory} for changes ({how_to_stop} to stop).", "dim")


def changed_line(changed: list[str]) -> Text:
    return verbatim(f"Changed: {', '.join(changed)}", "dim")


def protected_stage(stage: str) -> str:
    """Why a protected stage is not synced without asking; each interface says how to go ahead anyway."""
    return f"Stage {stage} is protected (protected = true in wstui.toml)"
