"""`wstui synth`: print or write the CloudFormation template."""

from __future__ import annotations

from pathlib import Path

import click

from wstui.cli.options import load_stage, project_option, stage_option


@click.command()
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE instead of stdout.")
@stage_option
@project_option
def synth(fmt: str, output: Path | None, stage: str) -> None:
    """Print the CloudFormation template of the project's stage."""
    from wstui.core.files import write_atomic
    from wstui.core.template import synthesize

    synthesized = synthesize(load_stage(stage))
    text = synthesized.render(fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    count = len(synthesized.template.resources)
    click.echo(f"Wrote {output} ({count} resources).", err=True)
