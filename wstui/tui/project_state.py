"""What the app remembers per project, in `.wstui/app.json`: the Console's URL, query and headers,
and the Deploy area's fields, as they were when last used (posting keeps its requests the same way).

Never a credential: a query parameter, header or URL parameter whose name says it is one
(`CREDENTIAL_NAME`: token, key, auth...) is left out, unless its value is a `${secret:NAME}`
reference. The file is the app's, written atomically; one that cannot be read is ignored with a
notice, and the next save writes it anew.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from wstui.core.files import write_atomic

STATE_FILE = Path(".wstui") / "app.json"


@dataclass
class ProjectState:
    console: dict[str, str] = field(default_factory=dict)
    """url, query, header: the Console's fields, as typed."""
    deploy: dict[str, str | bool] = field(default_factory=dict)
    """stack, region, profile, endpoint, bucket, create_bucket: the Deploy area's fields."""


def load_state(directory: Path) -> tuple[ProjectState, str]:
    """The project's remembered fields, and why none were read when the file is unusable."""
    path = directory / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ProjectState(), ""
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return ProjectState(), f"{path} was not read ({error}): the fields start as new."
    console, deploy = (data.get(part) if isinstance(data, dict) else None for part in ("console", "deploy"))
    if not isinstance(console, dict) or not isinstance(deploy, dict):
        return ProjectState(), f"{path} is not what the app writes: the fields start as new."
    return ProjectState(
        {k: v for k, v in console.items() if isinstance(v, str)},
        {k: v for k, v in deploy.items() if isinstance(v, str | bool)},
    ), ""


def save_state(directory: Path, state: ProjectState) -> str:
    """Write the state (without credentials); why it could not be, or nothing."""
    path = directory / STATE_FILE
    console = dict(state.console)
    console["url"] = _without_credentials(console.get("url", ""))
    console["query"] = "&".join(p for p in console.get("query", "").split("&") if _keep(*p.partition("=")[::2]))
    console["header"] = "; ".join(p.strip() for p in console.get("header", "").split(";") if _keep(*p.partition(":")[::2]))
    try:
        path.parent.mkdir(exist_ok=True)
        write_atomic(path, json.dumps(asdict(ProjectState(console, state.deploy)), indent=2) + "\n")
    except OSError as error:
        return f"{path} was not written: {error.strerror or error}."
    return ""


def _keep(name: str, value: str) -> bool:
    """Read when a field is saved, not at start: `wstui.core.console` brings websocket-client, which the
    app's first paint does without."""
    from wstui.core.console.credentials import SECRET_REFERENCE
    from wstui.core.console.target import CREDENTIAL_NAME

    return bool(name.strip()) and (not CREDENTIAL_NAME.search(name) or bool(SECRET_REFERENCE.fullmatch(value.strip())))


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if _keep(*p.partition("=")[::2])) if parts.query else ""
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=netloc, query=query))
