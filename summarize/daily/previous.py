"""Day over day: which of today's entries continue an entry of the previous brief.

An entry is a follow-up when the previous brief holds the same article's report
of it, or an entry it would link with if both dates were taken as imprecise:
the same event reported again (a late report dated by its publication, a
revised toll) or the same kind of event at the same place one day on. Every
other entry is new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError
from .linking import LinkItem, LinkOptions, compare
from .model import DAILY_SCHEMA_VERSION, DailyBrief, DailyIncident, FollowUp

__all__ = ["load_previous", "mark_follow_ups"]


def load_previous(path: Path) -> DailyBrief:
    """Read a daily brief written with ``-o brief.json``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the previous brief {path}: {exc.strerror or exc}",
            path=str(path),
            reason="unreadable",
        ) from exc
    try:
        return DailyBrief.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(
            f"{path} is not a daily brief in JSON ({DAILY_SCHEMA_VERSION}; write one with -o brief.json): "
            f"{exc.error_count()} validation error(s)",
            path=str(path),
            reason="invalid",
        ) from exc


def _supports(reason: str) -> bool:
    """A reason that counts for the link ("same place (...) +2"), not against it or neutral."""
    last = reason.rsplit(" ", 1)[-1]
    return last.startswith("+") and last != "+0"


def _imprecise(item: LinkItem) -> LinkItem:
    return replace(item, precise=False)


def mark_follow_ups(
    entries: Sequence[DailyIncident], previous: DailyBrief, options: LinkOptions, day: dt.date
) -> list[str]:
    """Set ``status`` and ``follow_up`` on each entry; returns notes for the reader."""
    notes: list[str] = []
    if previous.date != day - dt.timedelta(days=1):
        notes.append(f"the previous brief compared against is for {previous.date}, not the day before")
    old = [(p, _imprecise(LinkItem.of_entry(p, f"previous:{p.id}"))) for p in previous.incidents]
    for entry in entries:
        reports = {(s.article_id, s.incident_id) for s in entry.sources}
        item = _imprecise(LinkItem.of_entry(entry, f"today:{entry.id}"))
        best: tuple[float, DailyIncident, str] | None = None
        for prev, prev_item in old:
            shared = reports & {(s.article_id, s.incident_id) for s in prev.sources}
            if shared:
                best = (float("inf"), prev, "the same article's report of it is in both briefs")
                break
            verdict = compare(item, prev_item, options)
            score = verdict.score
            if score is not None and score >= options.threshold and (best is None or score > best[0]):
                why = "; ".join(r for r in verdict.reasons if _supports(r))
                best = (score, prev, why or f"link score {score}")
        if best is None:
            entry.status = "new"
        else:
            _score, prev, why = best
            entry.status = "follow_up"
            entry.follow_up = FollowUp(
                previous_id=prev.id, previous_date=prev.date, title=prev.title, why=why
            )
    return notes
