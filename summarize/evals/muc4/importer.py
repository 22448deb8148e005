"""MUC-4 answer keys as gold cases, read from the corpus at run time (never copied into the repo).

One message becomes one ``Case``; one key template becomes one ``GoldIncident``. The mapping,
slot by slot, is documented in ``evals/MUC4.md``; in short:

* type (slot 4) -> ``sub_event_type`` alternatives (and so ``event_type``); an instrument
  narrows a BOMBING (a GRENADE is ``grenade``);
* date (slot 2) -> ``date``: one day, or every day of a closed range; an open range
  ("- 23 AUG 88": on or before) is not scored;
* location (slot 3) ``COUNTRY: PLACE (TYPE)`` -> ``location.country`` and any named part as
  ``location.place``; a department or province part as ``location.admin1``;
* perpetrator organisations (slot 10) -> ``perpetrators``; their confidence (slot 11) ->
  ``responsibility`` and, where CLAIMED OR ADMITTED, ``claimed_by``; individuals (slot 9) are
  optional perpetrators;
* instrument types (slot 7) -> ``weapons``; physical targets (slot 12) and human target
  descriptions (slot 19, with names as aliases) -> ``targets``;
* human target effects (slot 23) with their numbers (slot 21) -> ``fatalities``/``injured``,
  only where every DEATH (INJURY) target has a plain number, or the key says NO DEATH (NO INJURY);
* stage THREATENED and ``(OPTIONAL)`` templates -> optional incidents.

Not scored: ``outcome``, ``admin1`` unless the key names one, anything a slot leaves empty
where empty does not mean "none". MUC's "irrelevant" messages (no template) are not negatives:
MUC policy excludes army-guerrilla combat, which a security brief reports, so they are left
uncoded (``is_incident_report`` null); MUC codes no battles, so predicted battles that match
no template are not counted as spurious either.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from pathlib import Path

from ...errors import InputError
from ...schema import EventType, SubEventType, Weapon
from ...text.geo import country_code
from ..gold import AnyOf, Case, CaseArticle, GoldBrief, GoldIncident, GoldLocation, Item
from .corpus import data_root, eval_set
from .parse import Filler, Message, Slot, State, Template, read_templates
from .texts import MessageText, read_texts

__all__ = [
    "PARTS",
    "import_cases",
    "import_message",
    "key_day",
    "location_parts",
    "message_id",
    "part_files",
]

PARTS = ("dev", "tst3", "tst4")

_TYPES: dict[str, tuple[SubEventType, ...]] = {
    "ATTACK": (
        SubEventType.attack,
        SubEventType.armed_clash,
        SubEventType.shelling_artillery_missile_attack,
        SubEventType.air_drone_strike,
        SubEventType.grenade,
        SubEventType.remote_explosive_landmine_ied,
    ),
    "BOMBING": (
        SubEventType.remote_explosive_landmine_ied,
        SubEventType.suicide_bomb,
        SubEventType.grenade,
        SubEventType.air_drone_strike,
    ),
    "KIDNAPPING": (SubEventType.abduction_forced_disappearance,),
    "ARSON": (SubEventType.looting_property_destruction, SubEventType.mob_violence, SubEventType.attack),
    "ROBBERY": (SubEventType.looting_property_destruction, SubEventType.attack),
    "FORCED WORK STOPPAGE": (SubEventType.other, SubEventType.change_to_group_activity),
}

_WEAPONS: dict[str, Weapon] = {
    "GUN": Weapon.firearm,
    "MACHINE GUN": Weapon.firearm,
    "RIFLE": Weapon.firearm,
    "HANDGUN": Weapon.firearm,
    "BOMB": Weapon.ied,
    "EXPLOSIVE": Weapon.ied,
    "DYNAMITE": Weapon.ied,
    "MINE": Weapon.ied,
    "VEHICLE BOMB": Weapon.vehicle_bomb,
    "GRENADE": Weapon.grenade,
    "MORTAR": Weapon.mortar,
    "ROCKET": Weapon.rocket,
    "PROJECTILE": Weapon.missile,
    "AERIAL BOMB": Weapon.airstrike,
    "MOLOTOV COCKTAIL": Weapon.other,
    "CUTTING DEVICE": Weapon.other,
    "FIRE": Weapon.other,
    "TORTURE": Weapon.other,
}

_CONFIDENCE: dict[str, tuple[str, ...]] = {
    "CLAIMED OR ADMITTED": ("claimed",),
    "REPORTED AS FACT": ("attributed",),
    "SUSPECTED OR ACCUSED": ("suspected", "attributed"),
    "SUSPECTED OR ACCUSED BY AUTHORITIES": ("suspected", "attributed"),
    "POSSIBLE": ("suspected",),
    "ACQUITTED": ("denied", "suspected"),
}

_UNCODED = [EventType.battles, EventType.protests, EventType.riots, EventType.strategic_developments]
_LOCATION_PART = re.compile(r"^\s*(?P<name>.*?)\s*(?:\((?P<kind>[A-Z ]+)\))?\s*$")
_ADMIN_KINDS = {"DEPARTMENT", "PROVINCE", "STATE", "REGION"}


def _texts(fillers: Iterable[Filler], *, optional: bool | None = None) -> list[str]:
    return [
        value.text.strip()
        for filler in fillers
        if optional is None or filler.optional == optional
        for value in filler.values
        if value.text.strip() not in {"", "-", "*"}
    ]


def _filled(slot: Slot) -> bool:
    return slot.state is State.FILLED and bool(slot.fillers)


def _sub_event_types(template: Template) -> list[SubEventType] | None:
    kinds = _texts(template.slot(4).fillers)
    if not kinds:
        return None
    instruments = set(_texts(template.slot(7).fillers))
    subs: list[SubEventType] = []
    for kind in kinds:
        options = _TYPES.get(kind, ())
        if kind == "BOMBING" and instruments == {"GRENADE"}:
            options = (SubEventType.grenade,)
        subs.extend(s for s in options if s not in subs)
    return subs or None


_DAY = "%d %b %y"


def key_day(text: str) -> dt.date | None:
    """A key's day ("16 NOV 89"), or None for anything else (a range, "-", a bare month)."""
    try:
        return dt.datetime.strptime(text.strip().title(), _DAY).date()
    except ValueError:
        return None


def _dates(template: Template) -> list[dt.date] | None:
    """Every acceptable day, or None when the key gives no closed date."""
    days: list[dt.date] = []
    for text in _texts(template.slot(2).fillers):
        start, sep, end = text.partition("-")
        if not sep:
            day = key_day(text)
            if day is None:
                return None
            days.append(day)
            continue
        first, last = key_day(start), key_day(end)
        if first is None or last is None or (last - first).days > 31 or last < first:
            return None  # "- 23 AUG 88" (on or before) or an unreadable range: not scored
        days.extend(first + dt.timedelta(n) for n in range((last - first).days + 1))
    return sorted(set(days)) or None


def location_parts(text: str) -> tuple[str, list[tuple[str, str]]]:
    """A key location ``COUNTRY: PLACE (KIND): ...`` as its country and its named parts with their
    kinds (``("SAN SALVADOR", "CITY")``; the kind is "" where the key gives none), widest first."""
    country, _, rest = text.partition(":")
    parts = []
    for part in rest.split(":"):
        found = _LOCATION_PART.match(part)
        if found and found["name"]:
            parts.append((found["name"].strip(), (found["kind"] or "").strip()))
    return country.strip(), parts


def _location(template: Template) -> GoldLocation | None:
    texts = _texts(template.slot(3).fillers)
    if not texts:
        return None
    countries: set[str] = set()
    places: list[str] = []
    admins: list[str] = []
    for text in texts:
        country, parts = location_parts(text)
        countries.add(country)
        for name, kind in parts:
            for alternative in (n.strip() for n in name.split("/")):
                places.append(alternative)
                if kind in _ADMIN_KINDS:
                    admins.append(alternative)
    fields: dict[str, object] = {}
    if len(countries) == 1:
        (country,) = countries
        fields["country"] = country_code(country.title()) or country.title()
    if places:
        fields["place"] = AnyOf[str | None](any_of=list(dict.fromkeys(places)))
    if admins:
        fields["admin1"] = AnyOf[str | None](any_of=list(dict.fromkeys(admins)))
    return GoldLocation.model_validate(fields) if fields else None


def _items(fillers: Iterable[Filler], *, all_optional: bool = False) -> list[Item]:
    return [
        Item(any_of=[v.text for v in filler.values], optional=all_optional or filler.optional)
        for filler in fillers
        if _texts([filler])
    ]


def _responsibility(template: Template) -> tuple[list[str] | None, list[Item]]:
    """Acceptable responsibility values and the claimants, from the organisations' confidence."""
    confidences = [filler for filler in template.slot(11).fillers if _texts([filler])]
    if not confidences:
        return None, []
    options: list[str] = []
    claimants: list[Item] = []
    for filler in confidences:
        for value in filler.values:
            options.extend(o for o in _CONFIDENCE.get(value.text.strip(), ()) if o not in options)
        if any(v.text.strip() == "CLAIMED OR ADMITTED" for v in filler.values) and filler.refs:
            claimants.append(Item(any_of=[r.text for r in filler.refs], optional=filler.optional))
    return options or None, claimants


def _targets(template: Template) -> list[Item]:
    targets = _items(template.slot(12).fillers)
    names = _texts(template.slot(18).fillers)
    for filler in template.slot(19).fillers:
        descriptions = [v.text for v in filler.values if v.text.strip() not in {"", "-"}]
        referred = [r.text for r in filler.refs if r.text in names]
        if descriptions:
            targets.append(Item(any_of=[*descriptions, *referred], optional=filler.optional))
    return targets


def _count(template: Template, effect: str, none_effects: set[str]) -> list[int | None] | None:
    """Acceptable totals of people with ``effect``, or None when the key does not give numbers."""
    effects = [f for f in template.slot(23).fillers if not f.optional and _texts([f])]
    values = {v.text.strip() for f in effects for v in f.values}
    hit = [f for f in effects if any(v.text.strip() == effect for v in f.values)]
    if any(len(f.values) > 1 and any(v.text.strip() == effect for v in f.values) for f in effects):
        return None  # "INJURY / DEATH": the key is unsure
    if not hit:
        return [0] if values & none_effects else None
    numbers = [f for f in template.slot(21).fillers if _texts([f])]
    per_target: list[list[int]] = []
    for filler in hit:
        refs = {r.text for r in filler.refs}
        matching = [n for n in numbers if refs & {r.text for r in n.refs}]
        if len(matching) != 1:
            return None
        counts = [int(v.text) for v in matching[0].values if v.text.strip().isdigit()]
        if len(counts) != len(matching[0].values):
            return None  # PLURAL, "~5", "3-5": not a number the brief can match exactly
        per_target.append(counts)
    totals = sorted({sum(combo) for combo in itertools.product(*per_target)})
    return list(totals) if len(totals) <= 8 else None


def _incident(template: Template) -> GoldIncident:
    kinds = "/".join(_texts(template.slot(4).fillers)) or "incident"
    where = (_texts(template.slot(3).fillers) or ["place not coded"])[0]
    fields: dict[str, object] = {"label": f"template {template.number}: {kinds}, {where}"}
    stage = set(_texts(template.slot(5).fillers))
    fields["optional"] = template.optional or stage == {"THREATENED"}
    if (subs := _sub_event_types(template)) is not None:
        fields["sub_event_type"] = AnyOf[SubEventType](any_of=subs)
    if (days := _dates(template)) is not None:
        fields["date"] = AnyOf[dt.date | None](any_of=list(days))
    if (location := _location(template)) is not None:
        fields["location"] = location
    organisations = _items(template.slot(10).fillers)
    individuals = _items(template.slot(9).fillers, all_optional=True)
    fields["perpetrators"] = organisations + individuals
    responsibility, claimants = _responsibility(template)
    if responsibility is not None:
        fields["responsibility"] = AnyOf[str](any_of=responsibility)
    if _filled(template.slot(11)) or not organisations:
        fields["claimed_by"] = claimants
    weapons = [
        _WEAPONS.get(text.split(":")[0].strip(), Weapon.other) for text in _texts(template.slot(7).fillers)
    ]
    if template.slot(7).state is not State.INAPPLICABLE:
        fields["weapons"] = list(dict.fromkeys(weapons))
    fields["targets"] = _targets(template)
    if (deaths := _count(template, "DEATH", {"NO DEATH", "NO INJURY OR DEATH"})) is not None:
        fields["fatalities"] = AnyOf[int | None](any_of=list(deaths))
    if (hurt := _count(template, "INJURY", {"NO INJURY", "NO INJURY OR DEATH"})) is not None:
        fields["injured"] = AnyOf[int | None](any_of=list(hurt))
    return GoldIncident.model_validate(fields)


_CASE_PREFIX = "muc4-"
_IMPORTED = "imported from the official MUC-4 answer key"


def message_id(case: Case) -> str | None:
    """The MUC-4 message a case is about (``TST4-MUC4-0001``): one it names, or one it was imported from."""
    if case.article.muc4 is not None:
        return case.article.muc4
    if case.id.startswith(_CASE_PREFIX) and case.labelled_by.startswith(_IMPORTED):
        return case.id.removeprefix(_CASE_PREFIX).upper()
    return None


def import_message(message: Message, text: MessageText, part: str) -> Case:
    """One MUC-4 message and its key as a gold case."""
    relevant = not message.irrelevant
    return Case(
        id=f"{_CASE_PREFIX}{message.id.lower()}",
        labelled_by=f"{_IMPORTED} ({part}) by summarize.evals.muc4.importer",
        notes=None if relevant else "MUC 'irrelevant' message: not coded here (it may still report combat)",
        article=CaseArticle(text=text.text, published_at=text.date),
        expected=GoldBrief(
            is_incident_report=True if relevant else None,
            incidents=[_incident(t) for t in message.templates],
            uncoded_event_types=_UNCODED,
        ),
    )


def part_files(part: str, root: Path) -> list[tuple[Path, Path]]:
    """The (texts, key) file pairs of ``dev``, ``tst3`` or ``tst4`` under corpus ``root``."""
    if part == "dev":
        keys = sorted(root.glob("key-dev-*.muc4"))
        texts = sorted(p for p in root.glob("dev-muc3-*") if p.is_file())
        if not keys or len(keys) != len(texts):
            raise InputError(f"MUC-4 dev files missing under {root}", path=str(root), reason="missing")
        return list(zip(texts, keys, strict=True))
    chosen = eval_set(part, root)
    return [(chosen.texts, chosen.key)]


def import_cases(part: str, root: Path | None = None) -> list[Case]:
    """Every message of ``dev``, ``tst3`` or ``tst4`` as a gold case, in corpus order."""
    if part not in PARTS:
        raise InputError(
            f"unknown MUC-4 part {part!r}; choose one of {', '.join(PARTS)}", reason="unknown-part"
        )
    base = data_root(root)
    cases = []
    for text_path, key_path in part_files(part, base):
        texts = read_texts(text_path)
        for message_id, message in read_templates(key_path).items():
            text = texts.get(message_id)
            if text is None:
                raise InputError(
                    f"{key_path}: no text for {message_id}", path=str(text_path), reason="missing"
                )
            cases.append(import_message(message, text, part))
    return cases
