"""The whole local service in one process: the local AWS (moto: DynamoDB and the stack of what plugins
add), the handler runtime, the gateway, the reloader.

Built from the synthesized template, so `wstui dev` runs what `wstui deploy` would deploy. The
reloader watches the project's Python files (handlers are imported afresh) and its wstui.toml (the
new configuration is applied to the running gateway, see `live_config`).
"""

from __future__ import annotations

import asyncio
import gc
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wstui.core.errors import UnexpectedError, WstuiError
from wstui.core.local.activity import (
    ConfigApplied,
    ConfigNeedsRestart,
    ConfigRefused,
    GatewayEvent,
    HandlersReloaded,
    Notice,
    ServiceStarted,
)
from wstui.core.local.dynamodb import LOCAL_CREDENTIALS, LocalDynamoDB, local_client
from wstui.core.local.dynamodb_transport import LocalDynamoDBTransport
from wstui.core.local.gateway import Gateway, Limits
from wstui.core.local.intercept import ManagementIntercept
from wstui.core.local.isolation import Isolation
from wstui.core.local.live_config import LiveConfig, compare, one_line, read_live_config
from wstui.core.local.local_aws import LocalAws, Stop, plugin_values, start_plugins
from wstui.core.local.runtime import HandlerRuntime
from wstui.core.local.spec import LocalSpec, local_spec
from wstui.core.local.stack import LocalStack, create_stack
from wstui.core.project.latency import describe_latency, resolve_latency
from wstui.core.project.load import PROJECT_FILE
from wstui.core.project.model import LatencySettings, Project

if TYPE_CHECKING:
    import pluggy


def local_build(project: Project) -> tuple[dict[str, Any], pluggy.PluginManager]:
    """The template `wstui dev` runs, built for the local target, and the plugins that built it: the
    same ones are asked for local values and started, so a plugin's module state carries over."""
    from wstui.core.plugins.hookspecs import LOCAL
    from wstui.core.plugins.manager import plugins_for
    from wstui.core.template.builder import build_template

    plugins = plugins_for(project)
    return build_template(project, plugins, LOCAL).to_dict(), plugins


@dataclass(frozen=True)
class DevOptions:
    host: str = "127.0.0.1"
    port: int = 3001
    limits: Limits = Limits()
    reload: bool = True
    workers: int = 64
    latency: str | None = None
    """A latency profile's name (`wstui dev --latency`); None: what wstui.toml's [dev] latency says."""


class LocalService:
    """Start with `await start()`, stop with `await stop()`; events go to `emit` as they happen.

    `parameters` gives the template's parameters their values, as `wstui deploy` gives them to
    CloudFormation: the project's secrets (`secret_parameters`). `plugins` (those that built the
    template, see `local_build`) are asked for local values and started with the service. `environ`
    is where an edited wstui.toml's secrets are read from, besides `.wstui/secrets.toml` (the CLI and
    the app give the process's environment).
    """

    def __init__(
        self,
        project: Project,
        template: dict,
        options: DevOptions,
        emit: Callable[[GatewayEvent], None],
        parameters: Mapping[str, str] | None = None,
        plugins: pluggy.PluginManager | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.project = project
        self.environ = dict(environ or {})
        self.options = options
        self.emit = emit
        self.plugins = plugins
        provided = plugin_values(plugins, project, template) if plugins is not None else {}
        region = project.project.region
        self.spec: LocalSpec = local_spec(template, project.project.name, parameters, provided, region)
        self.stack: LocalStack | None = None
        self._stops: list[Stop] = []
        self._stopped = False
        self.dynamodb = LocalDynamoDB(region=project.project.region)
        self.runtime = HandlerRuntime(project.directory, project.project.region, options.workers)
        self.gateway = Gateway(self.spec, self.runtime, emit, options.limits)
        self.url = ""
        self._isolation: Isolation | None = None
        self._intercept: ManagementIntercept | None = None
        self._transport: LocalDynamoDBTransport | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._stop_watching = asyncio.Event()
        self._gc_thresholds: tuple[int, int, int] | None = None
        self._config_refused = False
        self._set_latency(project.dev.latency if options.latency is None else options.latency)

    def _set_latency(self, setting: str | LatencySettings) -> None:
        """Give every part that waits its figure of the profile (in seconds); the next call takes it."""
        self.latency = resolve_latency(setting)
        self.latency_text = describe_latency(setting)
        self.runtime.cold_start = self.latency.cold_start_ms / 1000
        self.gateway.hop = self.latency.integration_ms / 1000
        self.gateway.management.delay = self.latency.connections_ms / 1000
        if self._transport is not None:
            self._transport.delay = self.latency.dynamodb_ms / 1000

    async def start(self) -> str:
        """The developer's AWS_* settings are hidden first, so nothing below can reach a real account
        (or fail on a profile that does not exist). moto starts from this thread: the child process
        is tied to the thread that starts it. A start that fails stops what it started."""
        try:
            return await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> str:
        loop = asyncio.get_running_loop()
        shared: dict[str, str] = {}
        self._isolation = Isolation(shared)
        self._isolation.install()
        dynamodb_url = self.dynamodb.start()
        shared.update(self._shared_environment(dynamodb_url, ""))
        await loop.run_in_executor(None, self.dynamodb.create_tables, self.spec.tables)
        if self.spec.stack or self.spec.pending:
            await loop.run_in_executor(None, self._create_stack, dynamodb_url)
        if self.plugins is not None:
            local = LocalAws(
                dynamodb_url, self.project.project.region, self.stack.resources if self.stack else {},
                {logical: dict(function.environment) for logical, function in self.spec.functions.items()},
            )
            self._stops = await loop.run_in_executor(None, start_plugins, self.plugins, self.project, local)
        self.url = await self.gateway.start(self.options.host, self.options.port)
        management_url = f"http://{self.gateway.domain_name}/{self.spec.stage}"
        shared.update(self._shared_environment(dynamodb_url, management_url))
        self._intercept = ManagementIntercept(
            self.gateway.domain_name, self.spec.stage, self.gateway.management.manage, self.gateway.management.post_from_thread, loop
        )
        self._intercept.install()
        self._transport = LocalDynamoDBTransport(dynamodb_url, self.latency.dynamodb_ms / 1000)
        self._transport.install()
        await loop.run_in_executor(None, _warm_boto3, management_url)
        self.runtime.start([function.module for function in self.spec.functions.values()])
        if self.options.reload:
            self._watcher = asyncio.create_task(self._watch())
            # One turn of the loop runs the task up to its first wait, by which watchfiles has its watches in
            # place: a save made as soon as the URL is printed is seen (in a fresh venv it was missed).
            await asyncio.sleep(0)
        self._gc_thresholds = _settle_garbage_collector()
        self.emit(ServiceStarted(self.url, management_url, dynamodb_url, self.latency_text))
        if not _is_loopback(self.options.host):
            self.emit(Notice(f"Listening on {self.options.host}: other machines on the network can connect."))
        return self.url

    def _create_stack(self, url: str) -> None:
        """Have moto's CloudFormation create what plugins added; the functions' environment values that
        name those resources are known from then on."""
        client = local_client("cloudformation", url, self.project.project.region)
        self.stack, self.spec = create_stack(client, self.project.project.name, self.spec)
        self.gateway.spec = self.spec
        for logical, kind in sorted(self.stack.skipped.items()):
            self.emit(Notice(f"{logical} ({kind}) is not in the local AWS: moto's CloudFormation does not support {kind}."))

    def _shared_environment(self, dynamodb_url: str, management_url: str) -> dict[str, str]:
        """What every local function sees, whatever its own environment: local endpoints, no real account."""
        region = self.project.project.region
        return {
            **LOCAL_CREDENTIALS,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ENDPOINT_URL": dynamodb_url,
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url,
            "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI": management_url,
        }

    async def stop(self) -> None:
        """Stop everything that was started, once; what plugins started stops after the gateway (the
        last $disconnect calls may still need it) and before the local AWS."""
        if self._stopped:
            return
        self._stopped = True
        self._stop_watching.set()
        if self._watcher is not None:
            await asyncio.wait([self._watcher], timeout=2)
        await self.gateway.stop()
        self.runtime.close()
        await asyncio.get_running_loop().run_in_executor(None, self._stop_plugins)
        if self._intercept is not None:
            self._intercept.uninstall()
        if self._transport is not None:
            self._transport.uninstall()
        if self._isolation is not None:
            self._isolation.uninstall()
        await asyncio.get_running_loop().run_in_executor(None, self.dynamodb.stop)
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            gc.unfreeze()
            self._gc_thresholds = None

    async def _watch(self) -> None:
        from watchfiles import awatch

        from wstui.core.source_watch import project_filter

        directory = self.project.directory
        project_file = directory / PROJECT_FILE
        async for changes in awatch(directory, watch_filter=project_filter(directory), stop_event=self._stop_watching):
            paths = {Path(path) for _, path in changes}
            sources = sorted(str(path.relative_to(directory)) for path in paths - {project_file})
            if sources:
                modules = self.runtime.reload()
                self.emit(HandlersReloaded(tuple(sources), tuple(modules)))
            # wstui.toml is checked against the handler files: one refused for a handler not yet
            # written is tried again when a source file changes.
            if project_file in paths or (sources and self._config_refused):
                await self.reconfigure()

    async def reconfigure(self) -> GatewayEvent:
        """Read wstui.toml again and apply it to the running gateway as far as it can be without a
        restart (see `live_config`); the event says what happened, and is emitted too."""
        running = LiveConfig(self.project, self.spec)
        event: GatewayEvent
        try:
            edited = await asyncio.get_running_loop().run_in_executor(
                None, read_live_config, self.project.directory, self.environ, self.project.selected_stage
            )
        except WstuiError as error:
            event = ConfigRefused(one_line(error, self.project.directory))
        except Exception as error:  # noqa: BLE001 (a plugin's bug, say: the running configuration stays)
            event = ConfigRefused(one_line(UnexpectedError(error), self.project.directory))
        else:
            change = compare(running, edited)
            restart = change.restart + (("resources plugins added, which the local AWS made at start",) if self.stack is not None else ())
            if restart:
                event = ConfigNeedsRestart(restart)
            else:
                applied = change.applied
                if self.options.latency is None and edited.project.dev.latency != self.project.dev.latency:
                    self._set_latency(edited.project.dev.latency)
                    applied += (f"latency: {self.latency_text}",)
                self.project, self.spec = edited.project, edited.spec
                self.gateway.spec = edited.spec
                event = ConfigApplied(applied)
        self._config_refused = isinstance(event, ConfigRefused)
        self.emit(event)
        return event


    def _stop_plugins(self) -> None:
        stops, self._stops = self._stops, []
        for stop in reversed(stops):
            try:
                stop()
            except Exception as error:  # noqa: BLE001 (one plugin's failed cleanup must not keep the rest running)
                self.emit(Notice(f"A plugin's wstui_local_start cleanup {getattr(stop, '__qualname__', stop)!s} failed: {error!r}"))


def _warm_boto3(management_url: str) -> None:
    """Load the service models handlers use into boto3's default session once, before any handler runs.

    Every Lambda instance pays this on its cold start; here all functions share one process, and fifty
    handshakes arriving together would each load the models at once, fighting over one interpreter
    lock for seconds.
    """
    import boto3

    boto3.resource("dynamodb")
    boto3.client("apigatewaymanagementapi", endpoint_url=management_url)


def _settle_garbage_collector() -> tuple[int, int, int]:
    """Every request allocates thousands of short-lived objects (botocore's above all), so Python's
    collector ran often, and each full pass walked everything loaded at start (boto3's models) and
    every open connection. What exists once the service has started is kept out of its passes, and
    young collections run less often: broadcast to 1,000 went from 370 to 335 ms median (p95 from
    450 to 400). Returns the thresholds to restore."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 50, 50)
    return previous


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
