"""Check our scorer against the official 1992 scores of the MUC-4 participants.

For each participant the corpus holds the response templates it submitted and the official
NRaD score report of them. Scoring the same responses against the same key must give the same
ALL TEMPLATES recall, precision and F; where it does not, ``disagreements`` lists the slots of
the templates where our tallies and the official ones part, with the fillers as we paired them,
so the rule that differs can be found.

The official scores are not fully reproducible from the corpus: each site scored its own system
at an interactive terminal (a person judged every mismatch the program could not), some sites
re-mapped templates by hand, and the corpus key is the revised ``v2`` key while the 1992 scoring
used ``v1`` (some dates and fills changed). ``evals/MUC4.md`` gives the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from .corpus import eval_set
from .official import OfficialReport, read_official
from .parse import read_templates
from .score import FillerPair, Scores, Status, TemplateScore, score_messages
from .slots import SCORED_SLOTS
from .tally import Tally

__all__ = ["Disagreement", "SystemResult", "disagreements", "reproduce", "score_system"]


@dataclass(frozen=True)
class SystemResult:
    """One participant's official ALL TEMPLATES row, R / P / F (as printed), and ours."""

    system: str
    official: Tally
    official_recall: int | None
    official_precision: int | None
    official_f: float
    ours: Tally

    @property
    def ours_f(self) -> float:
        """Our F (P&R), computed as the reports did: from whole-percent recall and precision."""
        return self.ours.official_f() or 0.0

    @property
    def difference(self) -> float:
        return self.ours_f - self.official_f


@dataclass(frozen=True)
class Disagreement:
    """A slot of one template (pair) where our tally differs from the official one."""

    message_id: str
    key: str
    response: str
    label: str
    official: Tally
    ours: Tally
    pairs: tuple[FillerPair, ...]


def score_system(set_name: str, system: str, *, root: Path | None = None) -> Scores:
    """Score one participant's response file for a test set against the set's key."""
    files = eval_set(set_name, root)
    response = files.response(system)
    if not response.is_file():
        raise InputError(f"no response file for {system!r} in {set_name}", system=system, set=set_name)
    return score_messages(read_templates(files.key), read_templates(response))


def _official(set_name: str, system: str, root: Path | None) -> OfficialReport:
    path = eval_set(set_name, root).scores(system)
    if path is None:
        raise InputError(
            f"no official score report for {system!r} in {set_name}", system=system, set=set_name
        )
    return read_official(path)


def reproduce(
    set_name: str, *, root: Path | None = None, systems: list[str] | None = None
) -> list[SystemResult]:
    """Every participant's (or the named ones') official ALL TEMPLATES row beside ours."""
    results = []
    for system in systems or eval_set(set_name, root).systems():
        report = _official(set_name, system, root)
        printed = report.f_measures[0] if report.f_measures else report.all_templates.official_f() or 0.0
        ours = score_system(set_name, system, root=root).all_templates
        recall, precision = report.printed.get("ALL TEMPLATES", (None, None))
        results.append(SystemResult(system, report.all_templates, recall, precision, printed, ours))
    return results


def disagreements(
    set_name: str, system: str, *, root: Path | None = None, labels: set[str] | None = None
) -> list[Disagreement]:
    """The per-template slot rows where our tally differs from the official report.

    Only templates both scorings mapped the same way are compared (the report names the key
    and response template of each table); ``labels`` keeps only those slots (``inc-date``, ...).
    """
    report = _official(set_name, system, root)
    if not any(section.key is not None for section in report.sections):
        raise InputError(
            f"the official {set_name} report of {system} has no per-template tables to compare with",
            system=system,
            set=set_name,
        )
    scores = score_system(set_name, system, root=root)
    by_pair: dict[tuple[str, str, str], TemplateScore] = {}
    for template in scores.templates:
        if template.status is Status.OPTIONAL:
            continue
        key = str(template.key.number) if template.key is not None else "<NONE>"
        response = str(template.response.number) if template.response is not None else "<NONE>"
        by_pair[(template.message_id, key, response)] = template
    found = []
    for section in report.sections:
        if section.key is None or section.response is None or "inc-date" not in section.rows:
            continue
        key = "<NONE>" if section.key == "*" else section.key
        response = "<NONE>" if section.response == "*" else section.response
        paired = by_pair.get((section.message_id, key, response))
        if paired is None:
            continue
        for spec in SCORED_SLOTS:
            if labels and spec.label not in labels:
                continue
            mine = paired.slot(spec.number)
            theirs = section.rows[spec.label]
            if _counts(mine.tally) != _counts(theirs):
                found.append(
                    Disagreement(
                        section.message_id, key, response, spec.label, theirs, mine.tally, mine.pairs
                    )
                )
    return found


def _counts(tally: Tally) -> tuple[int, ...]:
    """The counts both scorings must agree on (ICR / IPA say who judged, not what)."""
    return (tally.pos, tally.act, tally.cor, tally.par, tally.inc, tally.spu, tally.mis)
