"""Score one brief against one gold case: align incidents, then compare field by field.

Incidents are paired one-to-one by an optimal assignment on a similarity of type, place and
date (``incident_similarity``); pairs below ``MATCH_THRESHOLD`` do not count as found. Each
matched pair is then compared on every field the gold case scores, with the comparator of
that field's kind (``compare.py``). Aggregating many cases into a report is ``report.py``'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ...schema import Brief, Incident, SubEventType, event_type_of
from ..assign import assign
from ..compare import (
    Matching,
    SetScore,
    compare_count,
    compare_country,
    compare_date,
    compare_enum,
    compare_names,
    compare_place,
    compare_weapons,
)
from ..gold import AnyOf, Case, GoldBrief, GoldIncident, alternatives

__all__ = [
    "FIELDS",
    "MATCH_THRESHOLD",
    "CaseResult",
    "FieldKind",
    "FieldResult",
    "PairResult",
    "incident_similarity",
    "score_case",
]

MATCH_THRESHOLD = 0.5
"""Least similarity (0-1) at which a predicted incident counts as finding a gold one."""

FieldKind = Literal["enum", "names", "set", "count", "date", "country", "place"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldResult(_Model):
    """One field of one matched incident pair."""

    field: str
    kind: FieldKind
    credit: float | None = None
    tp: int = 0
    fp: int = 0
    fn: int = 0
    gold: str
    predicted: str

    @property
    def score(self) -> float:
        if self.credit is not None:
            return self.credit
        return SetScore(self.tp, self.fp, self.fn).f1


class PairResult(_Model):
    gold_index: int
    predicted_index: int
    similarity: float
    label: str
    fields: list[FieldResult]


class CaseResult(_Model):
    """How one brief compares with its gold case, plus what producing it cost."""

    case_id: str
    error: str | None = None
    negative: bool
    gold_incidents: int
    predicted_incidents: int
    pairs: list[PairResult] = []
    missed: list[str] = []
    spurious: list[str] = []
    is_incident_report_ok: bool = False
    quotes: int = 0
    verified: int = 0
    #: what producing the brief cost (nothing new when it came from the answer cache)
    cache_hit: bool = False
    attempts: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    elapsed_s: float = 0.0
    #: the case's figure from each of the run's other scorers that has one, by scorer (``judge``)
    scores: dict[str, float] = {}

    @property
    def found(self) -> int:
        return len(self.pairs)


def _show(value: object) -> str:
    if isinstance(value, AnyOf):
        return " | ".join(_show(v) for v in value.any_of)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if hasattr(value, "any_of"):
        names = value.any_of
        return "/".join(names) + ("?" if getattr(value, "optional", False) else "")
    if value is None:
        return "null"
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class _Field:
    name: str
    kind: FieldKind
    compare: Callable[[Incident, GoldIncident, Matching], float | SetScore]
    shown: Callable[[Incident], object]
    gold: Callable[[GoldIncident], object]
    scored: Callable[[GoldIncident], bool]


def _given(name: str) -> Callable[[GoldIncident], bool]:
    return lambda g: g.scored(name)


def _loc_given(name: str) -> Callable[[GoldIncident], bool]:
    return lambda g: g.location is not None and name in g.location.model_fields_set


def _enum(name: str) -> _Field:
    def run(p: Incident, g: GoldIncident, m: Matching) -> float:
        return compare_enum(name, getattr(p, name), [str(v) for v in alternatives(getattr(g, name))], m)

    return _Field(name, "enum", run, attrgetter(name), attrgetter(name), _given(name))


def _names(name: str) -> _Field:
    def predicted(p: Incident) -> list[str]:
        value = getattr(p, name)
        return [t.name for t in value] if name == "targets" else list(value)

    def run(p: Incident, g: GoldIncident, m: Matching) -> SetScore:
        return compare_names(predicted(p), getattr(g, name) or [], m)

    return _Field(name, "names", run, predicted, attrgetter(name), _given(name))


def _place(name: str) -> _Field:
    """``place`` or ``admin1``, of the location."""
    return _Field(
        name,
        "place",
        lambda p, g, m: compare_place(getattr(p.location, name), _loc(g, name), m),
        lambda p: getattr(p.location, name),
        lambda g: getattr(g.location, name) if g.location else None,
        _loc_given(name),
    )


def _count(name: str) -> _Field:
    """``fatalities`` or ``injured``: ``null`` (not reported) and ``0`` (none) kept apart."""
    return _Field(
        name,
        "count",
        lambda p, g, m: compare_count(getattr(p, name), alternatives(getattr(g, name))),
        lambda p: getattr(p, name).count,
        attrgetter(name),
        _given(name),
    )


FIELDS: tuple[_Field, ...] = (
    _enum("event_type"),
    _enum("sub_event_type"),
    _Field(
        "date",
        "date",
        lambda p, g, m: compare_date(p.date, p.date_precision, alternatives(g.date), g.date_precision),
        attrgetter("date"),
        attrgetter("date"),
        _given("date"),
    ),
    _Field(
        "country",
        "country",
        lambda p, g, m: compare_country(
            p.location.country_code or p.location.country, g.location.country if g.location else None
        ),
        lambda p: p.location.country_code,
        lambda g: g.location.country if g.location else None,
        _loc_given("country"),
    ),
    _place("place"),
    _place("admin1"),
    _names("perpetrators"),
    _enum("responsibility"),
    _names("claimed_by"),
    _names("targets"),
    _Field(
        "weapons",
        "set",
        lambda p, g, m: compare_weapons([w.value for w in p.weapons], _weapons(g)),
        lambda p: [w.value for w in p.weapons],
        attrgetter("weapons"),
        _given("weapons"),
    ),
    _count("fatalities"),
    _count("injured"),
    _enum("outcome"),
)
"""Every scored field, in report order."""


def _weapons(g: GoldIncident) -> list[list[str]]:
    return [[w.value for w in option] for option in alternatives(g.weapons or [])]


def _loc(g: GoldIncident, name: str) -> list[str | None]:
    value = getattr(g.location, name) if g.location is not None else None
    return list(alternatives(value))


def _type_similarity(p: Incident, g: GoldIncident, m: Matching) -> float | None:
    if g.sub_event_type is not None:
        if compare_enum(
            "sub_event_type", p.sub_event_type, [str(v) for v in alternatives(g.sub_event_type)], m
        ):
            return 1.0
        events = {event_type_of(SubEventType(s)) for s in alternatives(g.sub_event_type)}
        return 0.5 if p.event_type in events else 0.0
    if g.event_type is not None:
        return compare_enum("event_type", p.event_type, [str(v) for v in alternatives(g.event_type)], m)
    return None


def incident_similarity(p: Incident, g: GoldIncident, matching: Matching | None = None) -> float:
    """0-1: the mean agreement on type, country, place and date, over the parts gold gives."""
    m = matching or Matching()
    parts: list[float] = []
    if (kind := _type_similarity(p, g, m)) is not None:
        parts.append(kind)
    if g.location is not None:
        if "country" in g.location.model_fields_set:
            parts.append(compare_country(p.location.country_code or p.location.country, g.location.country))
        if "place" in g.location.model_fields_set and alternatives(g.location.place) != [None]:
            parts.append(compare_place(p.location.place, _loc(g, "place"), m))
    if g.scored("date"):
        parts.append(compare_date(p.date, p.date_precision, alternatives(g.date), g.date_precision))
    return sum(parts) / len(parts) if parts else 0.5


def _label(g: GoldIncident, index: int) -> str:
    return g.label or f"gold incident {index + 1}"


def _compare_pair(p: Incident, g: GoldIncident, m: Matching) -> list[FieldResult]:
    results = []
    for f in FIELDS:
        if not f.scored(g):
            continue
        outcome = f.compare(p, g, m)
        shown = {"gold": _show(f.gold(g)), "predicted": _show(f.shown(p))}
        if isinstance(outcome, SetScore):
            results.append(
                FieldResult(field=f.name, kind=f.kind, tp=outcome.tp, fp=outcome.fp, fn=outcome.fn, **shown)
            )
        else:
            results.append(FieldResult(field=f.name, kind=f.kind, credit=outcome, **shown))
    return results


def _counted(incident: Incident, expected: GoldBrief) -> bool:
    """Whether an unmatched prediction is an error, or lies outside what the gold labels code."""
    return expected.is_incident_report is not None and incident.event_type not in expected.uncoded_event_types


def score_case(
    case: Case, brief: Brief | None, *, error: str | None = None, matching: Matching | None = None
) -> CaseResult:
    """Compare one brief (or the error that replaced it) with its gold case."""
    m = matching or Matching()
    gold = case.expected.incidents
    negative = case.expected.is_incident_report is False
    if brief is None:
        return CaseResult(
            case_id=case.id,
            error=error or "no brief",
            negative=negative,
            gold_incidents=len(gold),
            predicted_incidents=0,
            missed=[_label(g, i) for i, g in enumerate(gold) if not g.optional],
        )
    predicted = brief.incidents
    sims = [[incident_similarity(p, g, m) for g in gold] for p in predicted]
    pairs = assign(sims, minimum=MATCH_THRESHOLD)
    paired_gold = {g for _, g in pairs}
    paired_pred = {p for p, _ in pairs}
    usage = brief.provenance.usage
    return CaseResult(
        case_id=case.id,
        negative=negative,
        gold_incidents=len(gold),
        predicted_incidents=len(predicted),
        pairs=[
            PairResult(
                gold_index=g,
                predicted_index=p,
                similarity=round(sims[p][g], 3),
                label=_label(gold[g], g),
                fields=_compare_pair(predicted[p], gold[g], m),
            )
            for p, g in sorted(pairs, key=lambda pair: pair[1])
        ],
        missed=[_label(g, i) for i, g in enumerate(gold) if i not in paired_gold and not g.optional],
        spurious=[
            incident.summary
            for i, incident in enumerate(predicted)
            if i not in paired_pred and _counted(incident, case.expected)
        ],
        is_incident_report_ok=case.expected.is_incident_report in (None, brief.is_incident_report),
        quotes=brief.grounding.quotes,
        verified=brief.grounding.verified,
        attempts=usage.attempts,
        retries=max(usage.attempts - usage.requests, 0) if usage.requests else 0,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        elapsed_s=brief.provenance.elapsed_s,
        cache_hit=brief.provenance.cache_hit,
    )
