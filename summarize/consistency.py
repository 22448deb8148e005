"""Checks of the model's answer against the article text, for what a small model gets wrong.

A 1.5B model lists enum values it was shown rather than ones the article names
(``weapons: [drone, rocket, missile, artillery]`` for a street shooting), names
claimants nobody quoted, and picks a sub-event type its own weapons contradict.
These rules keep only what the article's words support. They are deliberately
lexical and general: a weapon is kept when its name (or a common synonym) is in
the incident's paragraph, a sub-event type must agree with the weapons kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from .grounding import normalize
from .schema import SubEventType, Weapon

__all__ = ["mentioned", "named_in", "supported_weapons", "sub_event_for", "tone_of"]

_WEAPON_WORDS: dict[Weapon, str] = {
    Weapon.drone: r"drones?|uavs?|unmanned",
    Weapon.rocket: r"rockets?|katyushas?|grads?|rpgs?",
    Weapon.missile: r"missiles?",
    Weapon.artillery: r"artillery|shell(s|ed|ing)|howitzers?|cannons?",
    Weapon.mortar: r"mortars?",
    Weapon.ied: r"ieds?|improvised|bombs?|explosives?|explosive devices?|(land)?mines?|dynamite|roadside",
    Weapon.vehicle_bomb: r"car[- ]bombs?|vehicle[- ]bombs?|truck[- ]bombs?|vbieds?|booby[- ]trapped (car|vehicle|truck)",
    Weapon.suicide_vest: r"suicide (vest|belt|bomber)s?|explosive (vest|belt)s?",
    Weapon.firearm: r"guns?|gunm[ae]n|gunfire|shot|shoot(ing|s)?|rifles?|pistols?|machine[- ]?guns?|firearms?|"
    r"fired (on|at) (the )?(crowd|people|civilians|police|soldiers)|ak-?47s?|bullets?|sniper",
    Weapon.grenade: r"grenades?",
    Weapon.airstrike: r"air ?strikes?|air raids?|warplanes?|jets?|bomb(ed|ing|ers?) from|aircraft|helicopters?|gunships?",
}
_PATTERNS = {w: re.compile(rf"\b({p})\b", re.IGNORECASE) for w, p in _WEAPON_WORDS.items()}

_EXPLOSIVE_TYPES: dict[SubEventType, tuple[Weapon, ...]] = {
    SubEventType.air_drone_strike: (Weapon.drone, Weapon.airstrike),
    SubEventType.shelling_artillery_missile_attack: (Weapon.rocket, Weapon.missile, Weapon.artillery, Weapon.mortar),
    SubEventType.remote_explosive_landmine_ied: (Weapon.ied, Weapon.vehicle_bomb),
    SubEventType.suicide_bomb: (Weapon.suicide_vest,),
    SubEventType.grenade: (Weapon.grenade,),
}


def mentioned(weapon: Weapon, text: str) -> bool:
    """Whether ``text`` names ``weapon`` (``other`` is always allowed)."""
    return weapon is Weapon.other or bool(_PATTERNS[weapon].search(text))


def supported_weapons(weapons: Iterable[Weapon], scope: str) -> list[Weapon]:
    """The weapons named in ``scope``, in the model's order, without repeats."""
    return [w for w in dict.fromkeys(weapons) if mentioned(w, scope)]


def sub_event_for(sub: SubEventType, weapons: list[Weapon], scope: str) -> SubEventType:
    """Keep an explosive sub-event type only when its weapons are named; else take the weapons' type."""
    expected = _EXPLOSIVE_TYPES.get(sub)
    if expected is None or any(mentioned(w, scope) for w in expected):
        return sub
    for candidate, kinds in _EXPLOSIVE_TYPES.items():
        if any(w in kinds for w in weapons):
            return candidate
    return sub


def named_in(name: str, text: str, threshold: float = 90.0) -> bool:
    """Whether an actor's name occurs in the text (case, quotes and small spelling slips aside)."""
    needle, _ = normalize(name)
    haystack, _ = normalize(text)
    if not needle.strip():
        return False
    return needle in haystack or fuzz.partial_ratio(needle, haystack) >= threshold


_HEDGED = re.compile(r"\b(suspect\w*|believed|alleged\w*|likely|probably|may have|thought to)\b", re.IGNORECASE)
_DENIED = re.compile(r"\b(den(y|ied|ies)|rejected responsibility|had nothing to do)\b", re.IGNORECASE)


def tone_of(sentence: str) -> str:
    """How an accusation is worded: "denied", "suspected" or "attributed"."""
    if _DENIED.search(sentence):
        return "denied"
    if _HEDGED.search(sentence):
        return "suspected"
    return "attributed"
