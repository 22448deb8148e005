"""Counts as news writes them: digits ("1,282"), words ("seven", "twenty-one"), "dozens" aside.

Casualty figures are read from the article when the model leaves them out; only
exact numbers are read, never "dozens" or "several", which the brief cannot hold
as a count without inventing one.
"""

from __future__ import annotations

import re

__all__ = ["NUMBER", "number_value"]

_UNITS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
]
_UNITS += ["seventeen", "eighteen", "nineteen"]
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORDS = {word: n for n, word in enumerate(_UNITS, start=1)} | _TENS

# a number: digits with thousands separators, or a number word ("twenty-one" included)
NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:"
    + "|".join(sorted(_TENS, key=len, reverse=True))
    + r")(?:[- ](?:"
    + "|".join(_UNITS[:9])
    + r"))?|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")(?![\w,]*\d)"
)


def number_value(raw: str) -> int:
    """The value of a ``NUMBER`` match."""
    text = raw.strip().lower().replace(",", "")
    if text.isdigit():
        return int(text)
    parts = re.split(r"[- ]", text)
    return sum(_WORDS[p] for p in parts)
