"""``summarize batch``: brief folders, globs and JSONL files into an output folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..batch import BatchOptions, run_batch
from ..inputs.discover import MAX_INPUT_BYTES
from .options import (
    model_command,
    options,
    quiet_option,
    settings_from,
    setup_logging,
    strict_grounding_option,
)
from .progress import ProgressDisplay

__all__ = ["batch"]

_BATCH_OPTIONS = options(
    click.option(
        "--out",
        "-o",
        "out_dir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Output folder: briefs.jsonl, errors.jsonl, summary.json (re-run to resume).",
    ),
    click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(["jsonl", "csv"]),
        default="jsonl",
        help="csv also writes events.csv (ACLED-style, one row per incident).",
    ),
    click.option(
        "--concurrency",
        "-j",
        type=click.IntRange(1, 1024),
        default=8,
        help="Articles briefed at once (the embedded model always runs one).",
    ),
    click.option(
        "--processes",
        "-P",
        type=click.IntRange(1, 256),
        help="Processes sharing the concurrency, for a CPU-bound client "
        "[default: one per 16 of concurrency, at most one per CPU].",
    ),
    click.option(
        "--rpm", type=click.FloatRange(0, min_open=True), help="Client-side limit: requests per minute."
    ),
    click.option(
        "--tpm", type=click.FloatRange(0, min_open=True), help="Client-side limit: tokens per minute."
    ),
    click.option(
        "--prices",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help='JSON/TOML price table for the cost estimate: {"MODEL": {"input": $/1M, "output": $/1M}}.',
    ),
    click.option(
        "--max-bytes",
        type=click.IntRange(1),
        default=MAX_INPUT_BYTES,
        help="Refuse larger articles (files or JSONL records) as errors.",
    ),
    quiet_option("No progress bar: a progress line every 10 s instead."),
    strict_grounding_option,
)


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@_BATCH_OPTIONS
@model_command
def batch(
    inputs: tuple[str, ...],
    out_dir: Path,
    fmt: str,
    concurrency: int,
    processes: int | None,
    rpm: float | None,
    tpm: float | None,
    prices: Path | None,
    max_bytes: int,
    quiet: bool,
    strict_grounding: bool,
    no_cache: bool,
    verbose: int,
    **flags: Any,
) -> None:
    """Brief every article of INPUT... (folders, globs, .jsonl files) into OUT.

    Re-running the same command resumes: articles already briefed with the same
    configuration are skipped and failures are retried. Ctrl-C stops cleanly
    (twice: without waiting for the articles in flight). Exit code 0 when every
    article was briefed, 1 when some failed (see errors.jsonl), 130 when interrupted.
    """
    setup_logging(verbose)
    settings = settings_from(no_cache, flags, strict_grounding=strict_grounding)
    options = BatchOptions(
        concurrency=concurrency,
        processes=processes,  # None: one per 16 of concurrency, at most one per CPU
        rpm=rpm,
        tpm=tpm,
        csv=fmt == "csv",
        prices_file=prices,
        max_input_bytes=max_bytes,
        handle_sigint=True,
    )
    fancy = not quiet and sys.stderr.isatty()
    with ProgressDisplay(lambda line: click.echo(line, err=True), fancy=fancy) as display:
        summary = run_batch(inputs, out_dir, settings=settings, options=options, progress=display)
    click.echo(summary.format(), err=True)
    if summary.interrupted:
        sys.exit(130)
    if summary.failed:
        sys.exit(1)
