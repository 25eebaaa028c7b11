"""What `wstui dev`, `wstui sync --watch` and the app's Sync watch watch: the project's Python files and
its wstui.toml, not those of a virtual environment kept inside it, nor `.wstui/`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from wstui.core.project.load import PROJECT_FILE


def project_filter(directory: Path) -> Any:
    """A watchfiles filter (imported here, when watching starts) for the project in `directory`."""
    from watchfiles import Change, PythonFilter

    project_file = directory / PROJECT_FILE

    class ProjectFilter(PythonFilter):
        ignore_dirs = (*PythonFilter.ignore_dirs, "venv", "env", "site-packages", ".wstui")

        def __call__(self, change: Change, path: str) -> bool:
            return Path(path) == project_file or super().__call__(change, path)

    return ProjectFilter()


def saves(directory: Path, ready: Callable[[], None], stop: threading.Event | None = None) -> Iterator[list[str]]:
    """The project's saves, one batch at a time (paths relative to `directory`), until `stop` is set.
    `ready` runs once the watcher is in place (its first quiet tick), so a save after it is never missed."""
    from watchfiles import watch

    announced = False
    for changes in watch(directory, watch_filter=project_filter(directory), yield_on_timeout=True, rust_timeout=200,
                         stop_event=stop):
        if not announced:
            announced = True
            ready()
        if changes:
            yield sorted({str(Path(path).relative_to(directory)) for _, path in changes})
