"""``summarize brief``: one article, one brief."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ..brief import brief_article
from ..formats import BRIEF_FORMATS
from ..inputs import load_article
from .options import (
    model_command,
    published_option,
    settings_from,
    setup_logging,
    strict_grounding_option,
)
from .output import echo_document

__all__ = ["brief"]


@click.command()
@click.argument("article", type=click.Path(allow_dash=True, path_type=str))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(BRIEF_FORMATS.names),
    default="json",
    help="; ".join(f"{f.name}: {f.description}" for f in BRIEF_FORMATS) + ".",
)
@published_option
@strict_grounding_option
@model_command
def brief(
    article: str,
    fmt: str,
    published: dt.date | None,
    strict_grounding: bool,
    no_cache: bool,
    verbose: int,
    **flags: Any,
) -> None:
    """Brief one ARTICLE (.txt, .md, .html or .json; - reads stdin)."""
    setup_logging(verbose)
    settings = settings_from(no_cache, flags, strict_grounding=strict_grounding)
    loaded = load_article(article, published=published)
    result = brief_article(loaded, settings, progress=lambda msg: click.echo(msg, err=True))
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    echo_document(BRIEF_FORMATS, result, fmt)
