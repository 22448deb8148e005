"""One entry from several reports of the same event, without silently picking between them.

Where sources agree the entry says it once; where they do not, it says so:
casualty counts become a range with each source's figure, blame becomes a list
of who says who did it, differing sub-event types and place names are all kept.
The entry's own fields take the most precise report (the most exact location,
the date the articles themselves give rather than a publication date).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from ..schema import (
    Casualties,
    Evidence,
    Responsibility,
    SubEventType,
    Target,
    TargetType,
    Weapon,
    event_type_of,
)
from .model import (
    Attribution,
    CountRange,
    CountReport,
    DailyIncident,
    DateBasis,
    LinkExplanation,
    SourceReport,
)
from .sources import Reported
from .wording import entry_title

__all__ = ["TARGET_RANK", "count_range", "group_day", "merge_reports"]

#: How much a kind of target weighs in ordering entries with equal tolls (higher first).
TARGET_RANK: dict[TargetType, int] = {
    TargetType.civilians: 10,
    TargetType.humanitarian: 9,
    TargetType.religious: 9,
    TargetType.media: 8,
    TargetType.diplomatic: 7,
    TargetType.government: 6,
    TargetType.security_forces: 5,
    TargetType.military: 4,
    TargetType.infrastructure: 3,
    TargetType.commercial: 2,
    TargetType.other: 1,
}

_MAX_EVIDENCE = 3


def group_day(reports: Sequence[Reported]) -> tuple[dt.date, DateBasis]:
    """The day an event is filed under: the date most articles give to the day, else any date they
    give, else the most common publication date (earliest on ties)."""
    for pool, basis in (
        ([r.day for r in reports if r.precise], "reported"),
        ([r.day for r in reports if r.basis == "reported"], "reported"),
        ([r.day for r in reports], "publication"),
    ):
        if pool:
            counts = Counter(pool)
            return min(counts, key=lambda d: (-counts[d], d)), basis  # type: ignore[return-value]
    raise ValueError("an event needs at least one report")


def count_range(values: Iterable[tuple[str, Casualties]]) -> CountRange:
    """Every source's figure, and the range they span."""
    reports = [
        CountReport(source=label, count=c.count, qualifier=c.qualifier or "exact")
        for label, c in values
        if c.count is not None
    ]
    counts = [r.count for r in reports]
    return CountRange(
        low=min(counts) if counts else None,
        high=max(counts) if counts else None,
        agreed=len(set(counts)) <= 1,
        reports=reports,
    )


def _attributions(reports: Sequence[Reported]) -> list[Attribution]:
    found: dict[tuple[str, Responsibility], Attribution] = {}
    for r in reports:
        inc = r.incident
        named = [(actor, Responsibility.claimed) for actor in inc.claimed_by]
        blame = inc.responsibility
        if blame in (Responsibility.claimed, Responsibility.unknown):
            blame = Responsibility.attributed
        named += [(actor, blame) for actor in inc.perpetrators if actor not in inc.claimed_by]
        for actor, how in named:
            key = (actor.casefold(), how)
            if key not in found:
                found[key] = Attribution(actor=actor, responsibility=how, sources=[])
            if r.label not in found[key].sources:
                found[key].sources.append(r.label)
    return list(found.values())


def _targets(reports: Sequence[Reported]) -> list[Target]:
    seen: dict[str, Target] = {}
    for r in reports:
        for target in r.incident.targets:
            seen.setdefault(target.name.casefold(), target)
    return list(seen.values())


def _evidence(evidence: Sequence[Evidence]) -> list[Evidence]:
    ranked = sorted(evidence, key=lambda ev: (not ev.verified, ev.field != "event"))
    return ranked[:_MAX_EVIDENCE]


#: What a source's account keeps of its article and of its incident, under the same names.
_ARTICLE_FIELDS = {"title", "url", "source", "published_at"}
_INCIDENT_FIELDS = {"date", "date_text", "fatalities", "injured", "perpetrators", "responsibility"}
_INCIDENT_FIELDS |= {"claimed_by", "summary"}


def _source(r: Reported) -> SourceReport:
    inc = r.incident
    return SourceReport(
        article_id=r.article.id,
        incident_id=inc.id,
        label=r.label,
        date_basis=r.basis,
        place=inc.location.place,
        evidence=_evidence(inc.evidence),
        **r.article.model_dump(include=_ARTICLE_FIELDS),
        **inc.model_dump(include=_INCIDENT_FIELDS),
    )


def _most_common(values: Sequence[SubEventType]) -> SubEventType:
    counts = Counter(values)
    return max(values, key=lambda v: counts[v])  # first of the most common, in source order


def merge_reports(reports: Sequence[Reported], links: Sequence[LinkExplanation]) -> DailyIncident:
    """One entry for the event the ``reports`` describe (its ``id`` is set when the day is ordered)."""
    ordered = sorted(reports, key=lambda r: (r.article.published_at or dt.date.max, r.label, r.incident.id))
    day, basis = group_day(ordered)
    subs = [r.incident.sub_event_type for r in ordered]
    sub = _most_common(subs)
    best = min(ordered, key=lambda r: r.incident.location.geo_precision).incident.location
    places = Counter(r.incident.location.place for r in ordered if r.incident.location.place)
    fatalities = count_range((r.label, r.incident.fatalities) for r in ordered)
    injured = count_range((r.label, r.incident.injured) for r in ordered)
    targets = _targets(ordered)
    weapons = list(dict.fromkeys(w for r in ordered for w in r.incident.weapons))
    rank = max((TARGET_RANK[t.type] for t in targets), default=0)
    return DailyIncident(
        id="",
        title=entry_title(sub, best, fatalities, injured),
        date=day,
        date_basis=basis,
        event_type=event_type_of(sub),
        sub_event_type=sub,
        types_reported=list(dict.fromkeys(subs)) if len(set(subs)) > 1 else [],
        location=best,
        places_reported=[place for place, _n in places.most_common()],
        attributions=_attributions(ordered),
        targets=targets,
        weapons=[Weapon(w) for w in weapons],
        fatalities=fatalities,
        injured=injured,
        severity=(fatalities.high or 0, injured.high or 0, rank),
        sources=[_source(r) for r in ordered],
        links=list(links),
    )
