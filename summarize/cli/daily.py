"""``summarize daily``: one day's brief from many articles or briefs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from ..daily import DailyOptions, build_daily, daily_formats
from .options import model_command, parse_date, settings_from, setup_logging
from .output import check_paths, echo_document, outputs_option, write_documents

__all__ = ["daily"]


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--date",
    "day",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="The day to brief (incident date, else publication date). Default: the latest day with incidents.",
)
@outputs_option(
    "--out", "-o", formats=daily_formats(), lead="Write the day's brief to FILE (default: Markdown on stdout)"
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Yesterday's brief.json: mark entries new or follow-up.",
)
@click.option("--explain", is_flag=True, help="Show why reports were merged, and what was kept apart.")
@click.option("--no-model", is_flag=True, help="Write the executive summary without a model.")
@model_command
def daily(
    inputs: tuple[str, ...],
    day: dt.date | None,
    outputs: tuple[Path, ...],
    previous: Path | None,
    explain: bool,
    no_model: bool,
    no_cache: bool,
    verbose: int,
    **flags: Any,
) -> None:
    """One day's brief from INPUT... (articles, or briefs.jsonl / brief JSON files).

    The same incident reported by several articles becomes one entry citing
    every source; disagreements on tolls are shown as ranges with who said what.
    Articles are briefed through the pipeline and its cache.
    """
    setup_logging(verbose)
    formats = daily_formats(explain=explain)
    check_paths(formats, outputs, "--out")
    settings = settings_from(no_cache, flags)
    options = DailyOptions(day=day, use_model=not no_model, previous=previous)
    result = build_daily(inputs, options, settings=settings, progress=lambda msg: click.echo(msg, err=True))
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    write_documents(formats, result, outputs)
    if not outputs:
        echo_document(formats, result, "md")
