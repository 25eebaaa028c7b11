"""wstui: build, run locally, deploy and talk to API Gateway WebSocket services from one terminal tool.

`from wstui import WebSocketApi, Stage` gives the Python API; it is loaded on first use so that the
command line, which imports this package, starts without it.
"""

from __future__ import annotations

from typing import Any

from wstui.core.ast_guard import serialize_ast_parsing

serialize_ast_parsing()

__version__ = "0.1.0"
__all__ = ["Stage", "WebSocketApi", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("WebSocketApi", "Stage"):
        from wstui.core import websocket_api

        return getattr(websocket_api, name)
    raise AttributeError(f"module 'wstui' has no attribute {name!r}")
