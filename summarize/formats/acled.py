"""Incidents as ACLED-style CSV rows, for people who work in spreadsheets and ACLED tooling.

One row per incident, with ACLED's column names and its display labels for
event and sub-event types ("Explosions/Remote violence"). ``null`` stays an
empty cell: an unreported death toll is not ``0``. Cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) get a leading
apostrophe, because article text is untrusted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO

from ..schema import Brief, EventType, SubEventType

__all__ = ["COLUMNS", "incident_rows", "write_csv"]

COLUMNS = (
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "country",
    "admin1",
    "location",
    "fatalities",
    "notes",
    "source",
    "brief_id",
)

_EVENT_LABELS = {
    EventType.battles: "Battles",
    EventType.explosions_remote_violence: "Explosions/Remote violence",
    EventType.violence_against_civilians: "Violence against civilians",
    EventType.protests: "Protests",
    EventType.riots: "Riots",
    EventType.strategic_developments: "Strategic developments",
}

_SUB_EVENT_LABELS = {
    SubEventType.air_drone_strike: "Air/drone strike",
    SubEventType.shelling_artillery_missile_attack: "Shelling/artillery/missile attack",
    SubEventType.remote_explosive_landmine_ied: "Remote explosive/landmine/IED",
    SubEventType.abduction_forced_disappearance: "Abduction/forced disappearance",
    SubEventType.change_to_group_activity: "Change to group/activity",
    SubEventType.looting_property_destruction: "Looting/property destruction",
    SubEventType.non_state_actor_overtakes_territory: "Non-state actor overtakes territory",
    SubEventType.non_violent_transfer_of_territory: "Non-violent transfer of territory",
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _sub_event_label(sub: SubEventType) -> str:
    return _SUB_EVENT_LABELS.get(sub) or sub.value.replace("_", " ").capitalize()


def _cell(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def incident_rows(brief: Brief) -> Iterator[dict[str, str]]:
    """One ACLED-style row per incident of ``brief``."""
    article = brief.article
    source = article.url or article.title or article.source
    for incident in brief.incidents:
        where = incident.location
        actors = incident.perpetrators
        yield {
            "event_date": incident.date.isoformat() if incident.date else "",
            "event_type": _EVENT_LABELS[incident.event_type],
            "sub_event_type": _sub_event_label(incident.sub_event_type),
            "actor1": _cell(actors[0] if actors else None),
            "assoc_actor_1": _cell("; ".join(actors[1:])),
            "country": _cell(where.country),
            "admin1": _cell(where.admin1),
            "location": _cell(where.place),
            "fatalities": "" if incident.fatalities.count is None else str(incident.fatalities.count),
            "notes": _cell(incident.summary),
            "source": _cell(source),
            "brief_id": article.id,
        }


def write_csv(briefs: Iterable[Brief], stream: IO[str]) -> int:
    """Write the header and every incident of ``briefs``; returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = 0
    for brief in briefs:
        for row in incident_rows(brief):
            writer.writerow(row)
            rows += 1
    return rows
