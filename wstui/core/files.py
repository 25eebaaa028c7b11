"""Writing the files wstui keeps for the user: `wstui.toml`, `.wstui/outputs.json`, handler stubs.

A crash, a full disk or a power cut while one of them is written must leave the old file or the new
one, never half of either: the content goes to a temporary file beside the real one, which is synced,
renamed over it, and the folder synced so that the rename itself is on disk.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from wstui.core.errors import UsageError


def write_atomic(path: Path, data: str | bytes, new_file_mode: int = 0o666) -> None:
    """Replace the content of `path` with `data` (text as UTF-8): all of it or none of it, durably.

    A symbolic link is written through: its target gets the new content and the link stays a link,
    so a project file kept elsewhere and linked into the project is edited where it lives. An existing
    file keeps its permission bits (a 0600 file stays 0600) but for its owner's read and write, which
    it always gets: a file its owner cannot read back is lost to wstui (a 000 file becomes 0600). A new
    one gets `new_file_mode` less the umask's bits (0600 for a file of secrets, readable by its owner
    alone from the first byte).
    UsageError names the path when it cannot be written.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _replace(Path(os.path.realpath(path)), content, new_file_mode)
    except OSError as error:
        raise UsageError(f"Cannot write {path}: {error.strerror or error}.") from None


def _replace(real: Path, content: bytes, new_file_mode: int) -> None:
    try:
        mode: int | None = stat.S_IMODE(real.stat().st_mode) | stat.S_IRUSR | stat.S_IWUSR
    except FileNotFoundError:
        mode = None
    temporary = real.with_name(f".{real.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, new_file_mode if mode is None else mode)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(real.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable: until the folder's entry is on disk, a crash can undo it."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
