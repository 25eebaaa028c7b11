"""The warm handler runtime, apart from the gateway."""

from __future__ import annotations

from pathlib import Path

from botocore.config import Config

from wstui.core.local.runtime import HandlerRuntime


def test_clients_made_while_it_runs_keep_a_connection_per_handler_thread(tmp_path: Path) -> None:
    before = Config.OPTION_DEFAULTS["max_pool_connections"]
    runtime = HandlerRuntime(tmp_path, "us-east-1", max_workers=48)
    runtime.start([])
    try:
        assert Config().max_pool_connections == 48
    finally:
        runtime.close()
    assert Config.OPTION_DEFAULTS["max_pool_connections"] == before
