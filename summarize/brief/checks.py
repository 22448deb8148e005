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

from ..schema import Outcome, SubEventType, TargetType, Weapon
from ..text.sentences import sentences
from .grounding import normalize

__all__ = [
    "is_claim",
    "is_general_blame",
    "known",
    "mentioned",
    "mentions_violence",
    "named_in",
    "named_weapons",
    "responsibility_leads",
    "several_countries",
    "speaks_of_responsibility",
    "sub_event_for",
    "supported_outcome",
    "supported_weapons",
    "tone_of",
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


def named_in(name: str, text: str, threshold: float = 90.0) -> bool:
    """Whether an actor's name occurs in the text (case, quotes and small spelling slips aside)."""
    needle, _ = normalize(name)
    haystack, _ = normalize(text)
    if not needle.strip():
        return False
    return needle in haystack or fuzz.partial_ratio(needle, haystack) >= threshold


_HEDGED = re.compile(
    r"\b(suspect\w*|believed|alleged\w*|likely|probably|may have|thought to)\b", re.IGNORECASE
)
_DENIED = re.compile(r"\b(den(y|ied|ies)|rejected responsibility|had nothing to do)\b", re.IGNORECASE)


def tone_of(sentence: str) -> str:
    """How an accusation is worded: "denied", "suspected" or "attributed"."""
    if _DENIED.search(sentence):
        return "denied"
    if _HEDGED.search(sentence):
        return "suspected"
    return "attributed"


# "accused X of being responsible for most of the attacks": blame for a campaign, not for one incident
_GENERAL_BLAME = re.compile(
    r"\b(?:most|many|several|dozens|hundreds|scores|all|a series|a wave|a string|a spate|a number)\s+"
    r"(?:of\s+)?(?:the\s+|these\s+|such\s+)?(?:recent\s+|previous\s+|past\s+)?"
    r"(?:attacks|bombings|assaults|strikes|incidents|killings)\b",
    re.IGNORECASE,
)


def speaks_of_responsibility(sentence: str) -> bool:
    """Whether a sentence says anything about who is responsible (blame needs such words)."""
    return bool(_RESPONSIBILITY_WORDS.search(sentence))


def is_general_blame(sentence: str, place: str | None) -> bool:
    """Blame for many attacks at once that does not name this incident's place: not an attribution of it."""
    if not _GENERAL_BLAME.search(sentence):
        return False
    return not (place and named_in(place, sentence))


_RESPONSIBILITY_WORDS = re.compile(
    r"\b(claim\w*|responsib\w*|took credit|behind the|carried out|accus\w*|blam\w*|suspect\w*|attribut\w*|"
    r"den(y|ied|ies))\b",
    re.IGNORECASE,
)


def responsibility_leads(text: str, limit: int = 3) -> tuple[list[str], list[str]]:
    """Sentences that report claims, and sentences that report blame: shown to the model, labelled,
    so that it neither overlooks a claim made elsewhere in the article nor takes blame for a claim."""
    talk = [s for s in sentences(text) if _RESPONSIBILITY_WORDS.search(s)]
    claims = [s for s in talk if is_claim(s)]
    return claims[:limit], [s for s in talk if not is_claim(s)][:limit]


_CLAIM = re.compile(
    r"\bclaim(ed|s|ing)?\b|\bresponsibility (was|has been|had been) (taken|claimed|assumed)|"
    r"\b(took|take|takes|taken|taking|assumed|assumes|accepted|accepts) (the |full )*(responsibility|credit)|"
    r"\bsaid (it|they) (had )?(carried out|was behind|were behind|launched|fired|attacked|targeted)|"
    r"\badmitt?(ed|s)?\b",
    re.IGNORECASE,
)


def is_claim(sentence: str) -> bool:
    """Whether a sentence reports a claim of responsibility (an accusation is not one)."""
    return bool(_CLAIM.search(sentence))


_SEVERAL = re.compile(r"\s*(?:,|;|/|&|\band\b)\s*", re.IGNORECASE)


def several_countries(country: str | None) -> bool:
    """ "Iraq and Syria": an aggregate of events, not one incident (an incident has one place)."""
    return country is not None and len([p for p in _SEVERAL.split(country) if p.strip()]) > 1


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
