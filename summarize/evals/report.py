"""Many case results become one report: per-field scores, incident detection, costs, and gates.

The report is plain JSON (``EvalReport``), so yesterday's run is today's ``--baseline``.
Every figure a gate can test has a name in ``EvalReport.metrics()``:

* ``detection_precision``, ``detection_recall``, ``detection_f1``: incidents found, over all cases;
* one entry per field (``place``, ``fatalities``, ...): mean credit over matched incident pairs
  (for list fields, the mean per-pair set-F1, so "nobody claimed it" answered right counts);
* ``negatives``: share of no-incident articles briefed with no incident;
* ``schema_validity``: share of cases that produced a valid brief; ``evidence_verified``: share
  of evidence quotes found in their article;
* ``overall``: the mean of detection F1, every scored field and ``negatives`` (when present);
* and what the run's other scorers report (``scores``: ``judge``, ``muc4_f``, ...), each of
  which may also add a section for people (``sections``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..errors import ConfigError
from .scorers.base import Scores, Section
from .scorers.fields import FIELDS, CaseResult, FieldKind

__all__ = [
    "METRICS",
    "REPORT_VERSION",
    "REPORT_VERSION_1",
    "Delta",
    "Detection",
    "EvalReport",
    "FieldStat",
    "build_report",
    "check_metric_names",
    "check_thresholds",
    "compare_reports",
]

REPORT_VERSION = "summarize-eval/2"
#: Version 1 kept the judge's per-case share as ``cases[].judge`` (``load_report`` reads it still).
REPORT_VERSION_1 = "summarize-eval/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Detection(_Model):
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 1.0


class FieldStat(_Model):
    field: str
    kind: FieldKind
    n: int
    score: float
    precision: float | None = None
    recall: float | None = None


class EvalReport(_Model):
    version: str = REPORT_VERSION
    created_at: dt.datetime
    model: str
    prompt_version: str
    datasets: list[str]
    wall_s: float
    detection: Detection
    fields: list[FieldStat]
    cases: list[CaseResult]
    #: the run-level figures of the run's other scorers (``judge``, ``muc4_f``, ...)
    scores: dict[str, float] = {}
    sections: list[Section] = []

    @property
    def negatives(self) -> tuple[int, int]:
        """(correct, total) over the no-incident cases."""
        negs = [c for c in self.cases if c.negative and c.error is None]
        return sum(1 for c in negs if c.predicted_incidents == 0), len(negs)

    def metrics(self) -> dict[str, float]:
        """Every gateable figure by name (see the module docstring)."""
        out = {
            "detection_precision": self.detection.precision,
            "detection_recall": self.detection.recall,
            "detection_f1": self.detection.f1,
        }
        scored = [self.detection.f1]
        for stat in self.fields:
            if stat.n:
                out[stat.field] = stat.score
                scored.append(stat.score)
        correct, total = self.negatives
        if total:
            out["negatives"] = correct / total
            scored.append(out["negatives"])
        out["overall"] = sum(scored) / len(scored)
        out["schema_validity"] = (
            sum(1 for c in self.cases if c.error is None) / len(self.cases) if self.cases else 0.0
        )
        quotes = sum(c.quotes for c in self.cases)
        out["evidence_verified"] = sum(c.verified for c in self.cases) / quotes if quotes else 1.0
        out.update(self.scores)
        return out

    @classmethod
    def from_json(cls, raw: str | bytes) -> EvalReport:
        """A report read back (``--baseline``); one of version 1 is read as version 2."""
        return cls.model_validate(_upgraded(json.loads(raw)))

    def totals(self) -> dict[str, int]:
        return {
            "attempts": sum(c.attempts for c in self.cases),
            "retries": sum(c.retries for c in self.cases),
            "prompt_tokens": sum(c.prompt_tokens for c in self.cases),
            "completion_tokens": sum(c.completion_tokens for c in self.cases),
        }


def _upgraded(data: Any) -> Any:
    """A version-1 report as version 2: the judge's per-case shares under ``scores``, its mean too."""
    if not isinstance(data, dict) or data.get("version") != REPORT_VERSION_1:
        return data
    cases = [dict(c) for c in data.get("cases", []) if isinstance(c, dict)]
    judged = [c["judge"] for c in cases if isinstance(c.get("judge"), int | float)]
    for case in cases:
        judge = case.pop("judge", None)
        case["scores"] = {} if judge is None else {"judge": judge}
    scores = {"judge": sum(judged) / len(judged)} if judged else {}
    return {**data, "version": REPORT_VERSION, "cases": cases, "scores": scores}


def build_report(
    results: Sequence[CaseResult],
    *,
    model: str,
    prompt_version: str,
    datasets: Sequence[str],
    wall_s: float,
    scores: Sequence[Scores] = (),
) -> EvalReport:
    """Aggregate case results into per-field statistics and detection P/R/F1."""
    by_field: dict[str, list[float]] = defaultdict(list)
    sets: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in results:
        for pair in case.pairs:
            for result in pair.fields:
                by_field[result.field].append(result.score)
                if result.credit is None:
                    counts = sets[result.field]
                    counts[0] += result.tp
                    counts[1] += result.fp
                    counts[2] += result.fn
    stats = []
    for f in FIELDS:
        values = by_field.get(f.name, [])
        stat = FieldStat(
            field=f.name, kind=f.kind, n=len(values), score=sum(values) / len(values) if values else 0.0
        )
        if f.name in sets:
            tp, fp, fn = sets[f.name]
            stat.precision = tp / (tp + fp) if tp + fp else None
            stat.recall = tp / (tp + fn) if tp + fn else None
        stats.append(stat)
    return EvalReport(
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        model=model,
        prompt_version=prompt_version,
        datasets=list(datasets),
        wall_s=round(wall_s, 2),
        detection=Detection(
            tp=sum(c.found for c in results),
            fp=sum(len(c.spurious) for c in results),
            fn=sum(len(c.missed) for c in results),
        ),
        fields=stats,
        cases=list(results),
        scores={name: value for found in scores for name, value in found.metrics.items()},
        sections=[found.section for found in scores if found.section is not None],
    )


class Delta(_Model):
    metric: str
    before: float | None
    after: float | None
    regressed: bool

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


def compare_reports(current: EvalReport, baseline: EvalReport, *, tolerance: float = 0.02) -> list[Delta]:
    """Each metric's change from the baseline; a drop beyond ``tolerance`` (or a lost metric) regresses."""
    now, before = current.metrics(), baseline.metrics()
    deltas = []
    for name in dict.fromkeys([*before, *now]):
        b, a = before.get(name), now.get(name)
        regressed = b is not None and (a is None or a < b - tolerance)
        deltas.append(Delta(metric=name, before=b, after=a, regressed=regressed))
    return deltas


METRICS = frozenset(
    {
        "detection_precision",
        "detection_recall",
        "detection_f1",
        "negatives",
        "overall",
        "schema_validity",
        "evidence_verified",
        *(f.name for f in FIELDS),
    }
)
"""Every name the report's own scoring gives (other scorers add theirs), so a gate can be checked
before a long run."""


def check_metric_names(names: Iterable[str], extra: Iterable[str] = ()) -> None:
    """Raise ``ConfigError`` for a gate on a metric that is neither the report's nor in ``extra``."""
    known = METRICS | set(extra)
    for name in names:
        if name not in known:
            raise ConfigError(f"unknown metric {name!r}; known: {', '.join(sorted(known))}", metric=name)


def check_thresholds(
    report: EvalReport, minimums: Mapping[str, float], extra: Iterable[str] = ()
) -> list[str]:
    """One line per unmet minimum (``overall`` is the ``--min-score`` gate); unknown names are errors."""
    check_metric_names(minimums, extra)
    metrics = report.metrics()
    failures = []
    for name, minimum in minimums.items():
        value = metrics.get(name)
        if value is None:
            failures.append(f"{name}: not measured (no case scores it), minimum {minimum:.2f}")
        elif value < minimum:
            failures.append(f"{name}: {value:.3f} < minimum {minimum:.2f}")
    return failures
