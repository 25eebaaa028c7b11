"""Project -> troposphere CloudFormation template."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wstui.core.plugins.hookspecs import Target
    from wstui.core.project.model import Project
    from wstui.core.template.builder import Synthesized


def synthesize(project: Project, target: Target = "cloud") -> Synthesized:
    """The template of `project`, with every plugin it uses applied, built for `target`."""
    from wstui.core.plugins.manager import plugins_for
    from wstui.core.template.builder import build_template

    return build_template(project, plugins_for(project), target)
