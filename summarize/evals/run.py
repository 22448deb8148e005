"""Run gold cases through the pipeline and score them: the one path ``summarize eval`` and pytest share.

Briefs go through the same ``Briefer`` (and so the same answer cache) as ``summarize brief``:
an unchanged prompt and model cost nothing the second time. A case whose article cannot be
read or briefed is scored as an error (it lowers ``schema_validity``); the run goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..brief.pipeline import Briefer
from ..config import Settings
from ..errors import InputError, SummarizeError
from ..schema import Brief
from .compare import Matching
from .datasets import load_datasets
from .gold import Case
from .report import Delta, EvalReport, build_report, check_metric_names, check_thresholds, compare_reports
from .scorers.base import Sample, Scorer
from .scorers.fields import CaseResult, score_case
from .scorers.judge import JudgeScorer

__all__ = ["EvalRun", "Outcome", "evaluate", "load_report", "run_eval"]

log = logging.getLogger(__name__)


@dataclass
class EvalRun:
    """A scored run: the report plus what renderers need to show each case."""

    report: EvalReport
    cases: list[Case]
    briefs: dict[str, Brief] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


Progress = Callable[[int, int, str], None]


def _samples(
    cases: Sequence[Case], briefer: Briefer, matching: Matching | None, progress: Progress | None
) -> tuple[list[Sample], list[CaseResult]]:
    """Brief every case once (``progress(done, total, id)``) and compare it with its gold."""
    samples: list[Sample] = []
    results: list[CaseResult] = []
    for done, case in enumerate(cases):
        if progress:
            progress(done, len(cases), case.id)
        article = None
        try:
            article = case.load_article()
            brief = briefer.brief(article)
        except SummarizeError as exc:
            log.warning("case %s: %s", case.id, exc)
            samples.append(Sample(case, article, None))
            results.append(score_case(case, None, error=f"{type(exc).__name__}: {exc}", matching=matching))
            continue
        samples.append(Sample(case, article, brief))
        results.append(score_case(case, brief, matching=matching))
    if progress:
        progress(len(cases), len(cases), "")
    return samples, results


def run_eval(
    cases: Sequence[Case],
    briefer: Briefer,
    *,
    datasets: Sequence[str] = (),
    matching: Matching | None = None,
    scorers: Sequence[Scorer] = (),
    progress: Progress | None = None,
) -> EvalRun:
    """Brief every case's article, score it against gold and by each of ``scorers``, and aggregate."""
    started = time.monotonic()
    samples, results = _samples(cases, briefer, matching, progress)
    scored = [scorer.score(samples) for scorer in scorers]
    for scorer, found in zip(scorers, scored, strict=True):
        for result in results:
            if result.case_id in found.cases:
                result.scores[scorer.name] = found.cases[result.case_id]
    report = build_report(
        results,
        model=briefer.backend.model_id,
        prompt_version=briefer.prompts.version,
        datasets=datasets,
        wall_s=time.monotonic() - started,
        scores=scored,
    )
    return EvalRun(
        report=report,
        cases=list(cases),
        briefs={s.case.id: s.brief for s in samples if s.brief is not None},
        texts={s.case.id: s.article.text for s in samples if s.article is not None},
    )


@dataclass
class Outcome:
    """What ``evaluate`` found: the run, its changes from a baseline, and the gates it failed."""

    run: EvalRun
    deltas: list[Delta] | None
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def load_report(path: Path) -> EvalReport:
    """A previous run's JSON report (``--report out.json``), for ``--baseline``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read baseline {path}: {exc.strerror}", path=str(path), reason="unreadable"
        ) from exc
    problem = "not JSON"
    try:
        return EvalReport.from_json(raw)
    except ValidationError as exc:
        problem = f"{exc.error_count()} errors"
    except ValueError:  # not JSON at all
        pass
    raise InputError(
        f"{path} is not an eval report (write one with --report out.json): {problem}",
        path=str(path),
        reason="bad-baseline",
    )


def evaluate(
    specs: Sequence[str],
    settings: Settings,
    *,
    limit: int | None = None,
    only: Sequence[str] = (),
    baseline: Path | None = None,
    tolerance: float = 0.02,
    minimums: Mapping[str, float] | None = None,
    judge: bool = False,
    scorers: Sequence[Scorer] = (),
    progress: Progress | None = None,
) -> Outcome:
    """Run datasets through the pipeline, score them, and apply the baseline and the minimums.

    ``only`` keeps the cases with those ids (after ``limit``), in dataset order. Besides the
    per-field comparison with gold, the run is scored by each of ``scorers``, and by the
    judge (``JudgeScorer``, with the run's model) when ``judge`` is set.
    """
    known = {*JudgeScorer.metrics, *(name for scorer in scorers for name in scorer.metrics)}
    check_metric_names(minimums or {}, known)
    cases = load_datasets(specs, limit=limit)
    if only:
        unknown = sorted(set(only) - {case.id for case in cases})
        if unknown:
            raise InputError(
                f"no case with id {', '.join(unknown)} in {', '.join(specs)}", reason="unknown-case"
            )
        cases = [case for case in cases if case.id in set(only)]
    previous = load_report(baseline) if baseline is not None else None
    with Briefer.from_settings(settings) as briefer:
        everything = [*scorers, *([JudgeScorer(briefer, progress)] if judge else [])]
        run = run_eval(cases, briefer, datasets=specs, scorers=everything, progress=progress)
    failures = check_thresholds(run.report, minimums or {}, known)
    deltas = None
    if previous is not None:
        deltas = compare_reports(run.report, previous, tolerance=tolerance)
        failures += [
            f"{d.metric}: {d.before:.3f} -> "
            + ("not measured" if d.after is None else f"{d.after:.3f}")
            + f" (regression beyond {tolerance:.3f})"
            for d in deltas
            if d.regressed and d.before is not None
        ]
    return Outcome(run=run, deltas=deltas, failures=failures)
