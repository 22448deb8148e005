"""The command line: parse, call one library function, print.

Data goes to stdout, progress and warnings to stderr. Library errors become one
``error: ...`` line and the exit code of their class; nothing else here decides
anything about briefs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from ..batch.runner import BatchOptions, run_batch
from ..brief.cache import AnswerCache
from ..brief.pipeline import Briefer
from ..brief.wording import to_json, to_markdown
from ..config import INSTRUCTOR_MODES, Settings
from ..daily import FORMATS as DAILY_FORMATS
from ..daily import DailyOptions, build_daily, write_daily
from ..daily import render as render_daily
from ..errors import SummarizeError
from ..evals import evaluate
from ..evals import render as eval_render
from ..evals.muc4 import format_benchmark, official_scores
from ..evals.muc4.run import run_benchmark
from ..inputs.articles import load_article
from .eval_progress import EvalProgress
from .progress import ProgressDisplay

__all__ = ["main"]

P = ParamSpec("P")
R = TypeVar("R")


def _reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into a message on stderr and the error's exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SummarizeError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2023-12-11") from None


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # instructor logs every failed attempt at ERROR; our own error line says what matters
    logging.getLogger("instructor").setLevel(logging.DEBUG if verbose > 1 else logging.CRITICAL)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="summarize")
def main() -> None:
    """Structured, source-grounded incident briefs from security-incident news.

    Runs the embedded model by default (no key, no network); point --base-url /
    OPENAI_BASE_URL at any OpenAI-compatible endpoint to use another model.
    """


_model_options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
    click.option(
        "--model", "-m", help="Model name; 'embedded' for the built-in model. [env: SUMMARIZE_MODEL]"
    ),
    click.option(
        "--model-path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="A GGUF file for the embedded backend. [env: SUMMARIZE_MODEL_PATH]",
    ),
    click.option(
        "--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1. [env: OPENAI_BASE_URL]"
    ),
    click.option("--api-key", help="API key for the endpoint. [env: OPENAI_API_KEY]"),
    click.option(
        "--mode",
        type=click.Choice(INSTRUCTOR_MODES),
        help="How structured output is requested from an endpoint (default tools). [env: SUMMARIZE_MODE]",
    ),
    click.option("--timeout", type=float, help="Seconds to wait for one answer. [env: SUMMARIZE_TIMEOUT]"),
    click.option(
        "--max-retries", type=int, help="Re-asks after an invalid answer. [env: SUMMARIZE_MAX_RETRIES]"
    ),
    click.option(
        "--http-retries", type=int, help="Retries after 429, 5xx or a timeout. [env: SUMMARIZE_HTTP_RETRIES]"
    ),
    click.option(
        "--max-tokens", type=int, help="Most tokens one answer may use. [env: SUMMARIZE_MAX_TOKENS]"
    ),
    click.option(
        "--max-chars",
        "max_article_chars",
        type=int,
        help="Cut longer articles at a paragraph boundary. [env: SUMMARIZE_MAX_ARTICLE_CHARS]",
    ),
    click.option(
        "--prompts-dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Other prompt templates (same file names), e.g. to eval a change. [env: SUMMARIZE_PROMPTS_DIR]",
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the answer cache."),
    click.option("-v", "--verbose", count=True, help="-v for progress details, -vv for debug logs."),
]


def _with_model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_model_options):
        func = option(func)
    return func


@main.command()
@click.argument("article", type=click.Path(allow_dash=True, path_type=str))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["json", "md"]),
    default="json",
    show_default=True,
    help="JSON (the schema) or Markdown for people.",
)
@click.option(
    "--published",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="Publication date: resolves weekdays and 'yesterday' to ISO dates.",
)
@click.option("--strict-grounding", is_flag=True, help="Drop incidents with no quote found in the article.")
@_with_model_options
@_reports_errors
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
    _setup_logging(verbose)
    settings = Settings.resolve(use_cache=not no_cache, strict_grounding=strict_grounding, **flags)
    loaded = load_article(article, published=published)
    briefer = Briefer.from_settings(settings)
    try:
        result = briefer.brief(loaded, progress=lambda msg: click.echo(msg, err=True))
    finally:
        briefer.close()
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(to_markdown(result) if fmt == "md" else to_json(result), nl=False)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "-o",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder: briefs.jsonl, errors.jsonl, summary.json (re-run to resume).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="csv also writes events.csv (ACLED-style, one row per incident).",
)
@click.option(
    "--concurrency",
    "-j",
    type=click.IntRange(1, 1024),
    default=8,
    show_default=True,
    help="Articles briefed at once (the embedded model always runs one).",
)
@click.option(
    "--processes",
    "-P",
    type=click.IntRange(1, 256),
    help="Processes sharing the concurrency, for a CPU-bound client "
    "[default: one per 16 of concurrency, at most one per CPU].",
)
@click.option(
    "--rpm", type=click.FloatRange(0, min_open=True), help="Client-side limit: requests per minute."
)
@click.option("--tpm", type=click.FloatRange(0, min_open=True), help="Client-side limit: tokens per minute.")
@click.option(
    "--prices",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON/TOML price table for the cost estimate: {"MODEL": {"input": $/1M, "output": $/1M}}.',
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    default=2_000_000,
    show_default=True,
    help="Refuse larger articles (files or JSONL records) as errors.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar: a progress line every 10 s instead.")
@click.option("--strict-grounding", is_flag=True, help="Drop incidents with no quote found in the article.")
@_with_model_options
@_reports_errors
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
    _setup_logging(verbose)
    settings = Settings.resolve(use_cache=not no_cache, strict_grounding=strict_grounding, **flags)
    options = BatchOptions(
        concurrency=concurrency,
        processes=processes,  # None: one per 16 of concurrency, at most one per CPU
        rpm=rpm,
        tpm=tpm,
        csv=fmt == "csv",
        prices_file=prices,
        max_input_bytes=max_bytes,
    )
    fancy = not quiet and sys.stderr.isatty()
    with ProgressDisplay(lambda line: click.echo(line, err=True), fancy=fancy) as display:
        summary = run_batch(inputs, out_dir, settings=settings, options=options, progress=display)
    click.echo(summary.format(), err=True)
    if summary.interrupted:
        sys.exit(130)
    if summary.failed:
        sys.exit(1)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--date",
    "day",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="The day to brief (incident date, else publication date). Default: the latest day with incidents.",
)
@click.option(
    "--out",
    "-o",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE.md, FILE.html (self-contained page) or FILE.json; repeatable. Default: Markdown "
    "on stdout.",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Yesterday's brief.json: mark entries new or follow-up.",
)
@click.option("--explain", is_flag=True, help="Show why reports were merged, and what was kept apart.")
@click.option("--no-model", is_flag=True, help="Write the executive summary without a model.")
@_with_model_options
@_reports_errors
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
    _setup_logging(verbose)
    for path in outputs:
        if path.suffix.lower() not in DAILY_FORMATS:
            raise click.BadParameter(f"{path}: use .md, .html or .json", param_hint="--out")
    settings = Settings.resolve(use_cache=not no_cache, **flags)
    options = DailyOptions(day=day, use_model=not no_model, previous=previous)
    result = build_daily(inputs, options, settings=settings, progress=lambda msg: click.echo(msg, err=True))
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for path in outputs:
        write_daily(result, path, explain=explain)
        click.echo(f"wrote {path}", err=True)
    if not outputs:
        click.echo(render_daily(result, "md", explain=explain), nl=False)


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


@main.command("eval")
@click.argument("datasets", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=1), help="Use the first N cases of each dataset.")
@click.option("--only", multiple=True, metavar="CASE_ID", help="Run only these cases. Repeatable.")
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A previous --report out.json: show each metric's change; a drop beyond --tolerance fails.",
)
@click.option("--tolerance", type=click.FloatRange(0, 1), default=0.02, show_default=True)
@click.option(
    "--min-score", type=click.FloatRange(0, 1), help="Fail (exit 1) when the overall score is lower."
)
@click.option(
    "--min",
    "minimums",
    multiple=True,
    metavar="METRIC=X",
    callback=_minimum,
    help="Fail when a metric (a field, detection_f1, negatives, ...) is below X (0-1). Repeatable.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the report to out.html, out.md or out.json. Repeatable.",
)
@click.option(
    "--judge", is_flag=True, help="Ask the model whether the article supports each summary sentence."
)
@click.option(
    "--set",
    "muc4_set",
    type=click.Choice(["tst3", "tst4"]),
    default="tst4",
    show_default=True,
    help="With the dataset 'muc4': which MUC-4 test set to score by the 1992 rules.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_with_model_options
@_reports_errors
def eval_command(
    datasets: tuple[str, ...],
    limit: int | None,
    only: tuple[str, ...],
    baseline: Path | None,
    tolerance: float,
    min_score: float | None,
    minimums: dict[str, float],
    reports: tuple[Path, ...],
    judge: bool,
    muc4_set: str,
    quiet: bool,
    no_cache: bool,
    verbose: int,
    **flags: Any,
) -> None:
    """Score briefs of DATASET... against hand-labelled gold.

    DATASET is a gold case file or folder (evals/cases) or an imported corpus
    (muc4:tst4, muc4:tst3, muc4:dev). Prints per-field scores, incident P/R/F1 and a
    per-case diff. Exit code 1 when a --min/--min-score gate or the --baseline fails.

    'summarize eval muc4 --set tst4 [--limit N]' instead scores the briefs by the
    official MUC-4 (1992) rules and prints our row beneath the 1992 systems.
    """
    _setup_logging(verbose)
    if datasets == ("muc4",):
        settings = Settings.resolve(use_cache=not no_cache, **flags)
        with EvalProgress(fancy=not quiet and sys.stderr.isatty()) as progress:
            scored = run_benchmark(muc4_set, settings, limit=limit, progress=None if quiet else progress)
        click.echo(format_benchmark(scored, official_scores(muc4_set)), nl=False)
        return
    for path in reports:
        if path.suffix not in {".html", ".md", ".json"}:
            raise click.BadParameter(
                f"{path}: the report must end in .html, .md or .json", param_hint="--report"
            )
    settings = Settings.resolve(use_cache=not no_cache, **flags)
    gates = {**minimums, **({"overall": min_score} if min_score is not None else {})}
    with EvalProgress(fancy=not quiet and sys.stderr.isatty()) as progress:
        outcome = evaluate(
            datasets,
            settings,
            limit=limit,
            only=only,
            baseline=baseline,
            tolerance=tolerance,
            minimums=gates,
            judge=judge,
            progress=None if quiet else progress,
        )
    click.echo(eval_render.to_markdown(outcome), nl=False)
    writers = {
        ".html": lambda: eval_render.to_html(outcome),
        ".md": lambda: eval_render.to_markdown(outcome),
        ".json": lambda: eval_render.to_json(outcome.run.report),
    }
    for path in reports:
        path.write_text(writers[path.suffix](), encoding="utf-8")
        click.echo(f"wrote {path}", err=True)
    for line in outcome.failures:
        click.echo(f"FAILED: {line}", err=True)
    if not outcome.passed:
        sys.exit(1)


@main.group()
def cache() -> None:
    """Inspect or empty the answer cache."""


@cache.command("stats")
@_reports_errors
def cache_stats() -> None:
    """Where the cache is, how many answers it holds, its size."""
    with AnswerCache(Settings.resolve().cache_dir / "answers") as store:
        click.echo(json.dumps(store.stats(), indent=2))


@cache.command("clear")
@_reports_errors
def cache_clear() -> None:
    """Remove every cached answer."""
    with AnswerCache(Settings.resolve().cache_dir / "answers") as store:
        removed = store.clear()
    click.echo(f"removed {removed} cached answers", err=True)


@main.group()
def model() -> None:
    """The embedded model's weights."""


@model.command("path")
@_reports_errors
def model_path() -> None:
    """Assemble and verify the embedded GGUF if needed, then print its path."""
    from ..backends.weights import ensure_default_model

    settings = Settings.resolve()
    click.echo(str(settings.model_path or ensure_default_model(settings.models_dir)))
