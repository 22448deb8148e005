"""From the model's answers to checked incidents: everything the model is not trusted with.

The model lists events and describes each; this module decides what of that stands.
Quotes (the opening words of a sentence) are located in the article, and the whole
sentence they begin, in the article's own words, becomes the evidence; dates, country codes
and event types are derived; an event whose paragraph speaks of no violence is
dropped, one spread over several countries becomes context; a claim needs a claim
sentence, actors must be named in the article, weapons near the incident, outcomes
in its words, and a zero casualty count a sentence that says none. Every rule is
lexical and general, and each is visible in the brief it shapes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence

from ..inputs.articles import Article
from ..schema import (
    Casualties,
    Evidence,
    EvidenceField,
    Incident,
    Location,
    Responsibility,
    Target,
    event_type_of,
)
from ..text.dates import day_expression, resolve_date
from ..text.geo import country_code, country_name, is_whole_country
from ..text.sentences import sentence_around
from . import checks, responsibility
from .extraction import EventStub, IncidentDetail, Survey
from .grounding import locate
from .wording import incident_sentence

__all__ = ["build_incident", "candidate_events", "context_facts", "share_generic_claims", "with_summary"]

log = logging.getLogger(__name__)

# "0 killed" is only believed when a quote says so: small models write 0 for "not reported".
_NONE_REPORTED = re.compile(
    r"\b(no|without|zero|nobody|none)\b[^.;]{0,40}\b(casualt|injur|hurt|dead|death|killed|kill|fatalit|victim|"
    r"wound|harm|loss of life)|\b(no one|no-one|nobody)\b|\bunharmed\b|\bno (reported )?casualties\b",
    re.IGNORECASE,
)
_REGION_WORDS = re.compile(
    r"\b(district|province|governorate|region|state|county|department|prefecture|oblast|area)\b", re.I
)


def _key(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def _distinct(stubs: Sequence[EventStub]) -> list[EventStub]:
    """Drop events the model listed twice (same place and day, or the same quote)."""
    kept: list[EventStub] = []
    for stub in stubs:
        if any(
            (_key(stub.place) == _key(k.place) and _key(stub.when) == _key(k.when))
            or _key(stub.quote) == _key(k.quote)
            for k in kept
        ):
            log.debug("dropping duplicate event %r", stub.what)
            continue
        kept.append(stub)
    return kept


def _cleaned(stub: EventStub) -> EventStub:
    return stub.model_copy(
        update={
            "place": checks.known(stub.place),
            "country": checks.known(stub.country),
            "when": checks.known(stub.when),
        }
    )


_DATE_WORDS = re.compile(r"\d+|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)


def _dated_in(when: str | None, text: str) -> bool:
    """Whether the article itself holds the numbers and months of a date: a small model invents
    "on 12 March" for an attack the article dates "Saturday"."""
    folded = text.lower()
    return all((w if w.isdigit() else w[:3]).lower() in folded for w in _DATE_WORDS.findall(when or ""))


#: A wire dateline: the place (and date, agency) before the dash that opens the story.
_DATELINE = re.compile(r"\A\s*[A-Z][A-Z.'-]+(?:\s[A-Z][A-Z.'-]+)*(?:,[^\n]{0,60}?)?\s(?:--|\u2014|\u2013)\s")


def _own_date(stub: EventStub, published: dt.date | None) -> EventStub:
    """The day the event's own sentence gives, where the model dated it by another sentence:
    a small model copies one date ("a strike on 1 November") onto every event it lists. Only a
    date with a number or a month is replaced (``_dated_in`` holds for one without), since a bare
    weekday the sentence lacks is often the day the whole article runs on."""
    own = day_expression(stub.quote)
    if not stub.when or own is None or _dated_in(stub.when, stub.quote):
        return stub
    if resolve_date(own, published).date == resolve_date(stub.when, published).date:
        return stub
    log.debug("dating %r by its own sentence: %r, not %r", stub.what, own, stub.when)
    return stub.model_copy(update={"when": own})


def _own_places(stubs: list[EventStub], text: str) -> list[EventStub]:
    """Clear a place that another event's paragraph names but this event's does not: a small
    model carries one incident's place over to the next event it lists."""
    found = [locate(stub.quote, text) for stub in stubs]
    dateline = _DATELINE.match(text)  # "KABUL, Afghanistan —" is every paragraph's place
    opening = dateline.group(0) if dateline else ""
    near = [
        opening + "\n" + (_paragraph(text, f.start, f.end) if f else s.quote)
        for s, f in zip(stubs, found, strict=True)
    ]
    named = [
        bool(s.place) and responsibility.named_in(s.place or "", n) for s, n in zip(stubs, near, strict=True)
    ]
    kept = []
    for i, stub in enumerate(stubs):
        if stub.place and not named[i]:
            elsewhere = any(
                j != i and named[j] and _key(o.place) == _key(stub.place) for j, o in enumerate(stubs)
            )
            if elsewhere:
                log.debug("dropping place %r of %r: it is another event's", stub.place, stub.what)
                stub = stub.model_copy(update={"place": None})
        kept.append(stub)
    return kept


def _whole_quote(stub: EventStub, text: str) -> EventStub:
    """The stub with its quote's opening words replaced by the whole sentence they begin."""
    found = locate(stub.quote, text)
    if found is None:
        return stub
    start, end = sentence_around(text, found.start, found.end)
    return stub.model_copy(update={"quote": text[start:end]})


def candidate_events(survey: Survey, article: Article) -> tuple[list[EventStub], list[str]]:
    """The events worth detailing, and the quotes of overviews that belong in context.

    An event whose paragraph says nothing of violence or security is dropped (a small
    model lists a central bank decision as an "incident"), and so is one dated well
    before the article (the attack a trial or an anniversary recalls); one spread over
    several countries is an overview of many events, not an incident.
    """
    text = article.text
    events: list[EventStub] = []
    overviews: list[str] = []
    whole = [_own_date(_whole_quote(_cleaned(s), text), article.published_at) for s in survey.events]
    for stub in _own_places(_distinct(whole), text):
        found = locate(stub.quote, text)
        passage = _paragraph(text, found.start, found.end) if found else stub.quote
        if not checks.mentions_violence(passage):
            log.debug("dropping non-violent event %r", stub.what)
        elif checks.is_background(stub.when, article.published_at) and _dated_in(stub.when, text):
            log.debug("dropping event %r of %r: recalled, not news", stub.what, stub.when)
        elif checks.several_countries(stub.country):
            overviews.append(stub.quote)
        else:
            events.append(stub)
    return events, overviews


def context_facts(items: Sequence[str], text: str, summary: str) -> list[str]:
    """Background facts the article states: each found in it (no commentary on the task), none
    repeating another or the summary."""
    kept: list[str] = []
    for item in sorted(dict.fromkeys(items), key=len, reverse=True):
        if locate(item, text) is None or _key(item) in _key(summary):
            continue
        if not any(_key(item) in _key(longer) for longer in kept):
            kept.append(item)
    return sorted(kept, key=lambda c: items.index(c))


def _ground(field_name: EvidenceField, quote: str, text: str) -> Evidence:
    """Find the model's quote in the article; a verified quote becomes the article's whole sentence.

    A quote that ran into its length bound ends in a broken word (constrained decoding
    makes the model close the string with whatever token fits): without that last word
    the rest is found.
    """
    match = locate(quote, text)
    if match is None and " " in quote.strip():
        match = locate(quote.strip().rsplit(" ", 1)[0], text)
    if match is None:
        log.debug("unverified quote for %s: %r", field_name, quote)
        return Evidence(field=field_name, quote=quote, start=None, end=None, verified=False)
    start, end = sentence_around(text, match.start, match.end)
    return Evidence(
        field=field_name, quote=text[start:end], start=start, end=end, verified=True, match=match.kind
    )


def _location(stub: EventStub, detail: IncidentDetail) -> Location:
    """Where the event happened; a "place" that is itself a country, or lies in another
    country than the one stated ("Gaza Strip", "Israel"), names the country."""
    place, country = stub.place or None, stub.country or None
    if is_whole_country(place):
        place, country = None, place
    elif (inside := country_code(place)) and inside != country_code(country):
        country = country_name(inside)
    admin1 = detail.admin1 if _key(detail.admin1) not in ("", _key(place), _key(country)) else None
    if place:
        precision = 2 if _REGION_WORDS.search(place) else 1
    else:
        precision = 2 if admin1 else 3
    return Location(
        place=place,
        admin1=admin1,
        country=country,
        country_code=country_code(country),
        geo_precision=precision,
    )


def _paragraph(text: str, start: int | None, end: int | None) -> str:
    """The paragraph around a located quote (the whole text when it was not found)."""
    if start is None or end is None:
        return text
    begin = text.rfind("\n\n", 0, start)
    stop = text.find("\n\n", end)
    return text[0 if begin < 0 else begin : len(text) if stop < 0 else stop]


def _actors(names: Sequence[str], text: str, targets: Sequence[str] = ()) -> list[str]:
    """Names the article actually contains, without repeats, and none the incident's own target
    (a small model names the church that was attacked as the attacker)."""
    hit = {_key(t) for t in targets}
    return [
        n
        for n in dict.fromkeys(n.strip() for n in names)
        if n and _key(n) not in hit and responsibility.named_in(n, text)
    ]


def _responsibility(
    detail: IncidentDetail,
    claim: Evidence | None,
    accusation: Evidence | None,
    text: str,
    event: tuple[str, str | None],
) -> tuple[list[str], Responsibility, list[str]]:
    """Who did it and who says so, believing only names the article contains.

    ``event`` is the sentence that reports the incident and its place. A claim needs
    its own quote found in the article; otherwise the claimants are treated as
    blamed. Blame for "most of the attacks" that does not name this incident's place
    is about a campaign, not this incident, and is not kept; nor is "blame" quoted
    from a sentence that says nothing about responsibility, unless the group is named
    in the incident's own sentence ("Al-Shabab fighters stormed the base"): the
    reporter's attribution, which also names the attacker when nobody else does
    ("drones launched by Russian forces"). The wording of the accusation decides
    attributed, suspected or denied.
    """
    reported, place = event
    targets = [t.name for t in detail.targets]
    claimed_by = _actors(detail.claimed_by, text, targets)
    accused = _actors(detail.accused, text, targets)
    blame_sentence = _sentence_of(accusation, text)
    if blame_sentence and (
        responsibility.is_general_blame(blame_sentence, place)
        or not (
            responsibility.speaks_of_responsibility(blame_sentence)
            or any(responsibility.named_in(name, reported) for name in accused)
        )
    ):
        accused, accusation = [], None
    claim_sentence = _sentence_of(claim, text)
    if claimed_by and not responsibility.is_claim(claim_sentence):
        if responsibility.is_general_blame(claim_sentence, place):
            claimed_by = []
        accused, claimed_by = [*claimed_by, *accused], []
        accusation = accusation or claim
    perpetrators = list(dict.fromkeys([*claimed_by, *accused]))
    if claimed_by:
        return perpetrators, Responsibility.claimed, claimed_by
    if not accused:
        attacker = responsibility.reported_attacker(reported)
        if attacker and _actors([attacker], reported, targets):
            return [attacker], Responsibility.attributed, []
        return perpetrators, Responsibility.unknown, []
    return perpetrators, Responsibility(responsibility.tone_of(_sentence_of(accusation, text))), []


def _sentence_of(evidence: Evidence | None, text: str) -> str:
    """The article's words a located quote covers ("" when it was not found)."""
    if evidence is None or evidence.start is None or evidence.end is None:
        return ""
    return text[evidence.start : evidence.end]


def _casualties(value: Casualties, support: Sequence[str]) -> Casualties:
    """Keep a zero only when a verified quote says nobody was hurt; otherwise it was not reported."""
    if value.count == 0:
        said_none = any(_NONE_REPORTED.search(q) for q in support)
        return Casualties(count=0, qualifier="exact") if said_none else Casualties(count=None)
    return value


def _counts(detail: IncidentDetail, support: Sequence[str], reported: str) -> tuple[Casualties, Casualties]:
    """Killed and injured: the model's counts (a zero only with a sentence that says none), and
    where it gave none, the count the incident's own sentence states in so many words."""
    counts = [_casualties(detail.fatalities, support), _casualties(detail.injured, support)]
    if reported and any(c.count is None for c in counts):
        stated = checks.stated_casualties(reported)
        counts = [c if c.count is not None or s is None else s for c, s in zip(counts, stated, strict=True)]
    return counts[0], counts[1]


def _unique(evidence: list[Evidence]) -> list[Evidence]:
    """Evidence without repeats: one entry per field and sentence, the first kept."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in evidence:
        if (item.field, _key(item.quote)) not in seen:
            seen.add((item.field, _key(item.quote)))
            kept.append(item)
    return kept


def build_incident(incident_id: str, stub: EventStub, detail: IncidentDetail, article: Article) -> Incident:
    text = article.text
    detail = detail.model_copy(
        update={
            name: checks.known(getattr(detail, name))
            for name in ("claim_quote", "accusation_quote", "casualty_quote", "admin1")
        }
    )
    event = _ground("event", stub.quote, text)
    claim = _ground("responsibility", detail.claim_quote, text) if detail.claim_quote else None
    accusation = _ground("perpetrators", detail.accusation_quote, text) if detail.accusation_quote else None
    toll = _ground("fatalities", detail.casualty_quote, text) if detail.casualty_quote else None
    evidence = _unique([event, *(e for e in (claim, accusation, toll) if e is not None)])
    support = [text[ev.start : ev.end] for ev in evidence if ev.start is not None and ev.end is not None]
    scope = _paragraph(text, event.start, event.end)
    reported = text[event.start : event.end] if event.start is not None and event.end is not None else ""
    weapons = list(
        dict.fromkeys([*checks.supported_weapons(detail.weapons, scope), *checks.named_weapons(reported)])
    )
    fatalities, injured = _counts(detail, support, reported)
    target_types = [t.type for t in detail.targets]
    sub_event = checks.violent_sub_event(
        checks.sub_event_for(detail.sub_event_type, weapons, scope, target_types=target_types),
        weapons,
        hurt=bool(fatalities.count or injured.count),
        reported=reported,
        target_types=target_types,
    )
    sub_event = checks.named_kind(sub_event, reported)
    perpetrators, responsibility, claimed_by = _responsibility(
        detail, claim, accusation, text, (reported, stub.place)
    )
    if claim is not None and not claimed_by:  # the "claim" was blame after all
        evidence = _unique(
            [e.model_copy(update={"field": "perpetrators"}) if e is claim else e for e in evidence]
        )
    resolved = resolve_date(stub.when, article.published_at)
    location = _location(stub, detail)
    return Incident(
        id=incident_id,
        event_type=event_type_of(sub_event),
        sub_event_type=sub_event,
        date=resolved.date,
        date_text=stub.when or None,
        date_precision=resolved.precision,
        location=location,
        perpetrators=perpetrators,
        responsibility=responsibility,
        claimed_by=claimed_by,
        targets=[Target(name=t.name, type=t.type) for t in detail.targets],
        weapons=weapons,
        fatalities=fatalities,
        injured=injured,
        outcome=checks.supported_outcome(detail.outcome, scope),
        summary="",
        evidence=evidence,
    )


def with_summary(incident: Incident, what: str) -> Incident:
    summary = incident_sentence(
        what,
        incident.location,
        incident.date_text,
        incident.responsibility,
        incident.perpetrators,
        incident.claimed_by,
        incident.fatalities,
        incident.injured,
    )
    return incident.model_copy(update={"summary": summary})


def share_generic_claims(incidents: list[Incident], text: str) -> list[Incident]:
    """Extend a claim that names no place to the unclaimed incidents of the same day.

    "Responsibility was taken by X" after a lead reporting two attacks on Monday covers
    both; a small model attaches it to one of them. A claim that names its own
    incident's place is specific and is not shared.
    """
    shared: list[Incident] = []
    for incident in incidents:
        if incident.responsibility is not Responsibility.claimed and _key(incident.date_text):
            for other in incidents:
                claim = next((e for e in other.evidence if e.field == "responsibility" and e.verified), None)
                if (
                    other is incident
                    or other.responsibility is not Responsibility.claimed
                    or _key(other.date_text) != _key(incident.date_text)
                    or claim is None
                    or claim.start is None
                    or (
                        other.location.place
                        and _key(other.location.place) in _key(text[claim.start : claim.end])
                    )
                ):
                    continue
                log.debug("sharing the claim of %s with %s", other.id, incident.id)
                incident = incident.model_copy(
                    update={
                        "responsibility": Responsibility.claimed,
                        "claimed_by": list(other.claimed_by),
                        "perpetrators": list(dict.fromkeys([*other.claimed_by, *incident.perpetrators])),
                        "evidence": [*incident.evidence, claim],
                    }
                )
                break
        shared.append(incident)
    return shared
