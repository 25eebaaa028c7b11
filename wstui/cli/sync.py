"""`wstui sync`: code-only updates of a deployed stack, once or on every save (`--watch`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from wstui.cli.cloud_options import cloud_options, follow_timeout_option
from wstui.cli.deploy import _announce, _connect, _console, deploy_project
from wstui.cli.options import load_stage, project_option, stage_option
from wstui.core.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from wstui.core.deploy.aws import AwsClients


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
    from wstui.cli.sync_render import STOPPED_WATCHING, changed_line, protected_stage, watching_line
    from wstui.core.source_watch import saves

    project, clients = _connect(region, profile, endpoint_url, stage)
    if project.active_stage.protected and not force:
        raise UsageError(
            f"{protected_stage(project.stage_name)}: deploy it with `wstui deploy`, "
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
            console.print(watching_line(project.directory, "Ctrl-C"))

        for changed in saves(project.directory, watching):
            console.print(changed_line(changed))
            syncer.run(console)
    except KeyboardInterrupt:
        console.print(STOPPED_WATCHING)


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
        from wstui.cli.sync_render import sync_line
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
