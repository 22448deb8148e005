"""How exported fills are written: upper-case ASCII, dates as ``DD MMM YY``."""

from __future__ import annotations

import datetime as dt
import unicodedata

from .parse import Value

__all__ = ["fill_date", "fill_string", "fill_text"]


def fill_text(text: str) -> str:
    """Upper case, accents off, spaces collapsed: the 1992 fills are plain upper-case ASCII."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(plain.replace('"', "'").upper().split())


def fill_date(day: dt.date) -> str:
    """``21 JAN 89``."""
    return f"{day.day:02d} {day.strftime('%b').upper()} {day:%y}"


def fill_string(text: str) -> Value:
    """A string fill (shown in double quotes) of ``text``."""
    return Value(fill_text(text), quoted=True)
