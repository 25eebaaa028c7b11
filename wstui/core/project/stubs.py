"""Stub handlers: the function a new route names, written so the route can be added at once.

The route editor offers this when a route's handler does not exist yet; validation refuses a route
whose handler is missing, so without a stub the user would have to leave the editor to write one.
"""

from __future__ import annotations

from pathlib import Path

from wstui.core.errors import UsageError
from wstui.core.files import write_atomic
from wstui.core.project.handlers import defined_names, parse_handler

STUB = '''

def {function}(event, context):
    """Serves the route that names {handler}: `event` is API Gateway's WebSocket event."""
    return {{"statusCode": 200}}
'''


def handler_is_missing(directory: Path, handler: str) -> bool:
    """True when `handler` is well formed but its module or function does not exist in the project yet."""
    ref = parse_handler(handler)
    if ref is None:
        return False
    source_file = ref.source_file(directory)
    if source_file is None:
        return True
    try:
        return ref.function not in defined_names(source_file.read_text(encoding="utf-8"))
    except (SyntaxError, OSError, UnicodeDecodeError):
        return False


def write_stub_handler(directory: Path, handler: str) -> Path:
    """Create the module (and its packages) or append the function to it; the file written."""
    ref = parse_handler(handler)
    if ref is None:
        raise UsageError(f'Handler "{handler}" must look like module:function, e.g. "handlers.chat:send_message".')
    if not handler_is_missing(directory, handler):
        raise UsageError(f'Handler "{handler}" already exists or its module does not parse: no stub written.')
    source_file = ref.source_file(directory) or ref.candidates(directory)[0]
    package = directory
    for part in ref.module.split(".")[:-1]:
        package = package / part
        package.mkdir(exist_ok=True)
        (package / "__init__.py").touch()
    existing = source_file.read_text(encoding="utf-8") if source_file.exists() else ""
    stub = STUB.format(function=ref.function, handler=handler)
    text = existing.rstrip("\n") + "\n" + stub if existing.strip() else stub.lstrip("\n")
    write_atomic(source_file, text)
    return source_file
