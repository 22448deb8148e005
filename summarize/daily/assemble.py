"""One day's brief from many articles: select the day, link, merge, order, total, summarise.

Reports are filed under their incident date, or their article's publication date
when the incident has none (the entry says so). Linking looks one day either side
of the chosen day, so a late report dated by its publication can still join the
event it describes; an event is then kept when the day it is filed under (the
date the articles themselves give, by majority) is the chosen one.

Entries are grouped by country, and ordered most severe first: by deaths, then
injuries, then the kind of target. Their ids (I1, I2, ...) follow that reading
order, and the executive summary cites them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..brief.pipeline import Briefer
from ..config import Settings
from ..errors import ModelUnavailable
from ..inputs.articles import Article
from ..schema import Brief
from .linking import LinkOptions, link_incidents
from .merge import group_day, merge_reports
from .model import DailyBrief, DailyIncident, DayTotals
from .previous import load_previous, mark_follow_ups
from .sources import Reported, load_briefs, reports_of
from .summary import SummaryWriter

__all__ = ["DailyOptions", "build_daily", "daily_from_briefs"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyOptions:
    """What to brief and how."""

    #: the day; ``None`` takes the latest day with incidents
    day: dt.date | None = None
    linking: LinkOptions = field(default_factory=LinkOptions)
    #: let the model write the executive summary (else the deterministic one)
    use_model: bool = True
    #: a daily brief in JSON to tell new entries from follow-ups
    previous: Path | None = None


class _LazyBriefer:
    """The briefer (and its model) made only when an article or the summary needs one."""

    def __init__(self, settings: Settings | None, briefer: Briefer | None) -> None:
        self._settings = settings
        self._briefer = briefer
        self._owned = briefer is None

    def get(self) -> Briefer:
        if self._briefer is None:
            self._briefer = Briefer.from_settings(self._settings or Settings.resolve())
        return self._briefer

    def brief_function(self) -> Callable[[Article], Brief]:
        return self.get().brief

    def close(self) -> None:
        if self._owned and self._briefer is not None:
            self._briefer.close()


def _ordered(entries: list[DailyIncident]) -> list[DailyIncident]:
    """Grouped by country (the group of the most severe entry first), most severe first within."""
    by_severity = sorted(
        entries, key=lambda e: (tuple(-s for s in e.severity), e.date_basis != "reported", e.title)
    )
    countries = list(dict.fromkeys(e.location.country or "" for e in by_severity))
    ordered = sorted(by_severity, key=lambda e: countries.index(e.location.country or ""))
    for number, entry in enumerate(ordered, start=1):
        entry.id = f"I{number}"
    return ordered


def _totals(entries: Sequence[DailyIncident]) -> DayTotals:
    def low(values: Sequence[int | None]) -> int:
        return sum(v for v in values if v is not None)

    return DayTotals(
        incidents=len(entries),
        articles=len({s.article_id for e in entries for s in e.sources}),
        multi_source=sum(len({s.article_id for s in e.sources}) > 1 for e in entries),
        fatalities_low=low([e.fatalities.low for e in entries]),
        fatalities_high=low([e.fatalities.high for e in entries]),
        injured_low=low([e.injured.low for e in entries]),
        injured_high=low([e.injured.high for e in entries]),
        by_type=dict(Counter(e.event_type.value for e in entries)),
        by_country=dict(Counter(e.location.country or "Country not reported" for e in entries)),
    )


def _entries(n: int) -> str:
    return f"{n} entry has" if n == 1 else f"{n} entries have"


def _latest_day(reports: Sequence[Reported]) -> dt.date | None:
    return max((r.day for r in reports), default=None)


def _dating_notes(entries: Sequence[DailyIncident], undated: int) -> list[str]:
    """What the reader should know about how the entries were dated."""
    notes: list[str] = []
    by_publication = sum(e.date_basis == "publication" for e in entries)
    if by_publication:
        notes.append(
            f"{_entries(by_publication)} no date in any source and {'is' if by_publication == 1 else 'are'} "
            "filed under the articles' publication date"
        )
    mixed = sum(
        any(s.date_basis == "publication" for s in e.sources) and e.date_basis == "reported" for e in entries
    )
    if mixed:
        notes.append(
            f"{_entries(mixed)} reports without a date of their own (filed by publication date) joined "
            "to reports that date the incident"
        )
    if undated:
        notes.append(f"{undated} incident(s) with neither an incident nor a publication date were left out")
    return notes


def daily_from_briefs(
    briefs: Sequence[Brief],
    options: DailyOptions,
    *,
    summary_writer: Callable[[list[str]], SummaryWriter] | None = None,
    notes: list[str] | None = None,
) -> DailyBrief:
    """The daily brief of already-made article briefs.

    ``summary_writer`` makes the writer of the executive summary (it may add notes),
    and is called only when the day has entries; without one the summary is the
    deterministic one.
    """
    notes = list(notes or [])
    reports, undated = reports_of(briefs)
    day = options.day or _latest_day(reports)
    if day is None:
        day = dt.datetime.now(dt.UTC).date()
        notes.append("no incident has a date; nothing to brief")
    elif options.day is None:
        notes.append(f"no date was given: this is the latest day with incidents, {day}")
    window = dt.timedelta(days=options.linking.imprecise_days)
    nearby = [r for r in reports if abs(r.day - day) <= window]
    linking = link_incidents(nearby, options.linking)
    entries: list[DailyIncident] = []
    keys_today: set[str] = set()
    for index, members in enumerate(linking.groups):
        group = [nearby[k] for k in members]
        if group_day(group)[0] != day:
            continue
        entries.append(merge_reports(group, linking.links.get(index, [])))
        keys_today.update(r.incident.id for r in group)
    entries = _ordered(entries)
    totals = _totals(entries)
    notes += _dating_notes(entries, undated)
    previous_date = None
    if options.previous is not None:
        previous = load_previous(options.previous)
        previous_date = previous.date
        notes += mark_follow_ups(entries, previous, options.linking, day)
    writer = summary_writer(notes) if summary_writer is not None and entries else SummaryWriter(None)
    summary = writer.write(entries, totals, day.isoformat(), notes)
    return DailyBrief(
        date=day,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        articles_read=len(briefs),
        incidents_read=sum(len(b.incidents) for b in briefs),
        summary=summary,
        totals=totals,
        incidents=entries,
        near_misses=[m for m in linking.near_misses if m.a in keys_today or m.b in keys_today],
        notes=notes,
        previous_date=previous_date,
    )


def build_daily(
    inputs: Sequence[str | Path],
    options: DailyOptions | None = None,
    *,
    settings: Settings | None = None,
    briefer: Briefer | None = None,
    progress: Callable[[str], None] | None = None,
) -> DailyBrief:
    """The daily brief of ``inputs``: brief files, or articles briefed through the pipeline and cache.

    Uses ``briefer`` when given (left open), else one made from ``settings`` when
    an article or the summary needs a model (closed at the end). Raises
    ``SummarizeError`` for inputs that name nothing, a missing model when
    articles must be briefed, or an unreadable ``--previous`` brief.
    """
    options = options or DailyOptions()
    if options.previous is not None:
        load_previous(options.previous)  # fail before any model work
    lazy = _LazyBriefer(settings, briefer)
    try:
        loaded = load_briefs(inputs, lazy.brief_function, progress)
        notes = [f"could not use {failure}" for failure in loaded.failures]

        def writer(notes: list[str]) -> SummaryWriter:
            if not options.use_model:
                return SummaryWriter(None)
            try:
                active = lazy.get()
            except ModelUnavailable as exc:
                notes.append(f"no model for the summary ({exc}); it was written without one")
                return SummaryWriter(None)
            return SummaryWriter(active)

        return daily_from_briefs(loaded.briefs, options, summary_writer=writer, notes=notes)
    finally:
        lazy.close()
