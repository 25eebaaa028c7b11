"""Find, read, validate and write `wstui.toml`.

The file is kept as a tomlkit document so that an edit made by wstui changes only what it must and
keeps the user's comments, blank lines and key order. Every write validates the edited document
first and replaces the file atomically (`wstui.core.files`), so a refused or interrupted edit never
loses data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.toml_document import TOMLDocument

from wstui.core.errors import Problem, ProjectError, Remedy, UsageError
from wstui.core.files import write_atomic
from wstui.core.project.locate import located
from wstui.core.project.model import Project
from wstui.core.project.schema import SchemaProblem, read_dataclass
from wstui.core.project.validate import validate_project

PROJECT_FILE = "wstui.toml"


class ProjectNotFound(UsageError):
    """No `wstui.toml` here or above: most commands need one; some (the console) can do without."""


def find_project_file(start: Path) -> Path:
    """The nearest `wstui.toml` in `start` or a parent directory."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / PROJECT_FILE
        if candidate.is_file():
            return candidate
    raise ProjectNotFound(
        f"No {PROJECT_FILE} in {start} or any parent directory.", Remedy.OPEN_PROJECT
    )



def project_file_in(directory: Path | None) -> Path:
    """The project file for `--project DIR`, or the nearest one from the current directory.

    The folder is resolved but not the file: a `wstui.toml` that is a link to a file kept elsewhere
    still belongs to the project beside the link, whose handlers it names.
    """
    if directory is None:
        return find_project_file(Path.cwd())
    if directory.is_file() and directory.name == PROJECT_FILE:
        return directory.parent.resolve() / PROJECT_FILE
    candidate = directory / PROJECT_FILE
    if not candidate.is_file():
        raise UsageError(f"No {PROJECT_FILE} in {directory}.")
    return directory.resolve() / PROJECT_FILE


@dataclass
class ProjectFile:
    """A `wstui.toml` on disk: its editable document, and the validated project it describes.

    Opening checks only the TOML syntax, so that an edit can repair a project that does not validate
    (adding the first route, say); `project` validates, and so does every save.
    """

    path: Path
    document: TOMLDocument
    read_text: str | None = None  # the file as it was read: a save checks nobody changed it since

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def project(self) -> Project:
        return project_from_document(self.document, self.path)

    @classmethod
    def open(cls, directory: Path | None = None) -> ProjectFile:
        path = project_file_in(directory)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"Cannot read {path}: {error}.") from None
        return cls(path, parse_document(text, path), text)

    def reread(self) -> ProjectFile:
        """The same file as it is on disk now (a hand edit may have changed it since it was read)."""
        return ProjectFile.open(self.directory)

    def save(self, document: TOMLDocument) -> Project:
        """Validate `document` as the new content of this file, then write it; the file is untouched on error."""
        project = self.validate_edit(document)
        if self.read_text is not None and self._text_on_disk() != self.read_text:
            raise UsageError(
                f"Not saved: {self.path} changed on disk after wstui read it (a hand edit?), and saving would "
                "undo that change. Make the edit again: it will apply to the file as it is now."
            )
        text = tomlkit.dumps(document)
        write_atomic(self.path, text)
        self.document = document
        self.read_text = text
        return project

    def _text_on_disk(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def validate_edit(self, document: TOMLDocument) -> Project:
        """The project an edited `document` describes, or ProjectError saying the edit would not be saved."""
        try:
            return project_from_document(document, self.path)
        except ProjectError as error:
            # Lines of a document that was never written would point at the wrong places in the file.
            problems = [Problem(p.message, p.file, remedies=p.remedies) for p in error.problems]
            raise ProjectError(problems, headline=f"Not saved: the change would leave {self.path.name} invalid.") from None


class DraftProjectFile(ProjectFile):
    """A copy of a project file whose saves validate and keep the document but write nothing.

    Running an edit on a draft shows what it would do (or why it is refused) before the real file changes.
    """

    @classmethod
    def of(cls, project_file: ProjectFile) -> DraftProjectFile:
        return cls(project_file.path, project_file.document)

    def save(self, document: TOMLDocument) -> Project:
        project = self.validate_edit(document)
        self.document = document
        return project


def parse_document(text: str, path: Path) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except ParseError as error:
        reason = str(error).split(" at line ")[0]
        raise ProjectError([Problem(f"TOML syntax error: {reason} (column {error.col}).", path, error.line)]) from None


def project_from_document(document: TOMLDocument, path: Path) -> Project:
    """The validated project a document describes, or a ProjectError naming every problem with its line."""
    problems: list[SchemaProblem] = []
    project = read_dataclass(Project, document.unwrap(), (), problems)
    if project is not None:
        project.directory = path.parent
        project.source = path
        problems.extend(validate_project(project))
    if problems:
        raise ProjectError(located(problems, tomlkit.dumps(document), path))
    assert project is not None
    return project


def load_project(directory: Path | None = None) -> Project:
    """The validated project at `directory` (or the nearest one from the current directory)."""
    return ProjectFile.open(directory).project
