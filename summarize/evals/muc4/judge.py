"""How one response fill compares with one key fill: correct, partially correct, or incorrect.

The rules are those of ``scoring-guidelines.v7`` section 3. The 1992 scorer applied some of them
by itself (set fills and their special partial cases, a location with only the right country)
and put every other mismatch to the person at the terminal, who judged it by the guidelines'
examples. We cannot ask that person, so the interactive cases are decided by fixed rules that
follow the guidelines' examples; those judgements are flagged ``interactive`` and tallied as
ICR / IPA, as the 1992 reports tallied the person's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .parse import Filler, Value
from .slots import Kind, SlotSpec

__all__ = ["COR", "INC", "PAR", "Judgement", "judge_filler", "judge_string", "judge_value"]


@dataclass(frozen=True)
class Judgement:
    """Credit 1 (correct), 0.5 (partially correct) or 0 (incorrect); ``interactive`` as above."""

    credit: float
    interactive: bool = False

    @property
    def correct(self) -> bool:
        return self.credit == 1

    @property
    def partial(self) -> bool:
        return self.credit == 0.5

    def beats(self, other: Judgement) -> bool:
        """More credit, or the same credit without asking a person."""
        return (self.credit, not self.interactive) > (other.credit, not other.interactive)

    def asked(self) -> Judgement:
        """The same credit, as a judgement the scorer would have asked a person for."""
        return Judgement(self.credit, self.credit > 0)


COR = Judgement(1.0)
PAR = Judgement(0.5)
INC = Judgement(0.0)

# --- strings (3.1.1) -------------------------------------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words the 1992 scorer dropped before comparing strings: articles, quantifiers and number
#: words, nationality adjectives (guidelines 3.1.1.1: "the scoring program attempts to do this
#: automatically, but it does not have an exhaustive list"). Digits it did not drop: "3000
#: CONTRAS" for "CONTRAS" went to a person.
_NONESSENTIAL = _wordset(
    """
    A AN THE SOME SEVERAL MANY ALL ANOTHER OTHER OTHERS THESE THOSE THIS THAT GROUP
    ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE DOZEN DOZENS HUNDREDS
    SALVADORAN SALVADOREAN COLOMBIAN PERUVIAN GUATEMALAN HONDURAN BOLIVIAN CHILEAN ECUADORAN
    ECUADOREAN ARGENTINE ARGENTINIAN NICARAGUAN CUBAN MEXICAN VENEZUELAN PANAMANIAN
    AMERICAN U.S. US SOVIET
    """
)
#: Titles a HUM TGT: NAME may carry without losing credit (guidelines 3.2.18).
_TITLES = _wordset(
    """
    MR MRS MS MISS DR DOCTOR MSGR MONSIGNOR FATHER FR GENERAL GEN COLONEL COL CAPTAIN CAPT
    MAJOR LIEUTENANT LT SERGEANT SGT ENGINEER ENG ATTORNEY LAWYER SENATOR DEPUTY MAYOR JUDGE
    PRIEST PRESIDENT MINISTER GOVERNOR BISHOP ARCHBISHOP PROFESSOR PROF SISTER DON DONA
    """
)
#: General words for perpetrators: a response made only of them is "consistent, but inferior"
#: to a key made only of them, worth partial credit (guidelines 3.2.9, partially correct 2).
_GENERAL_PERPETRATORS = _wordset(
    """
    TERRORIST TERRORISTS GUERRILLA GUERRILLAS REBEL REBELS INSURGENT INSURGENTS SUBVERSIVE
    SUBVERSIVES EXTREMIST EXTREMISTS ATTACKER ATTACKERS ASSAILANT ASSAILANTS GUNMAN GUNMEN MAN MEN
    INDIVIDUAL INDIVIDUALS PERSON PERSONS PEOPLE UNIDENTIFIED UNKNOWN ARMED HEAVILY MASKED
    COMMANDO COMMANDOS CRIMINAL CRIMINALS GROUP GROUPS MEMBERS MEMBER URBAN UNIT UNITS
    SQUAD SQUADS DEATH KILLERS ASSASSINS HIRED PRESUMED ALLEGED SUSPECTED
    """
)
_WORD = re.compile(r"[A-Z0-9][A-Z0-9'&.]*")


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """The scorer's own view of a string: upper-cased, space-separated, nonessential words out."""
    return tuple(word for word in text.upper().split() if word not in _NONESSENTIAL)


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    """A person's view: punctuation, brackets and digits are no difference."""
    text = text.upper().replace('\\"', " ")
    found = (word.strip(".'") for word in _WORD.findall(text))
    return tuple(w for w in found if w and w not in _NONESSENTIAL and not w.isdigit())


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("S") else word


def judge_string(key: str, response: str, spec: SlotSpec | None = None) -> Judgement:
    """A response string against one key string (one alternative)."""
    if key.strip().upper() == response.strip().upper() or (
        _tokens(key) and _tokens(key) == _tokens(response)
    ):
        return COR
    key_words, response_words = _words(key), _words(response)
    if not key_words or not response_words:
        return INC
    if key_words == response_words:
        return COR.asked()  # only spacing, punctuation or a number differs
    is_name, is_perpetrator = spec is not None and spec.number == 18, spec is not None and spec.number == 9
    if is_name and tuple(w for w in response_words if w not in _TITLES) == key_words:
        return COR.asked()  # "MR. XYZ" for "XYZ" (3.2.18)
    key_set, response_set = set(key_words), set(response_words)
    if key_set <= response_set:
        return COR.asked()  # the key's phrase with more modifiers (3.1.1.1)
    key_stems, response_stems = {_stem(w) for w in key_set}, {_stem(w) for w in response_set}
    if response_stems <= key_stems or key_stems <= response_stems:
        return PAR.asked()  # part of the name ("TORRES", "BRIGADE"), or another number (3.1.1.2)
    if key_stems & response_stems:
        return PAR.asked()  # the same head or modifier, other words
    if is_perpetrator and key_set <= _GENERAL_PERPETRATORS and response_set <= _GENERAL_PERPETRATORS:
        return PAR.asked()  # consistent but inferior general description (3.2.9)
    return INC


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
    # The response gives a range: partial when it holds the key's date or overlaps its range.
    low = k.low if k.low is not None else k.high
    return PAR.asked() if r.low <= k.high and low <= r.high else INC


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


# --- fills -----------------------------------------------------------------------------------


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


def _tag(key: Filler, response: Filler) -> Judgement:
    """Whether the cross-reference tag is right: COR when it names the key's referent, else PAR.

    The scorer kept a history of the judgements made on the referenced slot and applied them
    to tags without asking again: a tag judged the same string as the key's referent is right,
    one judged partly the same is not (and costs nothing to ask); only a tag never compared
    before went to the person at the terminal.
    """
    if not key.refs and not response.refs:
        return COR
    for ref in key.refs:
        for given in response.refs:
            if ref.text.strip().upper() == given.text.strip().upper():
                return COR
    best = max(
        (judge_string(ref.text, given.text).credit for ref in key.refs for given in response.refs), default=0
    )
    if best == 1:
        return COR
    return PAR if best > 0 else PAR.asked()


def judge_filler(spec: SlotSpec, key: Filler, response: Filler) -> Judgement:
    """A response filler against a key filler: the best over the key's alternatives, and for a
    slot with cross-reference tags, combined with whether the tag is right (3.1.2):
    right value and tag -> correct; right value, wrong tag -> partial; partial value -> partial.
    """
    best = INC
    for value in key.values:
        for given in response.values:
            found = judge_value(spec, value, given)
            if found.beats(best):
                best = found
            if best == COR:
                break
    if not spec.tagged or best.credit == 0:
        return best
    tag = _tag(key, response)
    if best.correct and not tag.correct:
        return Judgement(0.5, best.interactive or tag.interactive)
    return best
