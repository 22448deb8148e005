"""Comparing one response value with one key alternative, by the kind of fill of the slot.

Dates (3.2.2), locations (3.2.3), numbers (3.2.14/17/21/24) and set fills with the scorer's own
partial-credit cases (3.2.4-3.2.23); strings are in ``strings``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .judgement import COR, INC, PAR, Judgement
from .parse import Value
from .slots import Kind, SlotSpec
from .strings import judge_string

__all__ = ["judge_value"]


# --- dates (3.2.2) ---------------------------------------------------------------------------

_DATE = re.compile(r"(\d{1,2})\s*([A-Z]{3})[A-Z]*\s*(\d{4}|\d{2})\b")
#: How many days before the key's default anchor a response's single date still earns partial
#: credit ("- 26 AUG 89" in the key, 25 AUG 89 in the response, 3.2.2 example): the 1992 judges
#: gave it for up to two days and refused it from three on.
_DEFAULT_SLACK = dt.timedelta(days=2)


@dataclass(frozen=True)
class _Dates:
    """``low`` None for a default-looking date (``- 26 AUG 89``), ``low == high`` for one day."""

    low: dt.date | None
    high: dt.date


@lru_cache(maxsize=16384)
def _dates(text: str) -> _Dates | None:
    found = []
    for day, month, year in _DATE.findall(text.upper()):
        try:
            found.append(dt.datetime.strptime(f"{day} {month.title()} {year[-2:]}", "%d %b %y").date())
        except ValueError:
            return None
    if len(found) == 1:
        return _Dates(None if text.strip().startswith("-") else found[0], found[0])
    if len(found) == 2:
        return _Dates(min(found), max(found))
    return None


def _judge_date(key: str, response: str) -> Judgement:
    k, r = _dates(key), _dates(response)
    if k is None or r is None:
        return COR if " ".join(key.split()) == " ".join(response.split()) else INC
    if k == r:
        # The same dates written another way ("2 NOVEMBER 1988") needed a person's yes.
        return COR if " ".join(key.split()) == " ".join(response.split()) else COR.asked()
    if r.low is None:
        # A default-looking response earns partial credit only when its anchor is the key's
        # date or the key's upper anchor (3.2.2, partially correct 2 and its note).
        return PAR.asked() if r.high == k.high else INC
    if r.low == r.high:
        day = r.high
        if k.low is None and k.high - _DEFAULT_SLACK <= day <= k.high:
            return PAR.asked()  # the key's default anchor, or a day or two before it
        if k.low is not None and k.low <= day <= k.high:
            return PAR.asked()  # part of the key's range
        return INC
    # A range in the response: the 1992 judges refused it unless it ends where the key does.
    return PAR.asked() if r.high == k.high else INC


# --- locations (3.2.3) -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    country: str
    places: tuple[str, ...]  # place names, least to most specific, without their (TYPE)
    ranges: tuple[str, ...]  # the most specific level, split at " - " where the key gives a range


@lru_cache(maxsize=16384)
def _place(text: str) -> _Place:
    parts = [part.strip() for part in " ".join(text.upper().split()).split(":")]
    names = tuple(re.sub(r"\s*\([^)]*\)", "", part).strip() for part in parts[1:])
    last = parts[-1] if len(parts) > 1 else ""
    ranges = tuple(re.sub(r"\s*\([^)]*\)", "", side).strip() for side in last.split(" - ")) if last else ()
    return _Place(parts[0], names, ranges)


def _judge_location(key: str, response: str) -> Judgement:
    if " ".join(key.upper().split()) == " ".join(response.upper().split()):
        return COR
    k, r = _place(key), _place(response)
    if k.country != r.country:
        return INC  # the 1992 judges refused credit to a right place in the wrong country
    if k.places:
        return PAR  # right country, other, fewer or differently typed places: the scorer's own rule
    return PAR.asked()  # the key names only the country, the response a place in it too


# --- numbers (3.2.14, 3.2.17, 3.2.21, 3.2.24) ------------------------------------------------

_NUMBER = re.compile(r"^(?P<approx>~)?\s*(?P<low>\d+)?\s*(?P<dash>-)?\s*(?P<high>\d+)?$")


def _judge_number(key: str, response: str) -> Judgement:
    k, r = "".join(key.upper().split()), "".join(response.upper().split())
    if k == r:
        return COR
    rk, rr = _NUMBER.match(k), _NUMBER.match(r)
    if rk is None or rr is None:
        return INC
    if rr["approx"] or rr["dash"] or rr["low"] is None:
        return INC
    anchors = {rk["low"], rk["high"]} - {None}
    if rr["low"] in anchors and (rk["dash"] or rk["approx"]):
        return PAR.asked()  # a single number that is an anchor of the key's range, or its "~N"
    return INC


# --- set fills (3.1.2, 3.2.4 - 3.2.23) -------------------------------------------------------

_INSTRUMENT_PARENT = {
    "MACHINE GUN": "GUN",
    "MORTAR": "GUN",
    "HANDGUN": "GUN",
    "RIFLE": "GUN",
    "BOMB": "EXPLOSIVE",
    "VEHICLE BOMB": "BOMB",
    "DYNAMITE": "BOMB",
    "MINE": "BOMB",
    "AERIAL BOMB": "BOMB",
    "GRENADE": "EXPLOSIVE",
    "MOLOTOV COCKTAIL": "EXPLOSIVE",
    "MISSILE": "PROJECTILE",
    "ROCKET": "PROJECTILE",
}

# (slot, response, key) pairs the scorer itself scored partially correct.
_PARTIAL_SETS = {
    (11, "SUSPECTED OR ACCUSED", "SUSPECTED OR ACCUSED BY AUTHORITIES"),
    (13, "POLITICAL FIGURE OFFICE OR RESIDENCE", "GOVERNMENT OFFICE OR RESIDENCE"),
    (16, "DESTROYED", "SOME DAMAGE"),
    (20, "GOVERNMENT OFFICIAL", "FORMER GOVERNMENT OFFICIAL"),
    (20, "GOVERNMENT OFFICIAL", "FORMER ACTIVE MILITARY"),
    (20, "ACTIVE MILITARY", "FORMER GOVERNMENT OFFICIAL"),
    (20, "ACTIVE MILITARY", "FORMER ACTIVE MILITARY"),
    (20, "POLITICAL FIGURE", "GOVERNMENT OFFICIAL"),
    (23, "NO INJURY", "NO INJURY OR DEATH"),
    (23, "NO DEATH", "NO INJURY OR DEATH"),
}


def _ancestors(item: str) -> set[str]:
    found = set()
    while item in _INSTRUMENT_PARENT:
        item = _INSTRUMENT_PARENT[item]
        found.add(item)
    return found


def _judge_set(number: int, key: str, response: str) -> Judgement:
    k, r = " ".join(key.upper().split()), " ".join(response.upper().split())
    if k == r:
        return COR
    if number == 4 and r == "ATTACK":
        return PAR
    if number == 7 and r in _ancestors(k):
        return PAR
    return PAR if (number, r, k) in _PARTIAL_SETS else INC


def judge_value(spec: SlotSpec, key: Value, response: Value) -> Judgement:
    """One response value against one key alternative, by the slot's kind of fill."""
    if spec.kind is Kind.STRING:
        return judge_string(key.text, response.text, spec)
    if spec.kind is Kind.DATE:
        return _judge_date(key.text, response.text)
    if spec.kind is Kind.LOCATION:
        return _judge_location(key.text, response.text)
    if spec.kind is Kind.NUMBER:
        return _judge_number(key.text, response.text)
    return _judge_set(spec.number, key.text, response.text)
