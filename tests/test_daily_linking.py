"""Cross-article event linking: what merges, what never does, and how disagreements are kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from summarize.daily import DailyOptions, daily_from_briefs, to_markdown
from summarize.daily.linking import LinkItem, LinkOptions, compare, link_incidents
from summarize.daily.merge import count_range
from summarize.daily.sources import Reported, reports_of
from summarize.evals.scorers.linking import pairwise_scores
from summarize.schema import (
    ArticleMeta,
    Brief,
    Casualties,
    Evidence,
    Grounding,
    Incident,
    Location,
    Provenance,
    Responsibility,
    SubEventType,
    Target,
    TargetType,
    TokenUsage,
    event_type_of,
)
from summarize.text.geo import country_code

DAY = dt.date(2024, 3, 5)


def incident(
    article: str,
    number: int = 1,
    *,
    day: dt.date | None = DAY,
    place: str | None = "Kabul",
    admin1: str | None = None,
    country: str = "Afghanistan",
    sub: SubEventType = SubEventType.suicide_bomb,
    targets: tuple[tuple[str, TargetType], ...] = (("Ministry of Interior", TargetType.government),),
    perpetrators: tuple[str, ...] = (),
    claimed_by: tuple[str, ...] = (),
    killed: int | None = None,
    injured: int | None = None,
    quote: str | None = None,
) -> Incident:
    """An incident as a brief would hold it (only what linking and merging read is varied)."""
    responsibility = (
        Responsibility.claimed
        if claimed_by
        else Responsibility.attributed
        if perpetrators
        else Responsibility.unknown
    )
    return Incident(
        id=f"{article}#{number}",
        event_type=event_type_of(sub),
        sub_event_type=sub,
        date=day,
        date_text="Tuesday" if day else None,
        date_precision="day" if day else "unknown",
        location=Location(
            place=place,
            admin1=admin1,
            country=country,
            country_code=country_code(country),
            geo_precision=1 if place else 3,
        ),
        perpetrators=list(perpetrators),
        responsibility=responsibility,
        claimed_by=list(claimed_by),
        targets=[Target(name=name, type=kind) for name, kind in targets],
        weapons=[],
        fatalities=Casualties(count=killed),
        injured=Casualties(count=injured),
        outcome="hit",
        summary=f"An incident reported by {article}.",
        evidence=[Evidence(field="event", quote=quote, start=0, end=len(quote), verified=True)]
        if quote
        else [],
    )


def brief(article: str, *incidents: Incident, published: dt.date | None = DAY, **meta: Any) -> Brief:
    """A brief of one article holding ``incidents``."""
    return Brief(
        article=ArticleMeta(
            id=article, title=meta.get("title", f"Outlet {article}"), published_at=published, chars=1000
        ),
        headline="A headline",
        summary="A summary.",
        is_incident_report=bool(incidents),
        incidents=list(incidents),
        context=[],
        grounding=Grounding(quotes=0, verified=0, unverified=[]),
        provenance=Provenance(
            model="mock",
            backend="mock",
            prompt_version="test",
            schema_version="incident-brief/1",
            created_at=dt.datetime(2024, 3, 6, tzinfo=dt.UTC),
            usage=TokenUsage(),
            cache_hit=False,
            elapsed_s=0.0,
        ),
    )


def groups_of(*briefs: Brief) -> list[set[str]]:
    """The incident ids linked together, as sets."""
    reports, _undated = reports_of(list(briefs))
    linking = link_incidents(reports)
    return [{reports[k].incident.id for k in group} for group in linking.groups]


def test_the_same_event_from_two_articles_merges_into_one_entry_citing_both() -> None:
    a = brief("a", incident("a", place="Kabul", injured=25, perpetrators=("Islamic State",)))
    b = brief(
        "b",
        incident("b", place="Kabul city", injured=34, claimed_by=("Islamic State Khorasan",)),
        title="Another outlet",
    )
    day = daily_from_briefs([a, b], DailyOptions(day=DAY))
    assert len(day.incidents) == 1
    entry = day.incidents[0]
    assert sorted(s.article_id for s in entry.sources) == ["a", "b"]
    assert entry.links and any("same place" in reason for reason in entry.links[0].reasons)
    assert day.totals.multi_source == 1


def test_two_incidents_at_the_same_base_on_different_days_do_not_merge() -> None:
    monday = incident("a", day=DAY - dt.timedelta(days=1), place="Camp Bastion", killed=2)
    tuesday = incident("b", day=DAY, place="Camp Bastion", killed=2)
    assert groups_of(brief("a", monday), brief("b", tuesday)) == [{"a#1"}, {"b#1"}]


def test_an_imprecise_report_cannot_chain_two_days_together() -> None:
    monday = incident("a", day=DAY - dt.timedelta(days=1), place="Camp Bastion", killed=2)
    wednesday = incident("c", day=DAY + dt.timedelta(days=1), place="Camp Bastion", killed=2)
    undated = incident("b", day=None, place="Camp Bastion", killed=2)  # filed under its publication date
    groups = groups_of(brief("a", monday), brief("b", undated, published=DAY), brief("c", wednesday))
    assert not any({"a#1", "c#1"} <= group for group in groups)
    assert any(len(group) == 2 for group in groups)  # the undated report joins one of them


def test_two_incidents_of_one_article_never_merge_even_when_alike() -> None:
    first, second = incident("a", 1, place="Kabul"), incident("a", 2, place="Kabul")
    other = incident("b", 1, place="Kabul")
    groups = groups_of(brief("a", first, second), brief("b", other))
    assert not any({"a#1", "a#2"} <= group for group in groups)
    assert sorted(map(len, groups)) == [1, 2]


def test_the_same_article_rule_shows_as_a_near_miss() -> None:
    day = daily_from_briefs(
        [brief("a", incident("a", 1), incident("a", 2))], DailyOptions(day=DAY, linking=LinkOptions())
    )
    assert len(day.incidents) == 2
    assert any("same article" in miss.reason for miss in day.near_misses)


def test_conflicting_counts_become_a_range_with_who_said_what() -> None:
    a = brief("a", incident("a", injured=25, killed=3), title="Agency A")
    b = brief("b", incident("b", injured=34, killed=3), title="Agency B")
    entry = daily_from_briefs([a, b], DailyOptions(day=DAY)).incidents[0]
    assert (entry.injured.low, entry.injured.high, entry.injured.agreed) == (25, 34, False)
    assert [(r.source, r.count) for r in entry.injured.reports] == [("Agency A", 25), ("Agency B", 34)]
    assert entry.fatalities.agreed and entry.fatalities.low == 3
    text = to_markdown(daily_from_briefs([a, b], DailyOptions(day=DAY)))
    assert "25\u201334" in text
    assert "Agency A: 25; Agency B: 34" in text


def test_count_range_keeps_qualifiers_and_ignores_unreported() -> None:
    value = count_range(
        [
            ("A", Casualties(count=5, qualifier="at_least")),
            ("B", Casualties(count=None)),
            ("C", Casualties(count=5)),
        ]
    )
    assert (value.low, value.high, value.agreed) == (5, 5, True)
    assert [r.qualifier for r in value.reports] == ["at_least", "exact"]
    assert count_range([("A", Casualties(count=None))]).low is None


def test_different_countries_never_link() -> None:
    a = incident("a", place="Rafah", country="Egypt")
    b = incident("b", place="Rafah", country="Palestine")
    assert groups_of(brief("a", a), brief("b", b)) == [{"a#1"}, {"b#1"}]


def test_different_event_types_link_only_for_the_same_named_target() -> None:
    options = LinkOptions()
    shot = LinkItem.of_report(
        Reported(
            incident(
                "a", sub=SubEventType.attack, targets=(("Father Ignacio Ellacuria", TargetType.religious),)
            ),
            brief("a").article,
            DAY,
            "reported",
        )
    )
    clash = LinkItem.of_report(
        Reported(
            incident(
                "b", sub=SubEventType.armed_clash, targets=(("Ignacio Ellacuria", TargetType.religious),)
            ),
            brief("b").article,
            DAY,
            "reported",
        )
    )
    soldiers = LinkItem.of_report(
        Reported(
            incident("c", sub=SubEventType.armed_clash, targets=(("soldiers", TargetType.military),)),
            brief("c").article,
            DAY,
            "reported",
        )
    )
    assert compare(shot, clash, options).score is not None
    assert "different event types" in (compare(shot, soldiers, options).ruled_out or "")


def test_different_named_victims_in_one_city_stay_apart() -> None:
    kent = incident(
        "a",
        place="Medellin",
        country="Colombia",
        sub=SubEventType.abduction_forced_disappearance,
        targets=(("David Leslie Kent", TargetType.civilians),),
    )
    donelley = incident(
        "b",
        place="Medellin",
        country="Colombia",
        sub=SubEventType.abduction_forced_disappearance,
        targets=(("James Arthur Donelley", TargetType.civilians),),
    )
    assert groups_of(brief("a", kent), brief("b", donelley)) == [{"a#1"}, {"b#1"}]


def test_shared_rare_words_in_the_evidence_help_a_vague_report_link() -> None:
    quote_a = "Gunmen killed six Jesuit priests at the Central American University before dawn"
    quote_b = "The Jesuit priests of the Central American University were murdered this morning"
    a = incident("a", place=None, targets=(), quote=quote_a)
    b = incident("b", place=None, targets=(), quote=quote_b)
    c = incident("c", place=None, targets=(), quote="A bus was set on fire by unknown men near the market")
    reports, _ = reports_of([brief("a", a), brief("b", b), brief("c", c)])
    verdicts = {
        (x, y): compare(LinkItem.of_report(reports[x]), LinkItem.of_report(reports[y]), LinkOptions())
        for x, y in ((0, 1), (0, 2))
    }
    assert (verdicts[(0, 1)].score or 0) > (verdicts[(0, 2)].score or 0)
    assert any("share rare words" in r or "share some words" in r for r in verdicts[(0, 1)].reasons)


def test_an_incident_without_a_date_is_filed_by_publication_and_says_so() -> None:
    day = daily_from_briefs([brief("a", incident("a", day=None), published=DAY)], DailyOptions(day=DAY))
    assert day.incidents[0].date_basis == "publication"
    assert any("publication date" in note for note in day.notes)
    assert "publication date: no source dates the incident" in to_markdown(day)


def test_a_late_undated_report_joins_the_dated_event() -> None:
    dated = brief("a", incident("a", killed=8))
    late = brief("b", incident("b", day=None, killed=8), published=DAY + dt.timedelta(days=1))
    day = daily_from_briefs([dated, late], DailyOptions(day=DAY))
    assert len(day.incidents) == 1 and len(day.incidents[0].sources) == 2
    assert day.incidents[0].date_basis == "reported"
    assert not daily_from_briefs([dated, late], DailyOptions(day=DAY + dt.timedelta(days=1))).incidents


def test_entries_are_ordered_by_severity_and_grouped_by_country() -> None:
    briefs = [
        brief("a", incident("a", place="Kabul", killed=1)),
        brief(
            "b",
            incident(
                "b", place="Gao", country="Mali", killed=9, targets=(("soldiers", TargetType.military),)
            ),
        ),
        brief("c", incident("c", place="Herat", killed=4, targets=(("a mosque", TargetType.religious),))),
        brief(
            "d",
            incident(
                "d",
                place="Kidal",
                country="Mali",
                killed=1,
                targets=(("UN convoy", TargetType.humanitarian),),
            ),
        ),
    ]
    day = daily_from_briefs(briefs, DailyOptions(day=DAY))
    assert [(e.id, e.location.place) for e in day.incidents] == [
        ("I1", "Gao"),
        ("I2", "Kidal"),
        ("I3", "Herat"),
        ("I4", "Kabul"),
    ]
    assert day.totals.by_country == {"Mali": 2, "Afghanistan": 2}
    assert (day.totals.fatalities_low, day.totals.fatalities_high) == (15, 15)


def test_pairwise_scores_count_pairs_of_labelled_reports() -> None:
    gold = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z"}
    scores = pairwise_scores([["a", "b"], ["c", "d"], ["e"], ["unlabelled", "a"]], gold)
    assert (scores.true_pairs, scores.predicted_pairs, scores.gold_pairs) == (1, 2, 3)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(1 / 3)


def test_a_name_in_different_roles_still_links_two_reports_of_one_event() -> None:
    """A small model may make the victim an actor; the shared name still identifies the event."""
    bombing = incident(
        "a", place="San Salvador", country="El Salvador", targets=(("FENASTRAS building", TargetType.other),)
    )
    bombing = bombing.model_copy(update={"perpetrators": ["Febe Elizabeth Velasquez"]})
    death = incident(
        "b",
        place="San Salvador",
        country="El Salvador",
        sub=SubEventType.disrupted_weapons_use,
        targets=(("Febe Elizabeth Velazquez", TargetType.civilians),),
    )
    verdict = compare(
        *(LinkItem.of_report(r) for r in reports_of([brief("a", bombing), brief("b", death)])[0]),
        LinkOptions(),
    )
    assert verdict.score is not None
    assert any("different roles" in reason for reason in verdict.reasons)
