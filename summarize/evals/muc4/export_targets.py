"""The target slots of an exported brief (PHYS TGT 12-14, HUM TGT 18-21, 23): which targets
are things and which people, their MUC-4 types, numbers and effects. See ``export``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ...schema import Incident, Target, TargetType
from .parse import Filler, Slot, State, Value
from .slots import SLOTS
from .text import fill_string

__all__ = ["filled", "human_slots", "is_physical", "physical_slots"]


def filled(number: int, fillers: Iterable[Filler]) -> Slot:
    """Slot ``number`` with these fillers, or null when there are none."""
    found = tuple(fillers)
    return Slot(SLOTS[number], State.FILLED, found) if found else Slot(SLOTS[number], State.NULL)


# --- targets -----------------------------------------------------------------------------------------

_GENERIC_PEOPLE = re.compile(
    r"\b(unidentified|unknown|gunmen|men|women|people|persons?|individuals?|peasants|civilians|residents|"
    r"priests|students|workers|soldiers|policemen|children|journalists|members|employees|passengers)\b",
    re.IGNORECASE,
)
_THINGS = re.compile(
    r"\b(building|buildings|office|offices|headquarters|house|houses|home|homes|residence|car|cars|"
    r"bus|buses|truck|trucks|vehicle|vehicles|jeep|train|plane|aircraft|helicopter|bridge|bridges|road|"
    r"highway|railway|tower|towers|pylons?|pipeline|power lines?|substation|plant|station|stations|store|"
    r"shop|bank|branch|church|chapel|embassy|consulate|facility|installations?|base|barracks|school|"
    r"hospital|hotel|restaurant|airport|port|network|system|dam|aqueduct|antenna|warehouse|farm|premises|"
    r"newspaper|factory|mine|oil|electric\w*|energy)\b",
    re.IGNORECASE,
)
_PHYSICAL_TYPES = {TargetType.infrastructure, TargetType.commercial, TargetType.religious}
_PHYS_BY_WORD = (
    (
        re.compile(
            r"\b(bus|buses|car|cars|truck|trucks|vehicles?|jeep|train|plane|aircraft|helicopter)\b", re.I
        ),
        "TRANSPORT VEHICLE",
    ),
    (
        re.compile(r"\b(power|electric\w*|energy|pylons?|towers?|pipeline|oil|gas|substation)\b", re.I),
        "ENERGY",
    ),
    (re.compile(r"\b(bridges?|roads?|highway|railway)\b", re.I), "TRANSPORTATION ROUTE"),
    (re.compile(r"\b(airport|port|terminal|station)\b", re.I), "TRANSPORTATION FACILITY"),
    (re.compile(r"\b(telephone|telecom\w*|antenna|radio|television|tv|newspaper)\b", re.I), "COMMUNICATIONS"),
    (re.compile(r"\b(water|aqueduct|dam)\b", re.I), "WATER"),
    (re.compile(r"\b(bank|branch|financ\w*)\b", re.I), "FINANCIAL"),
    (re.compile(r"\b(house|houses|home|homes|residence)\b", re.I), "CIVILIAN RESIDENCE"),
    (re.compile(r"\b(police|barracks)\b", re.I), "LAW ENFORCEMENT FACILITY"),
)
_PHYS_BY_TYPE = {
    TargetType.government: "GOVERNMENT OFFICE OR RESIDENCE",
    TargetType.diplomatic: "DIPLOMAT OFFICE OR RESIDENCE",
    TargetType.commercial: "COMMERCIAL",
    TargetType.media: "COMMUNICATIONS",
    TargetType.humanitarian: "ORGANIZATION OFFICE",
}
_HUMAN_TYPES = {
    TargetType.civilians: "CIVILIAN",
    TargetType.government: "GOVERNMENT OFFICIAL",
    TargetType.diplomatic: "DIPLOMAT",
    TargetType.military: "ACTIVE MILITARY",
    TargetType.security_forces: "LAW ENFORCEMENT",
}
_TITLES = {
    "MR", "MRS", "MS", "DR", "MSGR", "MONSIGNOR", "FATHER", "GENERAL", "GEN", "COLONEL", "COL", "CAPTAIN",
    "MAJOR", "LIEUTENANT", "SERGEANT", "MAYOR", "JUDGE", "SENATOR", "DEPUTY", "PRESIDENT", "MINISTER",
    "GOVERNOR", "BISHOP", "ARCHBISHOP", "PROFESSOR", "ENGINEER", "ATTORNEY", "JOURNALIST", "REPORTER",
}  # fmt: skip
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def is_physical(target: Target) -> bool:
    return bool(_THINGS.search(target.name)) or target.type in _PHYSICAL_TYPES


def _number(name: str) -> str:
    """A digit, PLURAL for a plural noun phrase, else 1 (template-doc-part1 7.15, 7.22)."""
    first = name.split()[0].lower() if name.split() else ""
    if first.isdigit():
        return first
    if first in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[first])
    last = re.sub(r"[^a-z]", "", name.split()[-1].lower()) if name.split() else ""
    return "PLURAL" if last.endswith("s") and not last.endswith("ss") else "1"


def _physical_type(target: Target) -> str:
    for pattern, kind in _PHYS_BY_WORD:
        if pattern.search(target.name):
            return kind
    return _PHYS_BY_TYPE.get(target.type, "OTHER")


def _person(name: str) -> tuple[str | None, str | None]:
    """(title, proper name) of a target that names a person ("Mayor Hector Arevalo"), else (None, None)."""
    words = name.split()
    titles = [word for word in words if word.upper().strip(".") in _TITLES]
    rest = [word for word in words if word not in titles]
    proper = len(rest) >= 2 and all(word[:1].isupper() for word in rest)
    if not proper or _GENERIC_PEOPLE.search(" ".join(rest)):
        return None, None
    return (" ".join(titles) or None), " ".join(rest)


def physical_slots(targets: Sequence[Target]) -> dict[int, Slot]:
    refs = [(fill_string(target.name), target) for target in targets]
    return {
        12: filled(12, [Filler((ref,)) for ref, _ in refs]),
        13: filled(13, [Filler((Value(_physical_type(target)),), (ref,)) for ref, target in refs]),
        14: filled(14, [Filler((Value(_number(target.name)),), (ref,)) for ref, target in refs]),
    }


def _effects(incident: Incident, tags: Sequence[Value]) -> list[Filler]:
    """HUM TGT: EFFECT from the casualty figures: DEATH / INJURY, or the NO ... forms when the
    text says nobody was killed or hurt. Tagged to the human target when there is exactly one;
    with none or several, the dummy tag ``"-"`` (the figures do not say whom they hit)."""
    dead, hurt = incident.fatalities.count, incident.injured.count
    if dead == 0 and hurt == 0:
        values = ["NO INJURY OR DEATH"]
    else:
        values = [v for v, count in (("DEATH", dead), ("INJURY", hurt)) if count]
        values += [v for v, count in (("NO DEATH", dead), ("NO INJURY", hurt)) if count == 0]
    tag = tags[0] if len(tags) == 1 else Value("-", quoted=True)
    return [Filler((Value(value),), (tag,)) for value in values]


def human_slots(incident: Incident, targets: Sequence[Target]) -> dict[int, Slot]:
    names: list[Filler] = []
    descriptions: list[Filler] = []
    kinds: list[Filler] = []
    numbers: list[Filler] = []
    tags: list[Value] = []
    for target in targets:
        title, person = _person(target.name)
        if person is not None:
            tag = fill_string(person)
            names.append(Filler((tag,)))
            if title:
                descriptions.append(Filler((fill_string(title),), (tag,)))
            number = "1"
        else:
            tag = fill_string(target.name)
            descriptions.append(Filler((tag,)))
            number = _number(target.name)
        tags.append(tag)
        kinds.append(Filler((Value(_HUMAN_TYPES.get(target.type, "CIVILIAN")),), (tag,)))
        numbers.append(Filler((Value(number),), (tag,)))
    return {
        18: filled(18, names),
        19: filled(19, descriptions),
        20: filled(20, kinds),
        21: filled(21, numbers),
        23: filled(23, _effects(incident, tags)),
    }
