"""`wstui` with no command: read the user's config, find the project, run the app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wstui.core.errors import UsageError
from wstui.core.project.load import ProjectFile, find_project_file, project_file_in
from wstui.tui.app import WstuiApp
from wstui.tui.config import config_path, load_config

if TYPE_CHECKING:
    from wstui.core.console.target import ConnectionTarget


def run_app(project: Path | None, console_start: ConnectionTarget | None = None) -> None:
    """The project from `--project` (which must exist) or found from here; the start screen when none is.
    With `console_start` (`wstui console`), the app opens on the Console area connecting there, with or
    without a project.

    A wstui.toml that is not TOML stops here with the CLI's message; one that does not validate opens,
    and the Routes area shows its problems.
    """
    start_dir = Path.cwd()
    if project is not None:
        project_dir: Path | None = project_file_in(project).parent
    else:
        try:
            project_dir = find_project_file(start_dir).parent
        except UsageError:
            project_dir = None
    if project_dir is not None:
        ProjectFile.open(project_dir)
    app = WstuiApp(project_dir, start_dir, load_config(config_path()), console_start)
    app.run()
    # As after `wstui dev`: a handler thread still running past its timeout cannot be stopped and
    # would keep the process alive; the gateway is stopped and the terminal restored by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.return_code or 0)
