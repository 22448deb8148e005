"""Resolving dates as written against the publication date (2023-12-11 is a Monday)."""

from __future__ import annotations

import datetime

import pytest

from summarize.text.dates import FUTURE_SLACK_DAYS, ResolvedDate, day_expression, resolve_date

D = datetime.date
PUB = D(2023, 12, 11)  # Monday
assert PUB.weekday() == 0


def day(y: int, m: int, d: int) -> ResolvedDate:
    return ResolvedDate(D(y, m, d), "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # weekdays: the most recent such day on or before publication
        ("Monday", day(2023, 12, 11)),
        ("on Monday", day(2023, 12, 11)),
        ("Monday night", day(2023, 12, 11)),
        ("early Monday", day(2023, 12, 11)),
        ("late on Monday evening", day(2023, 12, 11)),
        ("Monday's attack", day(2023, 12, 11)),
        ("Mon.", day(2023, 12, 11)),
        ("Sunday", day(2023, 12, 10)),
        ("Saturday", day(2023, 12, 9)),
        ("On Saturday,", day(2023, 12, 9)),
        ("Friday", day(2023, 12, 8)),
        ("Fri.", day(2023, 12, 8)),
        ("Thursday", day(2023, 12, 7)),
        ("Thurs.", day(2023, 12, 7)),
        ("Wednesday", day(2023, 12, 6)),
        ("Tuesday", day(2023, 12, 5)),
        ("Tues.", day(2023, 12, 5)),
        ("last Friday", day(2023, 12, 8)),
        ("last Monday", day(2023, 12, 4)),  # said on a Monday, "last Monday" is a week ago
        ("Monday last week", day(2023, 12, 4)),
        ("Friday last week", day(2023, 12, 8)),
        ("next Tuesday", day(2023, 12, 12)),
        ("next Monday", day(2023, 12, 18)),
        # relative days
        ("today", day(2023, 12, 11)),
        ("tonight", day(2023, 12, 11)),
        ("this morning", day(2023, 12, 11)),
        ("earlier today", day(2023, 12, 11)),
        ("last night", day(2023, 12, 10)),
        ("late last night", day(2023, 12, 10)),
        ("overnight", day(2023, 12, 10)),
        ("yesterday", day(2023, 12, 10)),
        ("yesterday afternoon", day(2023, 12, 10)),
        ("the day before yesterday", day(2023, 12, 9)),
        ("two days ago", day(2023, 12, 9)),
        ("3 days ago", day(2023, 12, 8)),
        ("ten days earlier", day(2023, 12, 1)),
        # explicit dates
        ("December 11", day(2023, 12, 11)),
        ("on December 11", day(2023, 12, 11)),
        ("11 December 2023", day(2023, 12, 11)),
        ("11th of December", day(2023, 12, 11)),
        ("Dec. 11, 2023", day(2023, 12, 11)),
        ("Dec 11 2023", day(2023, 12, 11)),
        ("2023-12-11", day(2023, 12, 11)),
        ("2023-12-11T08:00:00Z", day(2023, 12, 11)),
        ("2019-07-04", day(2019, 7, 4)),
        ("Monday, December 4", day(2023, 12, 4)),  # the explicit date wins over the weekday
        ("since October 7", day(2023, 10, 7)),
        ("Sept. 3", day(2023, 9, 3)),
        ("1st of January", day(2023, 1, 1)),
        # year inference: the latest such date not more than a few days after publication
        ("December 13", day(2023, 12, 13)),
        ("December 20", day(2022, 12, 20)),
        ("January 5", day(2023, 1, 5)),
        # months and years
        ("last week", ResolvedDate(D(2023, 12, 4), "week")),
        ("this week", ResolvedDate(D(2023, 12, 11), "week")),
        ("two weeks ago", ResolvedDate(D(2023, 11, 27), "week")),
        ("in March", ResolvedDate(D(2023, 3, 1), "month")),
        ("mid-March", ResolvedDate(D(2023, 3, 1), "month")),
        ("early December", ResolvedDate(D(2023, 12, 1), "month")),
        ("March 2023", ResolvedDate(D(2023, 3, 1), "month")),
        ("in March 2019", ResolvedDate(D(2019, 3, 1), "month")),
        ("last month", ResolvedDate(D(2023, 11, 1), "month")),
        ("earlier this month", ResolvedDate(D(2023, 12, 1), "month")),
        ("in 2019", ResolvedDate(D(2019, 1, 1), "year")),
        ("late 2014", ResolvedDate(D(2014, 1, 1), "year")),
        ("last year", ResolvedDate(D(2022, 1, 1), "year")),
        ("this year", ResolvedDate(D(2023, 1, 1), "year")),
        # numeric day/month order is ambiguous: only the year is trusted
        ("11/12/2023", ResolvedDate(D(2023, 1, 1), "year")),
        ("11.12.2023", ResolvedDate(D(2023, 1, 1), "year")),
        ("11/12/23", ResolvedDate(None, "unknown")),
    ],
)
def test_resolve_with_publication_date(text: str, expected: ResolvedDate) -> None:
    assert resolve_date(text, PUB) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ON 10 JANUARY", day(1990, 1, 10)),
        ("LAST NIGHT", day(1990, 1, 11)),
        ("YESTERDAY", day(1990, 1, 11)),
        ("TODAY", day(1990, 1, 12)),
        ("ON 5 JANUARY 1990", day(1990, 1, 5)),
        ("10 JAN 90", day(1990, 1, 10)),
        ("LAST WEDNESDAY", day(1990, 1, 10)),
        ("IN DECEMBER", ResolvedDate(D(1989, 12, 1), "month")),
        ("THREE DAYS AGO", day(1990, 1, 9)),
    ],
)
def test_muc4_uppercase(text: str, expected: ResolvedDate) -> None:
    published = D(1990, 1, 12)  # a Friday
    assert resolve_date(text, published) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday", ResolvedDate(None, "day")),
        ("yesterday", ResolvedDate(None, "day")),
        ("last night", ResolvedDate(None, "day")),
        ("December 11", ResolvedDate(None, "day")),
        ("last week", ResolvedDate(None, "week")),
        ("in March", ResolvedDate(None, "month")),
        ("last year", ResolvedDate(None, "year")),
        ("11 December 2023", day(2023, 12, 11)),
        ("2023-12-11", day(2023, 12, 11)),
        ("Dec. 11, 2023", day(2023, 12, 11)),
        ("March 2023", ResolvedDate(D(2023, 3, 1), "month")),
        ("in 2019", ResolvedDate(D(2019, 1, 1), "year")),
    ],
)
def test_resolve_without_publication_date(text: str, expected: ResolvedDate) -> None:
    assert resolve_date(text, None) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "sometime",
        "recently",
        "at an unspecified date",
        "Feb 30",
        "2023-02-30",
        "32 March",
        "n/a",
    ],
)
def test_unknown(text: str | None) -> None:
    assert resolve_date(text, PUB) == ResolvedDate(None, "unknown")
    assert resolve_date(text, None) == ResolvedDate(None, "unknown")


def test_weekday_relation_holds_for_every_publication_weekday() -> None:
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    for offset in range(7):
        published = PUB + datetime.timedelta(days=offset)
        for target, name in enumerate(names):
            resolved = resolve_date(name, published)
            assert resolved.precision == "day"
            assert resolved.date is not None
            assert resolved.date.weekday() == target
            assert 0 <= (published - resolved.date).days <= 6


def test_year_inference_at_new_year() -> None:
    published = D(2024, 1, 2)
    assert resolve_date("December 31", published) == day(2023, 12, 31)
    assert resolve_date("January 1", published) == day(2024, 1, 1)
    assert resolve_date("January 4", published) == day(2024, 1, 4)  # within the slack
    assert FUTURE_SLACK_DAYS == 3
    assert resolve_date("January 6", published) == day(2023, 1, 6)
    assert resolve_date("in December", published) == ResolvedDate(D(2023, 12, 1), "month")
    assert resolve_date("last week", published) == ResolvedDate(D(2023, 12, 25), "week")
    assert resolve_date("last month", published) == ResolvedDate(D(2023, 12, 1), "month")
    assert resolve_date("yesterday", D(2024, 3, 1)) == day(2024, 2, 29)


def test_february_29_goes_back_to_a_leap_year() -> None:
    assert resolve_date("Feb 29", PUB) == day(2020, 2, 29)
    assert resolve_date("29 February", D(2024, 3, 5)) == day(2024, 2, 29)


def test_datetime_publication_is_accepted() -> None:
    assert resolve_date("yesterday", datetime.datetime(2023, 12, 11, 23, 59)) == day(2023, 12, 10)


@pytest.mark.parametrize(
    ("when", "background"),
    [
        ("Monday", False),
        ("last week", False),
        ("earlier this month", False),
        ("on 3 May", False),
        ("in April", False),  # the month ended within the news window
        ("in March", True),
        ("last year", True),
        ("in 2010", True),
        ("July 2010", True),
        ("in October 2017", False),  # a date after publication is not "recalled"
        (None, False),
        ("unknown", False),
    ],
)
def test_an_event_dated_well_before_the_article_is_background(when: str | None, background: bool) -> None:
    from summarize.brief.checks import is_background

    assert is_background(when, datetime.date(2016, 5, 27)) is background
    assert is_background(when, None) is False  # undated articles keep every event


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The bombing at noon today left nine dead.", "today"),
        ("Gunmen attacked the village late Sunday.", "late Sunday"),
        ("Police said Monday that a bomb exploded last night.", "last night"),
        ("Officials said on Friday the convoy was hit.", None),
        ("The attack killed nine people, he said.", None),
    ],
)
def test_the_day_a_sentence_dates_its_event_by(sentence: str, expected: str | None) -> None:
    assert day_expression(sentence) == expected
