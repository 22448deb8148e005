"""String fills (guidelines 3.1.1): when a response string is the key's, or partly.

The scorer itself accepted a string equal to the key's once both lost their nonessential
modifiers (articles, quantifiers, nationality adjectives); every other mismatch went to a person,
whom these rules stand in for, following the guidelines' examples and, where those are silent,
what the 1992 judges did most often (``evals/MUC4.md`` gives the counts).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .judgement import COR, INC, PAR, Judgement
from .parse import Filler
from .slots import SlotSpec

__all__ = ["incomplete", "judge_string"]


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
#: Words a noun phrase does not end with: a response ending in one was cut off mid-phrase.
_DANGLING = _wordset("A AN THE THIS THAT THESE OF IN ON AT TO BY FOR FROM WITH AND OR WHO WHICH WHILE AS")
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
        # The key's phrase with more modifiers is right (3.1.1.1); a phrase cut off mid-way
        # ("... WHO HURLED A") carries an adjunct that is not part of it (3.1.1.2).
        cut_off = response.split()[-1].upper().strip(",.") in _DANGLING
        return PAR.asked() if cut_off else COR.asked()
    key_stems, response_stems = {_stem(w) for w in key_set}, {_stem(w) for w in response_set}
    if response_stems <= key_stems or key_stems <= response_stems:
        return PAR.asked()  # part of the name ("TORRES", "BRIGADE"), or another number (3.1.1.2)
    if key_stems & response_stems:
        return PAR.asked()  # the same head or modifier, other words
    if is_perpetrator and key_set <= _GENERAL_PERPETRATORS and response_set <= _GENERAL_PERPETRATORS:
        return PAR.asked()  # consistent but inferior general description (3.2.9)
    return INC


def incomplete(key: Filler, response: Filler) -> bool:
    """The response string is a part of one of the key's strings (words missing from it)."""
    return any(
        set(_words(given.text)) < set(_words(value.text)) for value in key.values for given in response.values
    )
