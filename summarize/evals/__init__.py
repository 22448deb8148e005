"""Evaluation: gold cases, per-field scoring of briefs, and the MUC-4 benchmark.

Library code, so a test suite or a notebook can score briefs without the CLI:

    >>> from summarize.evals import evaluate
    >>> outcome = evaluate(["evals/cases"], Settings.resolve(), minimums={"overall": 0.6})  # doctest: +SKIP
    >>> outcome.run.report.metrics()["detection_f1"], outcome.passed  # doctest: +SKIP

``gold`` defines the case format, ``compare`` the comparators, ``scorers`` what scores a
run (``scorers.fields``: the alignment and per-field scoring of one case; ``judge``;
``muc4``: the 1992 rules), ``report`` the aggregation and gates, ``run`` the loop.
"""

from .compare import Matching
from .datasets import load_dataset, load_datasets
from .gold import AnyOf, Case, GoldBrief, GoldIncident, Item, load_cases
from .report import EvalReport, check_thresholds, compare_reports
from .run import EvalRun, Outcome, evaluate, load_report, run_eval
from .scorers.base import Sample, Scorer, Scores
from .scorers.fields import CaseResult, incident_similarity, score_case
from .scorers.judge import JudgeScorer
from .scorers.muc4 import Muc4Scorer

__all__ = [
    "AnyOf",
    "Case",
    "CaseResult",
    "EvalReport",
    "EvalRun",
    "GoldBrief",
    "GoldIncident",
    "Item",
    "JudgeScorer",
    "Matching",
    "Muc4Scorer",
    "Outcome",
    "Sample",
    "Scorer",
    "Scores",
    "check_thresholds",
    "compare_reports",
    "evaluate",
    "incident_similarity",
    "load_cases",
    "load_dataset",
    "load_datasets",
    "load_report",
    "run_eval",
    "score_case",
]
