"""Score our briefs of MUC-4 messages with the 1992 rules and set them beside the 1992 systems.

Briefs are exported to response templates (``export``) and scored against the answer key of a
test set (``score``). Only the messages given are scored: briefing a part of a set scores that
part against the same part of the key, which is comparable to the 1992 table only roughly (the
1992 figures are over all 100 messages), so the formatted table says how many were scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ...schema import Brief
from .corpus import eval_set
from .export import export_briefs
from .official import read_official
from .parse import Message, read_templates
from .report import format_table
from .score import Scores, score_messages
from .tally import Tally

__all__ = ["BriefScores", "OfficialScore", "format_benchmark", "official_scores", "score_briefs"]


@dataclass(frozen=True)
class BriefScores:
    """Our briefs of some messages of a test set, scored; ``responses`` are the exported templates."""

    set_name: str
    messages: int
    of: int
    scores: Scores
    responses: Mapping[str, Message]

    @property
    def all_templates(self) -> Tally:
        return self.scores.all_templates

    def rows(self) -> dict[str, Tally]:
        """The per-slot rows, then the summary rows, as in a 1992 report's totals table."""
        return {**self.scores.slot_rows(), **self.scores.summary_rows()}


@dataclass(frozen=True)
class OfficialScore:
    """A 1992 participant's ALL TEMPLATES recall, precision and F (P&R) as its report prints them."""

    system: str
    recall: int | None
    precision: int | None
    f: float


def score_briefs(
    briefs: Mapping[str, Sequence[Brief]], set_name: str, *, root: Path | None = None
) -> BriefScores:
    """Score briefs by message id (``TST4-MUC4-0001``) against the key of ``set_name``."""
    key = read_templates(eval_set(set_name, root).key)
    unknown = sorted(set(briefs) - set(key))
    if unknown:
        raise InputError(
            f"{len(unknown)} message ids are not in the {set_name} key, e.g. {unknown[0]!r}", set=set_name
        )
    responses = export_briefs(briefs)
    scored = {message_id: message for message_id, message in key.items() if message_id in briefs}
    return BriefScores(set_name, len(scored), len(key), score_messages(scored, responses), responses)


def official_scores(set_name: str, *, root: Path | None = None) -> list[OfficialScore]:
    """The 1992 participants' ALL TEMPLATES figures for a test set, best F first."""
    files = eval_set(set_name, root)
    found = []
    for system in files.systems():
        path = files.scores(system)
        if path is None:
            continue
        report = read_official(path)
        recall, precision = report.printed.get("ALL TEMPLATES", (None, None))
        f = report.f_measures[0] if report.f_measures else report.all_templates.official_f() or 0.0
        found.append(OfficialScore(system, recall, precision, f))
    return sorted(found, key=lambda score: -score.f)


def _figure(value: float | None) -> str:
    return "   *" if value is None else f"{round(value):4d}"


def format_benchmark(
    result: BriefScores, official: Sequence[OfficialScore], *, label: str = "summarize"
) -> str:
    """Our per-slot table, then the 1992 ALL TEMPLATES table with our row beneath it."""
    ours = result.all_templates
    scope = f"{result.messages} of {result.of} messages"
    lines = [f"MUC-4 {result.set_name.upper()}: our briefs scored by the 1992 rules ({scope})", ""]
    lines.append(format_table(result.rows()))
    pr, p2r, pr2 = (ours.official_f(beta) for beta in (1.0, 0.5, 2.0))
    if pr is not None and p2r is not None and pr2 is not None:
        lines.append(f"F-MEASURES  P&R {pr:.2f}  2P&R {p2r:.2f}  P&2R {pr2:.2f}\n")
    name = f"{label} ({scope})"
    width = max(24, len(name) + 2)
    lines.append(f"{'ALL TEMPLATES, 1992':<{width}}{'R':>4}{'P':>5}{'F (P&R)':>10}")
    for score in official:
        lines.append(
            f"{score.system:<{width}}{_figure(score.recall)}{_figure(score.precision):>5}{score.f:10.2f}"
        )
    lines.append("-" * (width + 19))
    f = ours.official_f() or 0.0
    lines.append(f"{name:<{width}}{_figure(ours.recall)}{_figure(ours.precision):>5}{f:10.2f}")
    return "\n".join(lines) + "\n"
