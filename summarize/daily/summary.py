"""The executive summary: a few sentences over the day's entries, each citing the entries it is about.

A model writes it (``prompts/daily/summary.*.j2``) from the merged entries only,
through the same backend protocol and answer cache as the article briefs. It is
not trusted further than its citations: a sentence whose ids do not exist, or
that states a number found in none of the entries it cites, is dropped and the
drop recorded. When no sentence survives, or there is no model (``--no-model``,
no model installed, the endpoint failing), a deterministic summary written from
the entries by ``templates/daily.summary.j2`` takes its place.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ..backends.base import Message
from ..brief.pipeline import Briefer
from ..brief.prompts import PromptSet
from ..errors import BackendError, ModelUnavailable
from ..text.sentences import complete
from .model import DailyIncident, DayTotals, ExecutiveSummary, SummarySentence
from .wording import BLAME_WORDS, count_text, macros, where_text

__all__ = ["SummaryDraft", "SummaryWriter", "fallback_summary"]

log = logging.getLogger(__name__)

MIN_SENTENCES, MAX_SENTENCES = 2, 5
#: Entries shown to the model at most (the most severe); the rest are counted in the totals.
MAX_ENTRIES = 25

IncidentId = Annotated[str, Field(pattern=r"^I[0-9]{1,3}$")]


class _Lean(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftSentence(_Lean):
    text: str = Field(min_length=10, max_length=320, description="One sentence for the reader.")
    incident_ids: list[IncidentId] = Field(
        min_length=1, max_length=8, description='Ids of the incidents this sentence is about, like "I1".'
    )


class SummaryDraft(_Lean):
    """What the model is asked for."""

    sentences: list[DraftSentence] = Field(
        min_length=1, max_length=MAX_SENTENCES + 1, description="The summary, one sentence per item."
    )


_NUMBER = re.compile(r"\d[\d,]*")
_CITATION = re.compile(r"\s*[\[(]\s*(?:incidents?\s*)?I\d+(?:\s*(?:,|and|&)\s*I\d+)*\s*[\])]", re.IGNORECASE)
_ID = re.compile(r"^\W*I?\s*(\d{1,3})\W*$", re.IGNORECASE)


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _totals_line(totals: DayTotals) -> str:
    parts = [
        f"{totals.incidents} incidents",
        f"in {len(totals.by_country)} countries",
        f"from {totals.articles} articles",
        f"{totals.fatalities_low}-{totals.fatalities_high} killed",
        f"{totals.injured_low}-{totals.injured_high} injured",
    ]
    return ", ".join(parts)


def _who(entry: DailyIncident) -> str:
    parts = [
        f"{BLAME_WORDS[a.responsibility.value]} {a.actor} (according to {', '.join(a.sources)})"
        for a in entry.attributions
    ]
    return "; ".join(parts) or "nobody named"


def _count(name: str, value: Any) -> str:
    text = f"{name}: {count_text(value)}"
    if not value.agreed:
        text += " (sources disagree: " + "; ".join(f"{r.source} says {r.count}" for r in value.reports) + ")"
    return text


def facts(entry: DailyIncident) -> str:
    """One entry as a line of data for the model."""
    where = where_text(entry.location)
    targets = ", ".join(t.name for t in entry.targets) or "not reported"
    return "; ".join(
        [
            f"date: {entry.date}",
            f"where: {where or 'not reported'}",
            f"type: {entry.sub_event_type.value.replace('_', ' ')}",
            _count("killed", entry.fatalities),
            _count("injured", entry.injured),
            f"responsibility: {_who(entry)}",
            f"targets: {targets}",
            f"reported by {len(entry.sources)} source(s)",
        ]
    )


def fallback_summary(entries: Sequence[DailyIncident], totals: DayTotals, day: str) -> ExecutiveSummary:
    """A summary written from the entries by template: the day's totals, the worst entries, disagreements."""
    if not entries:
        return ExecutiveSummary(sentences=[], written_by="fallback")
    write = macros("daily.summary.j2")
    sentences = [
        SummarySentence(text=str(write.overview(day, totals)).strip(), incident_ids=[e.id for e in entries])
    ]
    for entry in entries[:3] if len(entries) > 1 else entries:
        sentences.append(SummarySentence(text=str(write.entry(entry)).strip(), incident_ids=[entry.id]))
    disputed = [e for e in entries if not e.fatalities.agreed or not e.injured.agreed]
    if disputed:
        text = str(write.disputed(disputed)).strip()
        sentences.append(SummarySentence(text=text, incident_ids=[e.id for e in disputed]))
    return ExecutiveSummary(sentences=sentences, written_by="fallback")


class SummaryWriter:
    """Writes the executive summary with a backend (or none) and the answer cache."""

    def __init__(self, briefer: Briefer | None) -> None:
        self.briefer = briefer

    def messages(self, entries: Sequence[DailyIncident], totals: DayTotals, day: str) -> list[Message]:
        values = {"min_sentences": MIN_SENTENCES, "max_sentences": MAX_SENTENCES}
        prompts = self.briefer.prompts if self.briefer is not None else PromptSet()
        system = prompts.render("daily/summary.system.j2", **values)
        user = prompts.render(
            "daily/summary.user.j2",
            date=day,
            totals=_totals_line(totals),
            incidents=[{"id": e.id, "facts": facts(e)} for e in entries[:MAX_ENTRIES]],
            **values,
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def write(
        self, entries: Sequence[DailyIncident], totals: DayTotals, day: str, notes: list[str]
    ) -> ExecutiveSummary:
        """The model's summary, checked; the fallback when there is no model or nothing survives."""
        if not entries or self.briefer is None:
            return fallback_summary(entries, totals, day)
        try:
            answer = self.briefer.client.ask(self.messages(entries, totals, day), SummaryDraft)
        except (BackendError, ModelUnavailable) as exc:
            notes.append(f"the model could not write the summary ({exc}); it was written without one")
            return fallback_summary(entries, totals, day)
        summary = check_draft(answer.value, entries, totals)
        summary.model = self.briefer.backend.model_id
        summary.cache_hit = answer.cached
        if summary.dropped:
            notes.append(
                f"{len(summary.dropped)} summary sentence(s) from the model were dropped: "
                + "; ".join(summary.dropped)
            )
        if not summary.sentences:
            fallback = fallback_summary(entries, totals, day)
            fallback.dropped = summary.dropped
            notes.append("no sentence of the model's summary could be kept; it was written without the model")
            return fallback
        return summary


def _repair_id(raw: str) -> str | None:
    found = _ID.match(raw.strip())
    return f"I{int(found.group(1))}" if found else None


def check_draft(draft: SummaryDraft, entries: Sequence[DailyIncident], totals: DayTotals) -> ExecutiveSummary:
    """Keep the sentences whose ids exist and whose numbers the cited entries (or totals) give."""
    by_id = {e.id: e for e in entries}
    known_numbers = _numbers(_totals_line(totals))
    kept: list[SummarySentence] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for sentence in draft.sentences:
        text = complete(" ".join(_CITATION.sub("", sentence.text).split()))
        if not text:
            dropped.append(f"{sentence.text!r} is not a complete sentence")
            continue
        ids = list(dict.fromkeys(i for raw in sentence.incident_ids if (i := _repair_id(raw)) in by_id))
        if not ids:
            dropped.append(f"{text!r} cites no existing incident ({', '.join(sentence.incident_ids)})")
            continue
        allowed = known_numbers | {n for i in ids for n in _numbers(facts(by_id[i]))}
        unsupported = sorted(_numbers(text) - allowed)
        if unsupported:
            dropped.append(f"{text!r} states {', '.join(unsupported)}, found in none of {', '.join(ids)}")
            continue
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        kept.append(SummarySentence(text=text, incident_ids=ids))
    return ExecutiveSummary(sentences=kept[:MAX_SENTENCES], written_by="model", dropped=dropped)
