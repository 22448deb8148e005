"""The incident-level MUC-4 slots of an exported brief: type, stage, date, place, instrument,
perpetrators (slots 2-11). See ``export`` and ``evals/MUC4.md``."""

from __future__ import annotations

import datetime as dt
import re

from ...schema import Incident, Responsibility, SubEventType, TargetType, Weapon
from .parse import Filler, Value
from .text import fill_date, fill_text

__all__ = [
    "incident_category",
    "incident_date",
    "incident_location",
    "incident_stage",
    "incident_type",
    "instrument_types",
    "organisation_confidence",
    "perpetrators",
]


# --- incident type and stage -------------------------------------------------------------------

_EXPLOSIVES = {Weapon.ied, Weapon.vehicle_bomb, Weapon.suicide_vest, Weapon.grenade}
_BOMBING_SUBEVENTS = {
    SubEventType.remote_explosive_landmine_ied,
    SubEventType.suicide_bomb,
    SubEventType.grenade,
}
_ATTACK_SUBEVENTS = {
    SubEventType.attack,
    SubEventType.sexual_violence,
    SubEventType.air_drone_strike,
    SubEventType.shelling_artillery_missile_attack,
    SubEventType.chemical_weapon,
    SubEventType.violent_demonstration,
    SubEventType.mob_violence,
    SubEventType.armed_clash,
}
_MILITARY = {TargetType.military, TargetType.security_forces}
_ARSON_WORDS = re.compile(
    r"\b(arson|burn\w*|set (?:on )?fire|set ablaze|torch\w*|fire-?bomb\w*)\b", re.IGNORECASE
)
_ROBBERY_WORDS = re.compile(
    r"\b(rob\w*|stole|stolen|steal\w*|loot\w*|hold-?up|assault on a bank)\b", re.IGNORECASE
)


def incident_type(incident: Incident) -> str | None:
    """The MUC-4 INCIDENT: TYPE of an incident, or None when it is no MUC-4 terrorist incident.

    An incident whose targets are all military or police is not (a guerrilla act, not terrorism:
    the MUC-4 relevance rule, template-doc-part1 1.0), nor is a clash with no target named; nor
    are protests, arrests and other strategic developments, except a bomb defused (an attempted
    bombing).
    """
    sub = incident.sub_event_type
    targets = incident.targets
    if (targets and all(target.type in _MILITARY for target in targets)) or (
        sub is SubEventType.armed_clash and not targets
    ):
        return None
    if sub is SubEventType.abduction_forced_disappearance:
        return "KIDNAPPING"
    if sub is SubEventType.disrupted_weapons_use:
        return "BOMBING"
    if sub is SubEventType.looting_property_destruction:
        if _ARSON_WORDS.search(incident.summary):
            return "ARSON"
        return "ROBBERY" if _ROBBERY_WORDS.search(incident.summary) else "ATTACK"
    if sub in _BOMBING_SUBEVENTS or _EXPLOSIVES & set(incident.weapons):
        return "BOMBING"
    return "ATTACK" if sub in _ATTACK_SUBEVENTS else None


def incident_stage(incident: Incident) -> str:
    if incident.sub_event_type is SubEventType.disrupted_weapons_use or incident.outcome in (
        "intercepted",
        "failed",
    ):
        return "ATTEMPTED"
    return "ACCOMPLISHED"


# --- date and place ------------------------------------------------------------------------------


def incident_date(incident: Incident, published: dt.date | None) -> str | None:
    """``DD MMM YY`` for a day; ``- DD MMM YY`` anchored on the dateline otherwise (the key's
    default form, template-doc-part1 7.3 note 3); a resolved day after the dateline is not."""
    day = incident.date
    if day is not None and incident.date_precision == "day" and (published is None or day <= published):
        return fill_date(day)
    if published is not None:
        return f"- {fill_date(published)}"
    return None


def incident_location(incident: Incident) -> str | None:
    place = incident.location
    if not place.country:
        return None
    country = fill_text(place.country)
    if place.place and fill_text(place.place) != country:
        return f"{country}: {fill_text(place.place)} (CITY)"
    if place.admin1:
        return f"{country}: {fill_text(place.admin1)} (DEPARTMENT)"
    return country


# --- instruments -----------------------------------------------------------------------------------

_INSTRUMENTS = {
    Weapon.ied: "BOMB",
    Weapon.vehicle_bomb: "VEHICLE BOMB",
    Weapon.suicide_vest: "EXPLOSIVE",
    Weapon.grenade: "GRENADE",
    Weapon.firearm: "GUN",
    Weapon.mortar: "MORTAR",
    Weapon.rocket: "ROCKET",
    Weapon.missile: "MISSILE",
    Weapon.artillery: "PROJECTILE",
    Weapon.airstrike: "AERIAL BOMB",
}


def instrument_types(incident: Incident) -> list[Filler]:
    kinds = dict.fromkeys(_INSTRUMENTS[weapon] for weapon in incident.weapons if weapon in _INSTRUMENTS)
    return [Filler((Value(kind),), (Value("-", quoted=True),)) for kind in kinds]


# --- perpetrators ------------------------------------------------------------------------------------

_STATE_WORDS = re.compile(
    r"\b(army|armed forces|military|soldiers?|troops|police|policemen|national guard|government|"
    r"security forces|battalion|brigade|navy|air force|treasury police|death squads?)\b",
    re.IGNORECASE,
)
_GENERIC = re.compile(
    r"\b(unidentified|unknown|gunmen|gunman|men|man|individuals?|people|persons?|terrorists?|"
    r"guerrillas?|rebels?|insurgents?|subversives?|extremists?|attackers?|assailants?|members?)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")


def _is_organisation(name: str) -> bool:
    """A named group (``FMLN``, ``Shining Path``) rather than a description (``unidentified gunmen``)."""
    if _ACRONYM.search(name):
        return True
    words = [word for word in re.findall(r"[^\W\d_][\w'-]*", name) if len(word) > 3]
    return bool(words) and all(word[0].isupper() for word in words) and not _GENERIC.search(name)


_CONFIDENCE = {
    Responsibility.claimed: "CLAIMED OR ADMITTED",
    Responsibility.attributed: "REPORTED AS FACT",
    Responsibility.suspected: "SUSPECTED OR ACCUSED",
    Responsibility.denied: "SUSPECTED OR ACCUSED",
    Responsibility.unknown: "REPORTED AS FACT",
}


def perpetrators(incident: Incident) -> tuple[list[str], list[str]]:
    """(individuals, organisations) among the incident's perpetrators and claimants."""
    names = list(dict.fromkeys([*incident.perpetrators, *incident.claimed_by]))
    organisations = [name for name in names if _is_organisation(name) or name in incident.claimed_by]
    return [name for name in names if name not in organisations], organisations


def organisation_confidence(incident: Incident, organisation: str) -> str:
    if organisation in incident.claimed_by:
        return "CLAIMED OR ADMITTED"
    return _CONFIDENCE[incident.responsibility]


def incident_category(incident: Incident) -> str | None:
    names = [*incident.perpetrators, *incident.claimed_by]
    if not names:
        return None
    return "STATE-SPONSORED VIOLENCE" if any(_STATE_WORDS.search(name) for name in names) else "TERRORIST ACT"
