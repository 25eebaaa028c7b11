"""`wstui sync`: code-only updates of a deployed stack, once or on every save (`--watch`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wstui.cli.cloud_options import cloud_options, follow_timeout_option
from wstui.cli.deploy import _announce, _connect, _console, deploy_project
from wstui.cli.options import load_stage, project_option, stage_option
from wstui.core.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from wstui.core.deploy.aws import AwsClients
    from wstui.core.deploy.sync import SyncEvent

DRIFT_NOTE = "The stack still records the last deploy's code: `wstui deploy` makes them match again."


@click.command()
@cloud_options
@click.option("--watch", is_flag=True, help="Sync again on every save of the project's Python files or wstui.toml, until Ctrl-C.")
@click.option("--yes", "-y", is_flag=True, help="When more than code changed, deploy without asking.")
@click.option("--force", is_flag=True, help="Sync a stage marked `protected = true` in wstui.toml all the same.")
@follow_timeout_option
@stage_option
@project_option
def sync(stack_name: str, region: str, profile: str, endpoint_url: str, watch: bool, yes: bool, force: bool,
         follow_timeout: int, stage: str) -> None:
    """Update the stage's functions' code directly when only handler code changed; deploy otherwise."""
    project, clients = _connect(region, profile, endpoint_url, stage)
    if project.active_stage.protected and not force:
        raise UsageError(
            f"Stage {project.stage_name} is protected (protected = true in wstui.toml): deploy it with `wstui deploy`, "
            "so what runs is what CloudFormation records, or pass --force to sync it all the same."
        )
    _announce(clients, project, stack_name)
    console = _console()
    syncer = _Session(clients, stage, stack_name or project.stack_name, float(follow_timeout), yes)
    if not watch:
        if not syncer.run(console):
            raise SystemExit(1)
        return
    try:
        syncer.run(console)

        def watching() -> None:
            console.print(f"Watching {project.directory} for changes (Ctrl-C to stop).", style="dim")

        for changed in _saves(project.directory, watching):
            console.print(f"Changed: {', '.join(changed)}", style="dim")
            syncer.run(console)
    except KeyboardInterrupt:
        console.print("Stopped watching.")


class _Session:
    """What stays between two syncs of `--watch`: the clients, and the archives already read back."""

    def __init__(self, clients: AwsClients, stage: str, stack_name: str, follow_deadline: float, yes: bool) -> None:
        self.clients = clients
        self.stage = stage
        self.stack_name = stack_name
        self.follow_deadline = follow_deadline
        self.yes = yes
        self.old_archives: dict[str, dict[str, str]] = {}

    def run(self, console: Console) -> bool:
        """One sync; False when it failed. In `--watch` a failure is one line and the watching goes on."""
        from wstui.cli.deploy_render import DeployView
        from wstui.cli.remedies import said
        from wstui.cli.verbatim import verbatim
        from wstui.core.deploy.deployer import DeploySettings
        from wstui.core.deploy.sync import Syncer, TemplateChanged
        from wstui.core.errors import WstuiError
        from wstui.core.plugins.manager import plugins_for
        from wstui.core.template.builder import build_template

        view = DeployView(console)
        try:
            project = load_stage(self.stage)
            plugins = plugins_for(project)
            template = build_template(project, plugins).to_dict()
            syncer = Syncer(project, template, plugins, self.clients, self.stack_name, old_archives=self.old_archives)
            for event in syncer.sync():
                line = sync_line(event)
                if line is not None:
                    console.print(line)
                else:
                    view.show(event)  # type: ignore[arg-type]
                if isinstance(event, TemplateChanged):
                    settings = DeploySettings(self.stack_name, follow_deadline=self.follow_deadline)
                    try:
                        deploy_project(project, self.clients, settings, plan_only=False, yes=self.yes)
                    except SystemExit as exit_:
                        return exit_.code in (0, None)
        except WstuiError as error:
            view.stop()
            console.print(verbatim(said(error)), style="red")
            return False
        finally:
            view.stop()
        return True


def sync_line(event: SyncEvent) -> Text | None:
    """The sentence for a sync's own events; None for the deploy events it shares (packaging, upload)."""
    from rich.text import Text

    from wstui.cli.verbatim import verbatim
    from wstui.core.deploy.sync import CodeUpToDate, FunctionSynced, Synced, TemplateChanged

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
            return verbatim(
                f"Synced {len(event.updated)} of {len(event.updated) + len(event.unchanged)} functions of {event.stack_name} "
                f"in {event.seconds:.1f} s{unchanged}. {DRIFT_NOTE}"
            )
    return None


def _saves(directory: Path, ready: Callable[[], None]) -> Iterator[list[str]]:
    """The project's saves, one batch at a time: Python files and wstui.toml, as `wstui dev` watches them.
    `ready` runs once the watcher is in place (its first quiet tick), so a save after it is never missed."""
    from watchfiles import watch

    from wstui.core.source_watch import project_filter

    announced = False
    for changes in watch(directory, watch_filter=project_filter(directory), yield_on_timeout=True, rust_timeout=200):
        if not announced:
            announced = True
            ready()
        if changes:
            yield sorted({str(Path(path).relative_to(directory)) for _, path in changes})
