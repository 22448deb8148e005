"""Turn a date as written in a news article ("Monday", "last week", "Dec. 11") into an ISO date.

News text dates events relative to the day it was published, so the model is
asked to copy the date expression verbatim and this module resolves it, given the
publication date, deterministically. It never guesses more precisely than the
text allows: the result carries a precision ("day", "week", "month", "year", or
"unknown") and a date that is the first day of that period (Monday for weeks).

Rules (``published`` is the publication date, ``P``):

* Explicit dates: ISO ``2023-12-11`` (and ``2023/12/11``), ``11 December 2023``,
  ``December 11``, ``Dec. 11, 2023``, ``11th of December``, MUC-style
  ``10 JAN 90``. Without a year, the year is the one that makes the date the
  latest not more than ``FUTURE_SLACK_DAYS`` after ``P``. Purely numeric forms
  like ``11/12/2023`` are ambiguous (day/month order) and only give the year.
* Weekdays in any phrasing ("Monday", "on Monday night", "early Mon.") mean the
  most recent such day on or before ``P`` (an article published on a Monday that
  says "Monday" means that day). Exception: "last Monday" on a Monday means a
  week before, since nobody calls today "last Monday". "next Monday" is after P.
* today / tonight / this morning / earlier today -> P; yesterday -> P - 1;
  "last night" -> P - 1 (articles are usually filed the morning after the night
  they report); "N days ago" -> P - N; "the day before yesterday" -> P - 2.
* "this week" -> Monday of P's week; "last week" -> Monday of the week before;
  "N weeks ago" -> Monday of the week containing P - 7N; all week precision.
* Months: "in March", "mid-March" -> month precision, the latest such month
  starting not after P + slack; "March 2023" -> 2023-03-01; "this month",
  "last month" likewise.
* Years: "in 2019", "late 2019" -> 2019-01-01, year precision; "this year",
  "last year".

Without a publication date, relative forms keep their precision but give no date;
explicit dates with a year still resolve. Matching is case-insensitive, so
MUC-4's uppercase text ("ON 10 JANUARY", "LAST NIGHT") works. Anything else, or
an empty string, is ``ResolvedDate(None, "unknown")``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["FUTURE_SLACK_DAYS", "DatePrecision", "ResolvedDate", "day_expression", "resolve_date"]

DatePrecision = Literal["day", "week", "month", "year", "unknown"]

#: How far after publication an explicit date without a year may still fall.
FUTURE_SLACK_DAYS = 3


@dataclass(frozen=True)
class ResolvedDate:
    """A resolved date and how precise it is; ``date`` is the first day of the period."""

    date: datetime.date | None
    precision: DatePrecision


UNKNOWN = ResolvedDate(None, "unknown")

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAY = (
    r"\b(?P<weekday>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)(?:'s)?\b\.?"
)
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "a couple of": 2,
    "a few": 3,
    "several": 3,
}
_COUNT = (
    r"(?P<count>\d{1,3}|a couple of|a few|"
    + "|".join(sorted((k for k in _NUMBER_WORDS if " " not in k), key=len, reverse=True))
    + ")"
)

_ISO = re.compile(r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?!\d)")
_NUMERIC_AMBIGUOUS = re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.](?P<y>\d{4}|\d{2})\b")
_DAY_MONTH = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+" + _MONTH + r"(?:,?[\s-]+(?P<year>\d{4}|'?\d{2}))?\b"
)
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4})\b)?")
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+(?:of\s+)?(?P<year>\d{4})\b")
_MONTH_ALONE = re.compile(
    r"^(?:(?:in|on|during|since|from|by|until|till|through|throughout|around|about|early|late|mid|"
    r"earlier|later|the|this|last|past|of|month|end|beginning|start|middle)[\s-]+)*"
    + _MONTH
    + r"(?:\s+(?:this|last)\s+year)?$"
)
_YEAR = re.compile(r"\b(?P<year>1[89]\d{2}|2[01]\d{2})\b")
_DAYS_AGO = re.compile(r"\b" + _COUNT + r"\s+days?\s+(?:ago|earlier|before)\b")
_WEEKS_AGO = re.compile(r"\b" + _COUNT + r"\s+weeks?\s+(?:ago|earlier|before)\b")
_MONTHS_AGO = re.compile(r"\b" + _COUNT + r"\s+months?\s+(?:ago|earlier|before)\b")
_YEARS_AGO = re.compile(r"\b" + _COUNT + r"\s+years?\s+(?:ago|earlier|before)\b")
_LAST_WEEK = re.compile(r"\b(?:last|past|previous) week\b")
_WEEKDAY_RE = re.compile(r"(?P<mod>\b(?:last|past|this|next|previous)\s+)?" + _WEEKDAY)


def _clean(text: str) -> str:
    s = text.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    return re.sub(r"\s+", " ", s)


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_number(raw: str) -> int:
    return _MONTHS[raw.rstrip(".")[:3]]


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, published: datetime.date) -> datetime.date | None:
    """The latest ``month``/``day`` not more than the slack after ``published``."""
    latest = published + datetime.timedelta(days=FUTURE_SLACK_DAYS)
    for year in range(latest.year, latest.year - 9, -1):  # 8+ years back covers 29 February
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate <= latest:
            return candidate
    return None


def _two_digit_year(yy: int, published: datetime.date | None) -> int:
    """Expand a two-digit year to the latest year not after the publication year + 1."""
    if published is None:
        return 2000 + yy if yy <= 50 else 1900 + yy
    year = published.year - published.year % 100 + yy
    return year - 100 if year > published.year + 1 else year


def _explicit_day(s: str, published: datetime.date | None) -> ResolvedDate | None:
    m = _ISO.search(s)
    if m:
        day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        return ResolvedDate(day, "day") if day else UNKNOWN
    m = _DAY_MONTH.search(s) or _MONTH_DAY.search(s)
    if not m:
        return None
    month, dom = _month_number(m["month"]), int(m["day"])
    if not 1 <= dom <= 31:
        return UNKNOWN
    raw_year = m["year"]
    if raw_year:
        digits = raw_year.lstrip("'")
        year = int(digits) if len(digits) == 4 else _two_digit_year(int(digits), published)
        day = _safe_date(year, month, dom)
        return ResolvedDate(day, "day") if day else UNKNOWN
    if _safe_date(2000, month, dom) is None:  # 2000 is a leap year: only truly impossible dates fail
        return UNKNOWN
    if published is None:
        return ResolvedDate(None, "day")
    return ResolvedDate(_infer_year(month, dom, published), "day")


def _relative_day(s: str, published: datetime.date | None) -> ResolvedDate | None:
    """Day-precision expressions relative to the publication day; None if there is none."""

    def days_back(n: int) -> ResolvedDate:
        return ResolvedDate(published - datetime.timedelta(days=n) if published else None, "day")

    if re.search(r"\bday before yesterday\b", s):
        return days_back(2)
    if re.search(r"\b(?:yesterday|last night|overnight)\b", s):
        return days_back(1)
    if re.search(r"\b(?:today|tonight|this (?:morning|afternoon|evening)|earlier today|hours? ago)\b", s):
        return days_back(0)
    if re.search(r"\btomorrow\b", s):
        return days_back(-1)
    if m := _DAYS_AGO.search(s):
        return days_back(_count(m["count"]))
    return None


def _relative_period(s: str, published: datetime.date | None) -> ResolvedDate | None:
    """Week, month and year expressions relative to the publication day; None if there is none."""
    if m := _WEEKS_AGO.search(s):
        if published is None:
            return ResolvedDate(None, "week")
        return ResolvedDate(_monday(published - datetime.timedelta(weeks=_count(m["count"]))), "week")
    if _LAST_WEEK.search(s):
        return ResolvedDate(_monday(published) - datetime.timedelta(days=7) if published else None, "week")
    if re.search(r"\bthis week\b|\bearlier (?:in )?the week\b", s):
        return ResolvedDate(_monday(published) if published else None, "week")
    if re.search(r"\bweekend\b", s):
        if published is None:
            return ResolvedDate(None, "week")
        saturday = published - datetime.timedelta(days=(published.weekday() - 5) % 7)
        return ResolvedDate(_monday(saturday), "week")
    if m := _MONTHS_AGO.search(s):
        first = published.replace(day=1) if published else None
        return ResolvedDate(_add_months(first, -_count(m["count"])) if first else None, "month")
    if re.search(r"\b(?:last|past|previous) month\b", s):
        return ResolvedDate(_add_months(published.replace(day=1), -1) if published else None, "month")
    if re.search(r"\bthis month\b|\bearlier (?:in )?the month\b", s):
        return ResolvedDate(published.replace(day=1) if published else None, "month")
    if m := _YEARS_AGO.search(s):
        return ResolvedDate(
            datetime.date(published.year - _count(m["count"]), 1, 1) if published else None, "year"
        )
    if re.search(r"\b(?:last|past|previous) year\b", s):
        return ResolvedDate(datetime.date(published.year - 1, 1, 1) if published else None, "year")
    if re.search(r"\bthis year\b", s):
        return ResolvedDate(datetime.date(published.year, 1, 1) if published else None, "year")
    return None


def _weekday(s: str, published: datetime.date | None) -> ResolvedDate | None:
    m = _WEEKDAY_RE.search(s)
    if not m:
        return None
    if published is None:
        return ResolvedDate(None, "day")
    target = _WEEKDAYS[m["weekday"][:3]]
    if _LAST_WEEK.search(s):  # "Monday last week": that weekday of the previous week
        return ResolvedDate(_monday(published) - datetime.timedelta(days=7 - target), "day")
    mod = (m["mod"] or "").strip()
    back = (published.weekday() - target) % 7
    if mod == "next":
        ahead = (target - published.weekday()) % 7 or 7
        return ResolvedDate(published + datetime.timedelta(days=ahead), "day")
    if mod in ("last", "past", "previous") and back == 0:
        back = 7
    return ResolvedDate(published - datetime.timedelta(days=back), "day")


def _month(s: str, published: datetime.date | None) -> ResolvedDate | None:
    m = _MONTH_YEAR.search(s)
    if m:
        return ResolvedDate(datetime.date(int(m["year"]), _month_number(m["month"]), 1), "month")
    m = _MONTH_ALONE.match(s)
    if not m:
        return None
    if published is None:
        return ResolvedDate(None, "month")
    return ResolvedDate(_infer_year(_month_number(m["month"]), 1, published), "month")


def resolve_date(text: str | None, published: datetime.date | None) -> ResolvedDate:
    """Resolve a date as written (``text``) against the publication date; see the module doc."""
    if not text or not text.strip():
        return UNKNOWN
    if isinstance(published, datetime.datetime):
        published = published.date()
    s = _clean(text).rstrip(" .,;:!?")
    if _NUMERIC_AMBIGUOUS.search(s) and not _ISO.search(s):
        m = _NUMERIC_AMBIGUOUS.search(s)
        assert m is not None
        raw = m["y"]
        if len(raw) == 4:
            return ResolvedDate(datetime.date(int(raw), 1, 1), "year")
        return UNKNOWN
    for resolver in (_explicit_day, _relative_day, _weekday, _relative_period, _month):
        found = resolver(s, published)
        if found is not None:
            return found
    m = _YEAR.search(s)
    if m:
        return ResolvedDate(datetime.date(int(m["year"]), 1, 1), "year")
    return UNKNOWN


_DAY_EXPRESSION = re.compile(
    r"\b(?:(?:earlier )?today|tonight|this (?:morning|afternoon|evening)|(?:the day before )?yesterday"
    r"|last night|overnight)\b|(?:\b(?:on|early|late)\s+)?" + _WEEKDAY.replace("?P<weekday>", "?:"),
    re.IGNORECASE,
)
_REPORTING = re.compile(r"\b(?:said|says|told|announced|reported|added|stated)\s+(?:on\s+)?$", re.IGNORECASE)


def day_expression(sentence: str) -> str | None:
    """The first relative day a sentence dates something by ("today", "on Monday"), skipping
    the day it was said on ("officials said Monday"); ``None`` if there is none.

    >>> day_expression("Officials said Tuesday that the attack at noon today killed nine.")
    'today'
    """
    for m in _DAY_EXPRESSION.finditer(sentence):
        if not _REPORTING.search(sentence[: m.start()]):
            return m.group(0).rstrip(".")
    return None
