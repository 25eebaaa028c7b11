"""What `wstui dev` and `wstui sync --watch` watch: the project's Python files and its wstui.toml, not
those of a virtual environment kept inside it, nor `.wstui/`."""

from __future__ import annotations

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
