"""The code archive every function of the stack runs from.

Deterministic on purpose: sorted entries, one fixed timestamp, normalised permissions. The same source
gives the same sha256, so the S3 key (which is that hash) stays the same, CloudFormation sees no change,
and an unchanged project deploys nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wstui.core.deploy.archive_contents import PackagingError, project_files
from wstui.core.deploy.events import ArchivedFile
from wstui.core.deploy.sizes import size_text
from wstui.core.errors import UsageError
from wstui.core.project.model import Project

if TYPE_CHECKING:
    import pluggy

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# What the Lambda Python runtime already has: listing these in requirements.txt vendors nothing.
RUNTIME_PACKAGES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six"})
LAMBDA_PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
# Lambda's limit for a function's code unzipped (250 MB), the same for a zip it reads from S3 (the 50 MB
# zipped limit is for direct uploads, which wstui does not make).
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
BIGGEST_NAMED = 5


@dataclass(frozen=True)
class CodeArchive:
    """`listing`: the project's and the plugins' files with their sizes; the vendored packages' files
    are only counted in `files`, being many and not the user's."""

    body: bytes
    sha256: str
    files: int
    vendored: tuple[str, ...]
    listing: tuple[ArchivedFile, ...] = ()

    @property
    def size(self) -> int:
        return len(self.body)


def plugged_archive(project: Project, plugins: pluggy.PluginManager) -> CodeArchive:
    """The archive a deploy or a sync sends: the project's files less what plugins exclude, and the
    files plugins add."""
    extra = [pair for pairs in plugins.hook.wstui_archive_files(project=project) for pair in pairs or []]
    excluded = [
        pattern for patterns in plugins.hook.wstui_archive_exclude(project=project)
        for pattern in ([patterns] if isinstance(patterns, str) else patterns or [])
    ]
    return build_archive(project, extra, excluded=excluded)


def build_archive(
    project: Project, extra: Iterable[tuple[str, Path]] = (), cache: Path | None = None, excluded: Iterable[str] = ()
) -> CodeArchive:
    """Zip what the functions need of the project (`archive_contents`) less what plugins exclude
    (`excluded` patterns), what plugins add (`extra`), and the requirements the runtime lacks."""
    directory = project.directory.resolve()
    own: dict[str, Path] = dict(project_files(project, excluded))
    for name, path in extra:
        own[_archive_name(name)] = path
    entries: dict[str, Path] = {}
    requirements = needed_requirements(directory / "requirements.txt")
    if requirements:
        vendor = vendor_requirements(project, requirements, cache or directory / ".wstui" / "build")
        entries.update(vendored_files(vendor))
    entries.update(own)
    _check_unzipped_size(entries)
    buffer = io.BytesIO()
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            path = entries[name]
            try:
                data = path.read_bytes()
                executable = bool(path.stat().st_mode & 0o111)
            except OSError as error:
                raise PackagingError(f"Cannot read {path} for the code archive: {error.strerror}.") from None
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(info, data)
            sizes[name] = len(data)
    body = buffer.getvalue()
    listing = tuple(ArchivedFile(name, sizes[name]) for name in sorted(own))
    return CodeArchive(body, hashlib.sha256(body).hexdigest(), len(entries), tuple(requirements), listing)


def _check_unzipped_size(entries: dict[str, Path]) -> None:
    """Lambda refuses code over its limit only when CloudFormation creates the function, minutes into
    a deploy and after the upload: say so before anything is read or sent, naming the files to leave out.
    A file that cannot be read counts as empty here; zipping it says why it cannot be read."""
    sizes: dict[str, int] = {}
    for name, path in entries.items():
        try:
            sizes[name] = path.stat().st_size
        except OSError:
            sizes[name] = 0
    total = sum(sizes.values())
    if total <= LAMBDA_UNZIPPED_LIMIT:
        return
    biggest = sorted(sizes.items(), key=lambda item: (-item[1], item[0]))[:BIGGEST_NAMED]
    named = ", ".join(f"{name} ({size_text(size)})" for name, size in biggest)
    raise PackagingError(
        f"The code archive would hold {size_text(total)} ({total:,} bytes) unzipped, over the {LAMBDA_UNZIPPED_LIMIT:,} "
        f"bytes (250 MB) Lambda takes for a function's code: the biggest files are {named}. Keep large files out with "
        "[package] exclude or .gitignore (a function can fetch data from S3 when it runs), or trim requirements.txt."
    )


def vendored_files(root: Path) -> list[tuple[str, Path]]:
    """(name in the archive, file) for the installed requirements: all of them but byte code."""
    found: list[tuple[str, Path]] = []
    for current, directories, files in os.walk(root):
        here = Path(current)
        directories[:] = sorted(name for name in directories if name != "__pycache__")
        found.extend(
            ((here / name).relative_to(root).as_posix(), here / name)
            for name in sorted(files) if not name.endswith((".pyc", ".pyo"))
        )
    return found


def _archive_name(name: str) -> str:
    clean = Path(name).as_posix().lstrip("/")
    if not clean or ".." in Path(clean).parts:
        raise UsageError(f"A plugin asked to put {name!r} in the code archive: names must be relative paths inside it.")
    return clean


def needed_requirements(path: Path) -> list[str]:
    """The requirement lines the Lambda runtime does not satisfy by itself."""
    if not path.is_file():
        return []
    needed = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name = re.split(r"[\s<>=!~;\[@]", line, maxsplit=1)[0].lower().replace("_", "-")
        if name not in RUNTIME_PACKAGES:
            needed.append(line)
    return needed


def vendor_requirements(project: Project, requirements: list[str], cache: Path) -> Path:
    """Install the requirements for Lambda's platform into a directory kept per their content, so a
    second deploy with the same requirements runs no pip at all."""
    runtime = project.functions.runtime
    version = runtime.removeprefix("python")
    platform = LAMBDA_PLATFORMS.get(project.functions.architecture, LAMBDA_PLATFORMS["x86_64"])
    listing = "\n".join(requirements) + "\n"
    digest = hashlib.sha256(f"{runtime} {platform}\n{listing}".encode()).hexdigest()[:16]
    target = cache / f"vendor-{digest}"
    wanted = cache / f"vendor-{digest}.txt"
    complete = cache / f"vendor-{digest}.complete"
    if complete.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    wanted.write_text(listing, encoding="utf-8")
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(target), "--platform", platform, "--implementation", "cp", "--python-version", version,
        "--only-binary=:all:", "--upgrade", "-r", str(wanted),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise PackagingError(f"Cannot install requirements.txt for Lambda ({runtime}, {platform}): {last}")
    complete.write_text("")
    return target
