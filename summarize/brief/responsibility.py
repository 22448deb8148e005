"""Who did it, and who says so: claims of responsibility, accusations and their wording.

A small model takes blame ("officials blamed X") for a claim, a claim made elsewhere in
the article for none, and blame for a campaign ("behind most of the attacks") for
blame for this incident. These lexical rules tell them apart from the article's own
sentences: a claim needs a sentence that reports one (``is_claim``), blame needs words
about responsibility (``speaks_of_responsibility``) and must not be general
(``is_general_blame``), and an accusation's wording decides its tone (``tone_of``).
The sentences that report claims and blame are also shown to the model, labelled
(``responsibility_leads``).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..text.sentences import sentences
from .grounding import normalize

__all__ = [
    "is_claim",
    "is_general_blame",
    "named_in",
    "reported_attacker",
    "responsibility_leads",
    "speaks_of_responsibility",
    "tone_of",
]

# -- the words ------------------------------------------------------------------------------------

_CLAIM = re.compile(
    r"\bclaim(ed|s|ing)?\b|\bresponsibility (was|has been|had been) (taken|claimed|assumed)|"
    r"\b(took|take|takes|taken|taking|assumed|assumes|accepted|accepts) (the |full )*(responsibility|credit)|"
    r"\bsaid (it|they) (had )?(carried out|was behind|were behind|launched|fired|attacked|targeted)|"
    r"\badmitt?(ed|s)?\b",
    re.IGNORECASE,
)

_RESPONSIBILITY_WORDS = re.compile(
    r"\b(claim\w*|responsib\w*|took credit|behind the|carried out|accus\w*|blam\w*|suspect\w*|attribut\w*|"
    r"den(y|ied|ies))\b",
    re.IGNORECASE,
)

# "accused X of being responsible for most of the attacks": blame for a campaign, not for one incident
_GENERAL_BLAME = re.compile(
    r"\b(?:most|many|several|dozens|hundreds|scores|all|a series|a wave|a string|a spate|a number)\s+"
    r"(?:of\s+)?(?:the\s+|these\s+|such\s+)?(?:recent\s+|previous\s+|past\s+)?"
    r"(?:attacks|bombings|assaults|strikes|incidents|killings)\b",
    re.IGNORECASE,
)

_HEDGED = re.compile(
    r"\b(suspect\w*|believed|alleged\w*|likely|probably|may have|thought to)\b", re.IGNORECASE
)
_DENIED = re.compile(r"\b(den(y|ied|ies)|rejected responsibility|had nothing to do)\b", re.IGNORECASE)


# -- what they say --------------------------------------------------------------------------------


def is_claim(sentence: str) -> bool:
    """Whether a sentence reports a claim of responsibility (an accusation is not one)."""
    return bool(_CLAIM.search(sentence))


def speaks_of_responsibility(sentence: str) -> bool:
    """Whether a sentence says anything about who is responsible (blame needs such words)."""
    return bool(_RESPONSIBILITY_WORDS.search(sentence))


def is_general_blame(sentence: str, place: str | None) -> bool:
    """Blame for many attacks at once that does not name this incident's place: not an attribution of it."""
    if not _GENERAL_BLAME.search(sentence):
        return False
    return not (place and named_in(place, sentence))


def tone_of(sentence: str) -> str:
    """How an accusation is worded: "denied", "suspected" or "attributed"."""
    if _DENIED.search(sentence):
        return "denied"
    if _HEDGED.search(sentence):
        return "suspected"
    return "attributed"


def responsibility_leads(text: str, limit: int = 3) -> tuple[list[str], list[str]]:
    """Sentences that report claims, and sentences that report blame: shown to the model, labelled,
    so that it neither overlooks a claim made elsewhere in the article nor takes blame for a claim."""
    talk = [s for s in sentences(text) if _RESPONSIBILITY_WORDS.search(s)]
    claims = [s for s in talk if is_claim(s)]
    return claims[:limit], [s for s in talk if not is_claim(s)][:limit]


def named_in(name: str, text: str, threshold: float = 90.0) -> bool:
    """Whether an actor's name occurs in the text (case, quotes and small spelling slips aside)."""
    needle, _ = normalize(name)
    haystack, _ = normalize(text)
    if not needle.strip():
        return False
    return needle in haystack or fuzz.partial_ratio(needle, haystack) >= threshold


_FORCE = (
    r"(?:forces|troops|military|army|navy|militants|fighters|rebels|insurgents|jihadists|separatists|"
    r"militia\w*)"
)
# "launched by Russian forces", "carried out by al-Shabab fighters"
_AGENT = re.compile(
    rf"\b(?:launched|fired|carried out|conducted|attacked|killed|shot down|targeted|hit|struck) by (?:the )?"
    rf"(?P<actor>(?:[A-Z][\w.'-]*\s+){{1,3}}{_FORCE})\b"
)
# "Russian missiles", "Israeli airstrikes", "Houthi drones": the reporter's attribution by adjective
_BY_ADJECTIVE = re.compile(
    rf"\b(?P<actor>[A-Z][a-z]+(?:ian|an|i|ese|ish))\s+(?:{_FORCE}|drones?|missiles?|rockets?|"
    r"(?:air ?)?strikes?|warplanes|jets|aircraft|shelling|artillery|shells)\b"
)


def reported_attacker(sentence: str) -> str | None:
    """The attacker an incident's own sentence names when nobody is blamed or claims it.

    Wire copy often attributes in passing: "drones launched by Russian forces", "a
    Russian missile strike", "Israeli airstrikes". The actor is taken as written.
    """
    for pattern in (_AGENT, _BY_ADJECTIVE):
        if found := pattern.search(sentence):
            return found.group("actor").strip()
    return None
