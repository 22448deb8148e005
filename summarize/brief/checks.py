"""Checks of the model's answer against the article text, for what a small model gets wrong.

A 1.5B model lists enum values it was shown rather than ones the article names
(``weapons: [drone, rocket, missile, artillery]`` for a street shooting), picks a
sub-event type its own weapons contradict, and lists events where the article
reports none. These rules keep only what the article's words support. They are
deliberately lexical and general: a weapon is kept when its name (or a common
synonym) is in the incident's paragraph, a sub-event type must agree with the
weapons kept. Who did it, and who says so, is checked in ``responsibility``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ..schema import Casualties, Outcome, SubEventType, TargetType, Weapon
from ..text.dates import resolve_date
from ..text.numbers import NUMBER, number_value

__all__ = [
    "is_background",
    "known",
    "mentioned",
    "mentions_violence",
    "named_kind",
    "named_weapons",
    "several_countries",
    "stated_casualties",
    "sub_event_for",
    "supported_outcome",
    "supported_weapons",
    "violent_sub_event",
]

_WEAPON_WORDS: dict[Weapon, str] = {
    Weapon.drone: r"drones?|uavs?|unmanned",
    Weapon.rocket: r"rockets?|katyushas?|grads?|rpgs?",
    Weapon.missile: r"missiles?",
    Weapon.artillery: r"artillery|shell(s|ed|ing)|howitzers?|cannons?",
    Weapon.mortar: r"mortars?",
    Weapon.ied: r"ieds?|improvised|bombs?|explosives?|explosive devices?|(land)?mines?|dynamite|roadside",
    Weapon.vehicle_bomb: r"car[- ]bombs?|vehicle[- ]bombs?|truck[- ]bombs?|vbieds?|"
    r"booby[- ]trapped (car|vehicle|truck)",
    Weapon.suicide_vest: r"suicide (vest|belt|bomber)s?|explosive (vest|belt)s?",
    Weapon.firearm: r"guns?|gunm[ae]n|gunfire|gunned down|shot|shoot(ing|s)?|opened fire|open fire|"
    r"rifles?|pistols?|machine[- ]?gun(s|ned)?|"
    r"firearms?|fired (on|at) (the )?(crowd|people|civilians|police|soldiers)|ak-?47s?|bullets?|sniper",
    Weapon.grenade: r"grenades?",
    Weapon.airstrike: r"air ?strikes?|air raids?|warplanes?|jets?|bomb(ed|ing|ers?) from|aircraft|"
    r"helicopters?|gunships?",
}
_PATTERNS = {w: re.compile(rf"\b({p})\b", re.IGNORECASE) for w, p in _WEAPON_WORDS.items()}

_EXPLOSIVE_TYPES: dict[SubEventType, tuple[Weapon, ...]] = {
    SubEventType.air_drone_strike: (Weapon.drone, Weapon.airstrike),
    SubEventType.shelling_artillery_missile_attack: (
        Weapon.rocket,
        Weapon.missile,
        Weapon.artillery,
        Weapon.mortar,
    ),
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


# Weapons taken from the incident's own sentence even when the model lists none. Aircraft words
# are left out: "a police helicopter" is more often the target than the weapon.
_SELF_EVIDENT = (
    Weapon.vehicle_bomb,
    Weapon.ied,
    Weapon.suicide_vest,
    Weapon.grenade,
    Weapon.rocket,
    Weapon.missile,
    Weapon.mortar,
    Weapon.artillery,
    Weapon.firearm,
)


def named_weapons(sentence: str) -> list[Weapon]:
    """The weapons a sentence names outright ("a bomb exploded", "gunmen shot").

    A car bomb or a suicide vest is not also counted as an IED.
    """
    found = [w for w in _SELF_EVIDENT if mentioned(w, sentence)]
    if Weapon.vehicle_bomb in found or Weapon.suicide_vest in found:
        found = [w for w in found if w is not Weapon.ied]
    return found


def sub_event_for(
    sub: SubEventType, weapons: list[Weapon], scope: str, *, target_types: Iterable[TargetType] = ()
) -> SubEventType:
    """Keep an explosive sub-event type only when its weapons are named; else take the weapons' type.

    A small model often answers the first type it was shown ("air_drone_strike"). When
    the incident's paragraph names no such weapon, the weapons it does name decide; failing
    those, the targets: violence against civilians is an attack, against forces a clash.
    """
    expected = _EXPLOSIVE_TYPES.get(sub)
    if expected is None or any(mentioned(w, scope) for w in expected):
        return sub
    if (kind := _attack_kind(weapons, target_types)) is not None:
        return kind
    return SubEventType.armed_clash if mentioned(Weapon.firearm, scope) else sub


def _attack_kind(weapons: Iterable[Weapon], target_types: Iterable[TargetType]) -> SubEventType | None:
    """What kind of attack its weapons name (an explosive type), else what its targets suggest."""
    named = list(weapons)
    for candidate, kinds in _EXPLOSIVE_TYPES.items():
        if any(w in kinds for w in named):
            return candidate
    targets = set(target_types)
    if TargetType.civilians in targets:
        return SubEventType.attack
    if targets & {TargetType.military, TargetType.security_forces}:
        return SubEventType.armed_clash
    return None


_HARM = re.compile(
    r"\b(attack(ed)?|explo(ded|sion)|blast|killed|killing|died|dead|wounded|injured|destroyed)\b",
    re.IGNORECASE,
)
_DISRUPTION = re.compile(
    r"\b(foil\w*|thwart\w*|defus\w*|seiz\w*|confiscat\w*|dismantl\w*|deactivat\w*|found|discover\w*)\b",
    re.IGNORECASE,
)


def violent_sub_event(
    sub: SubEventType,
    weapons: Iterable[Weapon],
    *,
    hurt: bool,
    reported: str = "",
    target_types: Iterable[TargetType] = (),
) -> SubEventType:
    """A "disrupted weapons use" (weapons seized or defused) that hurt people, or whose own sentence
    reports an attack that happened, was an attack: its weapons decide the kind, failing those its targets.
    """
    if sub is not SubEventType.disrupted_weapons_use:
        return sub
    happened = bool(_HARM.search(reported)) and not _DISRUPTION.search(reported)
    if not (hurt or happened):
        return sub
    return _attack_kind(weapons, target_types) or SubEventType.attack


_KIDNAP = re.compile(r"\b(kidnap\w*|abduct\w*|hostages?|taken captive|seized \d+ people)\b", re.IGNORECASE)
_SUICIDE = re.compile(
    r"\b(suicide (bomb\w*|attack\w*|car bomb\w*|vest\w*|blast)|blew (himself|herself|themselves) up)\b",
    re.IGNORECASE,
)
_CROWD = re.compile(r"\b(protest\w*|demonstrat\w*|rioters?|riots?|mobs?)\b", re.IGNORECASE)
_CROWD_VIOLENCE = re.compile(
    r"\b(burn\w*|set (fire|ablaze)|torch\w*|ston\w*|rocks|clash\w*|loot\w*|storm\w*|ransack\w*|"
    r"molotov|petrol bombs?|vandali\w*|smash\w*)\b",
    re.IGNORECASE,
)
_BOMB = re.compile(
    r"\b(bomb(s|ings?)?|dynamite|explosive devices?|explosives|IEDs?|land ?mines?)\b",
    re.IGNORECASE,
)
# kinds of their own, which a bomb named beside them does not turn into an IED
_NOT_PLANTED = re.compile(
    r"\b(air ?strikes?|air raids?|drones?|missiles?|rockets?|shell\w*|mortars?|artillery|grenades?|jets?|"
    r"aircraft|warplanes?|bombers?|bombard\w*|shot|shoot\w*|gun\w*|fir(e|ed|ing) on|opened fire|"
    r"clash\w*|fought|fight\w*|battl\w*)\b",
    re.IGNORECASE,
)
# what a small model answers where the sentence names a kind it has a type for
_VAGUE = {
    SubEventType.other,
    SubEventType.attack,
    SubEventType.armed_clash,
    SubEventType.change_to_group_activity,
}
_EXPLOSION_GUESSES = {SubEventType.remote_explosive_landmine_ied, SubEventType.grenade, SubEventType.attack}
_CROWD_GUESSES = {
    SubEventType.attack,
    SubEventType.armed_clash,
    SubEventType.other,
    SubEventType.peaceful_protest,
}


def named_kind(sub: SubEventType, reported: str) -> SubEventType:
    """The sub-event type the incident's own sentence names in so many words, over a vaguer answer.

    "kidnapped 17 missionaries" is an abduction, not "other"; "a suicide bomber blew himself
    up" is a suicide bombing, not an IED; protesters who burn or stone are a violent
    demonstration, not an attack; "the dynamite attack" with no gun, shell or aircraft
    named is an explosive device. Only a vaguer or a neighbouring answer is replaced.
    """
    if sub in _VAGUE and _KIDNAP.search(reported):
        return SubEventType.abduction_forced_disappearance
    if sub in _EXPLOSION_GUESSES and _SUICIDE.search(reported):
        return SubEventType.suicide_bomb
    if sub in _CROWD_GUESSES and _CROWD.search(reported) and _CROWD_VIOLENCE.search(reported):
        return SubEventType.violent_demonstration
    if sub in _VAGUE and _BOMB.search(reported) and not _NOT_PLANTED.search(reported):
        return SubEventType.remote_explosive_landmine_ied
    return sub


_SEVERAL = re.compile(r"\s*(?:,|;|/|&|\band\b)\s*", re.IGNORECASE)


def several_countries(country: str | None) -> bool:
    """ "Iraq and Syria": an aggregate of events, not one incident (an incident has one place)."""
    return country is not None and len([p for p in _SEVERAL.split(country) if p.strip()]) > 1


# how long an event stays news: an attack older than this is recalled, not reported
NEWS_WINDOW = dt.timedelta(days=31)
_PERIOD = {"day": 0, "week": 6, "month": 30, "year": 365}


def is_background(when: str | None, published: dt.date | None) -> bool:
    """Whether an event's date, as written, lies well before the article: recalled, not news.

    A trial, a sentencing or an anniversary recalls the attack it is about ("the 2010
    bombings", "in October 2017", "last year"); a small model lists those as incidents.
    The period the words denote must end more than ``NEWS_WINDOW`` before publication:
    "Monday", "last week" and "earlier this month" stay news.
    """
    if not when or published is None:
        return False
    resolved = resolve_date(when, published)
    if resolved.date is None or resolved.precision not in _PERIOD:
        return False
    period_end = resolved.date + dt.timedelta(days=_PERIOD[resolved.precision])
    return period_end < published - NEWS_WINDOW


_VIOLENCE = re.compile(
    r"\b(attack\w*|assault\w*|kill\w*|dead|death\w*|died|murder\w*|massacre\w*|wound\w*|injur\w*|hurt|"
    r"casualt\w*|bomb\w*|blast\w*|explo\w*|shot|shoot\w*|gun\w*|fir(e|ed|ing) (on|at)|shell\w*|"
    r"rocket\w*|missile\w*|mortar\w*|drone\w*|strike\w*|airstrike\w*|raid\w*|ambush\w*|clash\w*|"
    r"fight\w*|battle\w*|combat|kidnap\w*|abduct\w*|hostage\w*|arrest\w*|detain\w*|hijack\w*|"
    r"arson|torched|burn(ed|t) down|sabotag\w*|grenade\w*|landmine\w*|ied|insurgen\w*|militant\w*|"
    r"guerrilla\w*|rebel\w*|terror\w*|riot\w*|protest\w*|looting|looted|execut\w*|tortur\w*|"
    r"violen\w*|weapon\w*|troops|soldiers?|police|army)\b",
    re.IGNORECASE,
)


def mentions_violence(text: str) -> bool:
    """Whether a passage speaks of violence or security at all: an incident's paragraph must."""
    return bool(_VIOLENCE.search(text))


_NOT_A_PLACE = frozenset({"", "unknown", "not given", "not reported", "n/a", "none", "null", "unspecified"})


def known(value: str | None) -> str | None:
    """``None`` for the placeholders small models write instead of null ("unknown", "not given")."""
    if value is None or value.strip().lower().strip(".") in _NOT_A_PLACE:
        return None
    return value.strip()


_OUTCOME_WORDS: dict[Outcome, re.Pattern[str]] = {
    Outcome.hit: re.compile(
        r"\b(hit|struck|strikes? (on|at)|damag\w*|destroy\w*|kill\w*|dead|wound\w*|injur\w*|exploded|"
        r"detonated|set (on )?fire|burn\w*|landed|impact\w*)\b",
        re.IGNORECASE,
    ),
    Outcome.intercepted: re.compile(
        r"\b(intercept\w*|shot down|downed|repell?ed|thwarted|foiled|air defen[cs]e\w*)\b", re.IGNORECASE
    ),
    Outcome.failed: re.compile(
        r"\b(fail\w*|missed|did not (explode|go off|detonate)|defused|dud|fell short|landed in an empty)\b",
        re.IGNORECASE,
    ),
}


_NEGATED = re.compile(r"\b(?:no|not|without|never|nor|neither)\b[^.,;:!?]*$", re.IGNORECASE)


def supported_outcome(outcome: Outcome, scope: str) -> Outcome:
    """The model's outcome when the incident's words support it, else ``unknown``.

    Negated words do not count: "with no casualties or damage" does not say the attack hit.
    """
    pattern = _OUTCOME_WORDS.get(outcome)
    if pattern is None:
        return outcome
    for found in pattern.finditer(scope):
        if not _NEGATED.search(scope[max(0, found.start() - 40) : found.start()]):
            return outcome
    return Outcome.unknown


_HEDGES = {
    "at least": "at_least",
    "more than": "at_least",
    "over": "at_least",
    "some": "approximate",
    "about": "approximate",
    "nearly": "approximate",
    "around": "approximate",
    "approximately": "approximate",
}
_HEDGE = "(?:" + "|".join(_HEDGES) + ")"
# up to three words between a number and its state ("seven people were"), none of them another clause's
_LINK = (
    r"(?:(?!(?:and|or|but|while|killed|dead|died|wounded|injured|hurt)\b)[\w'-]+\s+){0,3}?"
    r"(?:(?:were|was|have been|had been|are|been)\s+)?"
)


def _toll(verbs: str, states: str) -> re.Pattern[str]:
    """ "killing (at least) 7" or "7 (people were) killed"."""
    return re.compile(
        rf"\b(?:{verbs})\s+(?:(?P<h1>{_HEDGE})\s+)?(?P<n1>{NUMBER})\b"
        rf"|(?<![Nn]o )(?<![Nn]ot )\b(?:(?P<h2>{_HEDGE})\s+)?(?P<n2>{NUMBER})\s+{_LINK}(?:{states})\b",
        re.IGNORECASE,
    )


_KILLED = _toll(r"kill(?:ed|ing)|left|death toll (?:\w+ ){0,2}?(?:to|at|of)", r"killed|dead|died")
_INJURED = _toll(r"wound(?:ed|ing)|injur(?:ed|ing)|hurt(?:ing)?", r"wounded|injured|hurt")


def _stated(pattern: re.Pattern[str], sentence: str) -> Casualties | None:
    for found in pattern.finditer(sentence):
        raw = found.group("n1") or found.group("n2")
        value = number_value(raw)
        if raw.isdigit() and 1900 <= value <= 2100:  # a year ("the 2010 bombings killed"), not a count
            continue
        hedge = found.group("h1") or found.group("h2")
        return Casualties(count=value, qualifier=_HEDGES[hedge.lower()] if hedge else "exact")
    return None


def stated_casualties(sentence: str) -> tuple[Casualties | None, Casualties | None]:
    """The killed and injured counts a sentence states in so many words ("killing seven", "12 were
    wounded"), ``None`` for each it does not: read only where the model gave no count."""
    return _stated(_KILLED, sentence), _stated(_INJURED, sentence)
