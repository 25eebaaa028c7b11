"""`wstui` with no command: read the user's config, find the project, run the app."""

from __future__ import annotations

from pathlib import Path

from wstui.core.errors import UsageError
from wstui.core.project.load import find_project_file, project_file_in
from wstui.tui.app import WstuiApp
from wstui.tui.config import config_path, load_config


def run_app(project: Path | None) -> None:
    """The project from `--project` (which must exist) or found from here; the start screen when none is."""
    start_dir = Path.cwd()
    if project is not None:
        project_dir: Path | None = project_file_in(project).parent
    else:
        try:
            project_dir = find_project_file(start_dir).parent
        except UsageError:
            project_dir = None
    WstuiApp(project_dir, start_dir, load_config(config_path())).run()
