"""What a project change does to the CloudFormation template: resources added, removed and changed.

The route editor previews this before a change is saved, so a user sees that renaming a route
replaces its Route resource and redeploys the stage, not only that a line of wstui.toml moved.
Templates are compared as the plain dicts `Synthesized.to_dict()` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wstui.core.project.load import DraftProjectFile, ProjectFile
from wstui.core.project.model import Project


@dataclass(frozen=True)
class ResourceChange:
    logical_id: str
    resource_type: str


@dataclass(frozen=True)
class TemplateDiff:
    added: tuple[ResourceChange, ...] = ()
    removed: tuple[ResourceChange, ...] = ()
    changed: tuple[ResourceChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_templates(before: dict[str, Any], after: dict[str, Any]) -> TemplateDiff:
    """Resources by logical id: in `after` only, in `before` only, and in both with another definition."""
    old = before.get("Resources", {})
    new = after.get("Resources", {})

    def changes(ids: list[str], resources: dict[str, Any]) -> tuple[ResourceChange, ...]:
        return tuple(ResourceChange(i, str(resources[i].get("Type", ""))) for i in sorted(ids))

    return TemplateDiff(
        added=changes([i for i in new if i not in old], new),
        removed=changes([i for i in old if i not in new], old),
        changed=changes([i for i in new if i in old and new[i] != old[i]], new),
    )


@dataclass(frozen=True)
class EditPreview:
    """An edit run on a draft: the document to save if the user confirms, and what it does to the template."""

    draft: DraftProjectFile
    diff: TemplateDiff


def preview_edit(project_file: ProjectFile, edit: Callable[[ProjectFile], Project]) -> EditPreview:
    """What `edit` (one of the edits of `wstui.core.project.routes`) would do to the template, file untouched.

    Raises what the edit raises when it would be refused, so a form can show that instead.
    """
    from wstui.core.template import synthesize

    draft = DraftProjectFile.of(project_file)
    after = edit(draft)
    return EditPreview(draft, diff_templates(synthesize(project_file.project).to_dict(), synthesize(after).to_dict()))


def save_edit(project_file: ProjectFile, edit: Callable[[ProjectFile], Project]) -> Project:
    """Run `edit` and save it only if the project it leaves still builds a template: an edit that
    would pass one of CloudFormation's limits, or fail a plugin's check, is refused before it is
    written, not found later by `wstui synth`."""
    from wstui.core.template import synthesize

    draft = DraftProjectFile.of(project_file)
    synthesize(edit(draft))
    return project_file.save(draft.document)
