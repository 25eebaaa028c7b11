"""`wstui dev`: run the service on this machine and print what happens in it."""

from __future__ import annotations

import os

import click

from wstui.cli.options import load_stage, project_option, stage_option
from wstui.core.project.latency import PROFILES


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3001, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--idle-timeout", type=click.FloatRange(min=0, min_open=True), default=600, show_default=True,
              help="Seconds without traffic before a connection is closed (1001).")
@click.option("--hard-timeout", type=click.FloatRange(min=0, min_open=True), default=7200, show_default=True,
              help="Seconds a connection may last at most (1001).")
@click.option("--connection-rate", type=click.IntRange(min=1), default=500, show_default=True,
              help="New connections accepted per second; beyond, 429 as API Gateway's quota. Raise it for load tests.")
@click.option("--workers", type=click.IntRange(min=1), default=64, show_default=True,
              help="Handlers that run at once. Work that waits past its timeout for a free one never runs.")
@click.option("--no-reload", is_flag=True, help="Do not reload handlers when project files change.")
@click.option("--latency", type=click.Choice(sorted(PROFILES)), default=None,
              help="Add the cloud's delays (@connections, DynamoDB, cold start, integration hop). "
                   "Default: [dev] latency in wstui.toml, else off.")
@stage_option
@project_option
def dev(host: str, port: int, idle_timeout: float, hard_timeout: float, connection_rate: int, workers: int, no_reload: bool,
        latency: str | None, stage: str) -> None:
    """Run the WebSocket API locally: gateway, handlers and DynamoDB, no AWS account.

    The URL's path is the stage; the functions get the stage's memory, timeout and environment."""
    import asyncio
    import signal

    from wstui.cli.dev_render import render
    from wstui.cli.signals import receive_signals
    from wstui.core.local.gateway import Limits
    from wstui.core.local.ports import free_port_after
    from wstui.core.local.service import DevOptions, LocalService, local_build
    from wstui.core.project.secrets import secret_parameters

    project = load_stage(stage)
    template, plugins = local_build(project)
    parameters = secret_parameters(project, os.environ)
    limits = Limits(idle_timeout=idle_timeout, hard_timeout=hard_timeout, new_connections_per_second=connection_rate)
    options = DevOptions(host, port, limits, not no_reload, workers, latency)
    stream = click.get_text_stream("stdout")

    def echo(text: str) -> None:
        """Unbuffered, so the URL on the first line reaches a script reading this output at once.
        A reader that went away (`wstui dev | head -1`) just stops the log, not the service."""
        try:
            stream.write(text)
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass

    async def run() -> int:
        service = LocalService(project, template, options, lambda event: render(event, echo), parameters,
                               plugins=plugins, environ=os.environ)
        stopping = asyncio.Event()

        def on_signal(_signum: int) -> None:
            """The first Ctrl-C stops in order; a second one does not wait for the rest of that."""
            if not stopping.is_set():
                stopping.set()
                return
            service.dynamodb.stop()
            echo("Stopped at once: the $disconnect calls and clean-ups still under way did not finish.\n")
            os._exit(130)

        with receive_signals(asyncio.get_running_loop(), (signal.SIGINT, signal.SIGTERM), on_signal):
            return await serve(service, stopping)

    async def serve(service: LocalService, stopping: asyncio.Event) -> int:
        try:
            await service.start()
        except OSError as error:
            await service.stop()
            free = free_port_after(host, port) if port else None
            other = f"`wstui dev --port {free}` ({free} is free now), or " if free else ""
            raise click.ClickException(
                f"Cannot listen on {host}:{port}: {error.strerror}. Run {other}`wstui dev --port 0` for any free port."
            ) from None
        await stopping.wait()
        echo("Stopping: closing connections... (Ctrl-C again to stop at once)\n")
        try:
            await service.stop()
        except Exception as error:  # noqa: BLE001 (the exit code reports it; there is nothing left to protect)
            echo(f"Stopping failed: {error!r}\n")
            return 1
        echo("Stopped.\n")
        return 0

    status = asyncio.run(run())
    # A handler thread still running past its timeout cannot be stopped, and would keep the process
    # alive (seeing the real environment again): end the process now that everything is closed.
    os._exit(status)
