"""``python -m summarize.evals.muc4``: check the MUC-4 scorer against the 1992 official scores.

    python -m summarize.evals.muc4 reproduce --set tst4
    python -m summarize.evals.muc4 disagreements --set tst4 --system SRA --slot inc-date

A thin command line over ``reproduce``: parse, call, print. The corpus is read from
``--data``, else ``$SUMMARIZE_MUC4_DIR``, else ``shared/evaldata/muc4`` beside the checkout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ...errors import SummarizeError
from .corpus import SETS
from .report import format_disagreements, format_reproduction
from .reproduce import disagreements, reproduce

_DATA = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The MUC-4 corpus directory.",
)
_SET = click.option("--set", "set_name", type=click.Choice(SETS), default="tst4", show_default=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """The MUC-4 scorer against the official 1992 scores."""


@main.command("reproduce")
@_SET
@_DATA
@click.option("--system", "systems", multiple=True, help="Only this participant (repeatable).")
def reproduce_command(set_name: str, data: Path | None, systems: tuple[str, ...]) -> None:
    """Official and our ALL TEMPLATES R / P / F for every participant."""
    try:
        results = reproduce(set_name, root=data, systems=list(systems) or None)
    except SummarizeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    click.echo(format_reproduction(results, set_name), nl=False)


@main.command("disagreements")
@_SET
@_DATA
@click.option("--system", required=True, help="The participant, e.g. GE, SRA, NYU.")
@click.option("--slot", "slots", multiple=True, help="Only this slot label, e.g. inc-date (repeatable).")
def disagreements_command(set_name: str, data: Path | None, system: str, slots: tuple[str, ...]) -> None:
    """The template slots where our tallies differ from the official report, with the fills."""
    try:
        found = disagreements(set_name, system, root=data, labels=set(slots) or None)
    except SummarizeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    click.echo(format_disagreements(found), nl=False)


if __name__ == "__main__":
    main()
