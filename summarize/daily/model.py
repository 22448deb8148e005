"""The daily brief as data: one entry per event, however many articles reported it.

This is the JSON form of a daily brief (``-o brief.json``) and what the Markdown
and HTML pages are rendered from; the next day's run reads it back
(``--previous``) to tell new incidents from follow-ups. Like the article brief,
every model is strict, and nothing is silently chosen: where sources disagree
on a toll, the entry keeps the range and every source's figure; where they
disagree on who did it, it keeps who said what.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..schema import Casualties, EventType, Evidence, Location, Responsibility, SubEventType, Target, Weapon

__all__ = [
    "DAILY_SCHEMA_VERSION",
    "Attribution",
    "CountRange",
    "CountReport",
    "DailyBrief",
    "DailyIncident",
    "DateBasis",
    "DayTotals",
    "ExecutiveSummary",
    "FollowUp",
    "LinkExplanation",
    "NearMiss",
    "SourceReport",
    "SummarySentence",
]

DAILY_SCHEMA_VERSION: Final = "daily-brief/1"

#: Where an entry's date comes from: the incident's own date, or its article's publication date.
DateBasis = Literal["reported", "publication"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceReport(_Strict):
    """One article's account of the event."""

    article_id: str = Field(description="Content id of the article.")
    incident_id: str = Field(description="The incident's id in that article's brief.")
    label: str = Field(description="How the source is named on the page (title, file name or id).")
    title: str | None = None
    url: str | None = None
    source: str | None = Field(default=None, description="Where the article was read from.")
    published_at: dt.date | None = None
    date: dt.date | None = Field(description="The incident date as this article gives it.")
    date_text: str | None = None
    date_basis: DateBasis = Field(description="publication: the article gave no date for the incident.")
    place: str | None = Field(description="The place as this article names it.")
    fatalities: Casualties
    injured: Casualties
    perpetrators: list[str]
    responsibility: Responsibility
    claimed_by: list[str]
    summary: str = Field(description="The article brief's sentence for this incident.")
    evidence: list[Evidence] = Field(description="Quotes found in the article (verified ones first).")


class CountReport(_Strict):
    """What one source says about a count."""

    source: str = Field(description="The source's label.")
    count: int
    qualifier: Literal["exact", "at_least", "approximate"]


class CountRange(_Strict):
    """A casualty count over all sources: a range, and who said what."""

    low: int | None = Field(description="Smallest figure given; null when no source gives one.")
    high: int | None = Field(description="Largest figure given.")
    agreed: bool = Field(description="True when every source that gives a figure gives the same one.")
    reports: list[CountReport] = Field(description="Each source's figure, as it gave it.")


class Attribution(_Strict):
    """Who is said to be responsible, and by which sources."""

    actor: str
    responsibility: Responsibility = Field(description="claimed, attributed, suspected or denied.")
    sources: list[str] = Field(description="Labels of the sources that say so.")


class LinkExplanation(_Strict):
    """Why two reports were judged to be the same event."""

    a: str = Field(description="Incident id of one report.")
    b: str = Field(description="Incident id of the other.")
    a_source: str = Field(default="", description="The first report as a reader knows it (source, #n).")
    b_source: str = Field(default="", description="The second report as a reader knows it.")
    score: float = Field(description="Link score; reports link at or above the threshold.")
    reasons: list[str] = Field(description="Each piece of evidence and what it added to the score.")


class NearMiss(_Strict):
    """Two reports of the day that look alike but were kept apart, and why."""

    a: str
    b: str
    a_source: str = ""
    b_source: str = ""
    score: float | None = Field(description="Link score, null when a hard rule ruled the pair out.")
    reason: str


class FollowUp(_Strict):
    """The previous day's entry this one continues."""

    previous_id: str = Field(description="The entry's id in the previous brief.")
    previous_date: dt.date
    title: str = Field(description="The previous entry's title.")
    why: str = Field(description="What links the two.")


class DailyIncident(_Strict):
    """One event of the day, merged over every article that reported it."""

    id: str = Field(description='Id within this brief ("I1", "I2", ...), in reading order.')
    title: str = Field(description="Kind, place and toll, written from the merged fields.")
    date: dt.date
    date_basis: DateBasis = Field(
        description="reported: at least one source dates the incident; publication: none does, "
        "so the articles' publication date is used."
    )
    event_type: EventType
    sub_event_type: SubEventType
    types_reported: list[SubEventType] = Field(
        description="Every sub-event type the sources gave, when they differ (else empty)."
    )
    location: Location = Field(description="The most precise location any source gives.")
    places_reported: list[str] = Field(description="Every place name the sources use.")
    attributions: list[Attribution] = Field(description="Claims and blame, with who says so.")
    targets: list[Target]
    weapons: list[Weapon]
    fatalities: CountRange
    injured: CountRange
    severity: tuple[int, int, int] = Field(
        description="Sort key: most killed, most injured, target rank (higher is more severe)."
    )
    sources: list[SourceReport] = Field(description="Every article's account, earliest first.")
    links: list[LinkExplanation] = Field(description="Why these reports were merged.")
    status: Literal["new", "follow_up"] | None = Field(
        default=None, description="Against the previous brief, when one was given."
    )
    follow_up: FollowUp | None = None


class DayTotals(_Strict):
    incidents: int
    articles: int = Field(description="Articles with at least one incident of the day.")
    multi_source: int = Field(description="Incidents reported by two or more articles.")
    fatalities_low: int = Field(description="Sum of the smallest figures given.")
    fatalities_high: int = Field(description="Sum of the largest figures given.")
    injured_low: int
    injured_high: int
    by_type: dict[str, int] = Field(description="Incidents per ACLED event type.")
    by_country: dict[str, int] = Field(description="Incidents per country.")


class SummarySentence(_Strict):
    text: str
    incident_ids: list[str] = Field(description="The incidents the sentence is about; each exists.")


class ExecutiveSummary(_Strict):
    sentences: list[SummarySentence]
    written_by: Literal["model", "fallback"]
    model: str | None = Field(default=None, description="The model that wrote it, if one did.")
    cache_hit: bool = False
    dropped: list[str] = Field(
        default_factory=list, description="Model sentences dropped, and why (bad ids, unsupported numbers)."
    )


class DailyBrief(_Strict):
    """Everything that happened on one day, as reported by the articles read."""

    schema_version: Literal["daily-brief/1"] = DAILY_SCHEMA_VERSION
    date: dt.date
    created_at: dt.datetime
    articles_read: int = Field(description="Article briefs read (after removing duplicates).")
    incidents_read: int = Field(description="Incidents in those briefs, of any date.")
    summary: ExecutiveSummary
    totals: DayTotals
    incidents: list[DailyIncident] = Field(description="Grouped by country, most severe first.")
    near_misses: list[NearMiss] = Field(description="Pairs kept apart that a reader might expect merged.")
    notes: list[str] = Field(description="What the reader should know about how the brief was made.")
    previous_date: dt.date | None = Field(default=None, description="Date of the brief compared against.")
