"""``summarize eval``: score briefs against hand-labelled gold, and gate on the scores."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..evals import evaluate
from ..evals.muc4.corpus import SETS
from ..evals.render import EVAL_FORMATS
from ..evals.scorers.base import Scorer
from ..evals.scorers.muc4 import Muc4Scorer
from .options import model_command, options, quiet_option, settings_from, setup_logging
from .output import check_paths, echo_document, outputs_option, write_documents
from .progress import EvalProgress

__all__ = ["eval_command"]


def _minimum(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for value in values:
        name, sep, number = value.partition("=")
        try:
            out[name.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not METRIC=X (e.g. place=0.6)") from None
        if not sep:
            raise click.BadParameter(f"{value!r} is not METRIC=X (e.g. place=0.6)")
    return out


_EVAL_OPTIONS = options(
    click.option("--limit", type=click.IntRange(min=1), help="Use the first N cases of each dataset."),
    click.option("--only", multiple=True, metavar="CASE_ID", help="Run only these cases. Repeatable."),
    click.option(
        "--baseline",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="A previous --report out.json: show each metric's change; a drop beyond --tolerance fails.",
    ),
    click.option("--tolerance", type=click.FloatRange(0, 1), default=0.02),
    click.option(
        "--min-score", type=click.FloatRange(0, 1), help="Fail (exit 1) when the overall score is lower."
    ),
    click.option(
        "--min",
        "minimums",
        multiple=True,
        metavar="METRIC=X",
        callback=_minimum,
        help="Fail when a metric (a field, detection_f1, negatives, muc4_f, ...) is below X (0-1). "
        "Repeatable.",
    ),
    outputs_option("--report", formats=EVAL_FORMATS, lead="Also write the report to FILE"),
    click.option(
        "--judge", is_flag=True, help="Ask the model whether the article supports each summary sentence."
    ),
    click.option(
        "--set",
        "muc4_set",
        type=click.Choice(SETS),
        help="With the dataset 'muc4': which MUC-4 test set to score by the 1992 rules [default: tst4].",
    ),
    quiet_option("No progress bar."),
)


def _muc4(datasets: tuple[str, ...], muc4_set: str | None) -> tuple[list[str], list[Scorer]]:
    """The datasets to brief, and the 1992 scorer where 'muc4' asks for it (``--set`` only then)."""
    if "muc4" not in datasets:
        if muc4_set is not None:
            raise click.BadParameter("only goes with the dataset 'muc4'", param_hint="--set")
        return list(datasets), []
    chosen = muc4_set or "tst4"
    return [f"muc4:{chosen}" if d == "muc4" else d for d in datasets], [Muc4Scorer(chosen)]


@click.command("eval")
@click.argument("datasets", nargs=-1, required=True)
@_EVAL_OPTIONS
@model_command
def eval_command(
    datasets: tuple[str, ...],
    limit: int | None,
    only: tuple[str, ...],
    baseline: Path | None,
    tolerance: float,
    min_score: float | None,
    minimums: dict[str, float],
    outputs: tuple[Path, ...],
    judge: bool,
    muc4_set: str | None,
    quiet: bool,
    no_cache: bool,
    verbose: int,
    **flags: Any,
) -> None:
    """Score briefs of DATASET... against hand-labelled gold.

    DATASET is a gold case file or folder (evals/cases) or an imported corpus
    (muc4:tst4, muc4:tst3, muc4:dev). Prints per-field scores, incident P/R/F1 and a
    per-case diff. Exit code 1 when a --min/--min-score gate or the --baseline fails.

    The dataset 'muc4' is a MUC-4 test set (--set, default tst4) whose briefs are also
    scored by the official MUC-4 (1992) rules, with our row beneath the 1992 systems
    (gate on it with --min muc4_f=X): 'summarize eval muc4 --set tst4 --limit 25'.
    """
    setup_logging(verbose)
    specs, scorers = _muc4(datasets, muc4_set)
    check_paths(EVAL_FORMATS, outputs, "--report")
    settings = settings_from(no_cache, flags)
    gates = {**minimums, **({"overall": min_score} if min_score is not None else {})}
    fancy = not quiet and sys.stderr.isatty()
    with EvalProgress(lambda line: click.echo(line, err=True), fancy=fancy) as progress:
        outcome = evaluate(
            specs,
            settings,
            limit=limit,
            only=only,
            baseline=baseline,
            tolerance=tolerance,
            minimums=gates,
            judge=judge,
            scorers=scorers,
            progress=None if quiet else progress,
        )
    echo_document(EVAL_FORMATS, outcome, "md")
    write_documents(EVAL_FORMATS, outcome, outputs)
    for line in outcome.failures:
        click.echo(f"FAILED: {line}", err=True)
    if not outcome.passed:
        sys.exit(1)
