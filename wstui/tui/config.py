"""The user's settings for the app, from `$XDG_CONFIG_HOME/wstui/config.toml` (default `~/.config/wstui/`).

A config file that cannot be read, or holds a wrong value, never stops the app: the bad part is
ignored and reported as a notification, the rest applies. A theme picked in the palette is written
back to the file (`save_theme`), keeping its comments; a file that cannot be read is left as it is.

```toml
theme = "gruvbox"          # any Textual theme name (ctrl+p, "Theme", lists them)
cursor_blink = false       # whether text cursors blink
local_port = 3001          # the port the Local area starts the gateway on

[keys]                     # binding id = key(s), comma-separated
"app.routes" = "f2,ctrl+r"
"routes.add" = "n"
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_THEME = "textual-dark"
DEFAULT_PORT = 3001


@dataclass(frozen=True)
class UserConfig:
    """Settings with their defaults; `problems` says what in the file was ignored and why."""

    theme: str = DEFAULT_THEME
    """Textual theme name."""
    cursor_blink: bool = True
    """Whether text cursors blink (snapshot tests switch it off)."""
    local_port: int = DEFAULT_PORT
    """Port the Local area offers for the gateway."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, applied with `App.set_keymap`."""
    problems: tuple[str, ...] = ()
    path: Path | None = None
    """Where the settings were read from, and where a theme picked in the app is saved; None saves nothing."""


def config_path(environ: dict[str, str] | None = None) -> Path:
    environ = dict(os.environ) if environ is None else environ
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "wstui" / "config.toml"


def load_config(path: Path) -> UserConfig:
    """The config at `path`; defaults when it does not exist."""
    if not path.is_file():
        return UserConfig(path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return UserConfig(problems=(f"{path} was not read ({error}): using the defaults.",))
    return replace(read_config(data, str(path)), path=path)


def save_theme(path: Path, theme: str) -> str:
    """Set `theme` in the config file, keeping the rest as written; why it was not saved, or nothing."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    from wstui.core.files import write_atomic

    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
        document["theme"] = theme
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, tomlkit.dumps(document))
    except (OSError, UnicodeDecodeError, ParseError) as error:
        return f"The theme was not saved in {path} ({error})."
    return ""


def read_config(data: dict[str, Any], source: str) -> UserConfig:
    problems: list[str] = []

    def setting(name: str, kind: type, default: Any) -> Any:
        value = data.get(name, default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"{source}: {name} must be a {kind.__name__}, not {value!r}; using {default!r}.")
            return default
        return value

    port = setting("local_port", int, DEFAULT_PORT)
    if not 0 <= port <= 65535:
        problems.append(f"{source}: local_port must be 0 to 65535, not {port}; using {DEFAULT_PORT}.")
        port = DEFAULT_PORT
    keys: dict[str, str] = {}
    for binding_id, value in setting("keys", dict, {}).items():
        if isinstance(value, str) and value.strip():
            keys[binding_id] = value
        else:
            problems.append(f"{source}: keys.{binding_id} must be keys such as \"f2\" or \"ctrl+r,f2\".")
    known = {"theme", "cursor_blink", "local_port", "keys"}
    problems.extend(f"{source}: unknown setting {name!r} ignored." for name in data if name not in known)
    return UserConfig(
        theme=setting("theme", str, DEFAULT_THEME),
        cursor_blink=setting("cursor_blink", bool, True),
        local_port=port,
        keys=keys,
        problems=tuple(problems),
    )
