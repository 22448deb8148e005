"""Comparators: one per kind of field, because "equal" means different things for each.

An all-or-nothing JSON match calls "Ain al-Asad" wrong against "Ain al-Assad air base" and a
missing count right against ``0``. Here names match after normalisation, aliases and fuzzy
matching; counts keep ``null`` (not reported) and ``0`` (none) apart; dates are compared at
the precision the text allows; countries by ISO code; enums exactly, or within configured
equivalence classes. Scalar fields give a credit in [0, 1]; list fields give true positives,
false positives and false negatives so they aggregate into micro precision/recall.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from ..schema import Casualties, DatePrecision
from ..text.folding import fold
from ..text.geo import country_code
from .assign import assign
from .gold import Item, NameItem

__all__ = [
    "NAME_THRESHOLD",
    "Matching",
    "SetScore",
    "compare_count",
    "compare_country",
    "compare_date",
    "compare_enum",
    "compare_names",
    "compare_place",
    "compare_weapons",
    "name_similarity",
    "normalise_name",
]

NAME_THRESHOLD = 85.0
"""rapidfuzz token-set ratio at or above which two names denote the same thing."""

_ARTICLE = re.compile(r"^(?:the|la|el|los|las|al|le)\s+")
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class SetScore:
    """How a predicted list compares with a gold list."""

    tp: int
    fp: int
    fn: int
    matched: tuple[tuple[str, str], ...] = ()

    @property
    def f1(self) -> float:
        """F1 of this list alone; two empty lists agree perfectly."""
        if self.tp == self.fp == self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


@dataclass(frozen=True)
class Matching:
    """Knobs of the comparators: name aliases, enum equivalences, the fuzzy threshold."""

    aliases: Mapping[str, Collection[str]] = field(default_factory=dict)
    equivalences: Mapping[str, Sequence[Collection[str]]] = field(default_factory=dict)
    threshold: float = NAME_THRESHOLD

    def canonical(self, name: str) -> str:
        norm = normalise_name(name)
        return _alias_index(tuple((k, tuple(v)) for k, v in self.aliases.items())).get(norm, norm)

    def equivalent(self, field_name: str, a: str, b: str) -> bool:
        return a == b or any(a in group and b in group for group in self.equivalences.get(field_name, ()))


@lru_cache(maxsize=32)
def _alias_index(aliases: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, others in aliases:
        target = normalise_name(canonical)
        for alias in (canonical, *others):
            index[normalise_name(alias)] = target
    return index


def normalise_name(name: str) -> str:
    """Case, accents, punctuation, quotes and a leading article do not make a different name."""
    words = _NON_WORD.sub(" ", fold(name)).strip()
    return _ARTICLE.sub("", words)


def name_similarity(a: str, b: str, matching: Matching | None = None) -> float:
    """0-100: 100 for the same name after normalisation and aliases, else the token-set ratio."""
    m = matching or Matching()
    ca, cb = m.canonical(a), m.canonical(b)
    if not ca or not cb:
        return 0.0
    if ca == cb:
        return 100.0
    return float(fuzz.token_set_ratio(ca, cb))


def _best(name: str, options: Iterable[str], matching: Matching) -> float:
    return max((name_similarity(name, option, matching) for option in options), default=0.0)


def _item(gold: NameItem) -> Item:
    return gold if isinstance(gold, Item) else Item(any_of=[gold])


def compare_names(
    predicted: Sequence[str], gold: Sequence[NameItem], matching: Matching | None = None
) -> SetScore:
    """Set match of names: one-to-one, each gold member by any of its aliases, fuzzy above the threshold."""
    m = matching or Matching()
    preds = list(dict.fromkeys(p for p in predicted if normalise_name(p)))
    items = [_item(g) for g in gold]
    sims = [[_best(p, item.any_of, m) for p in preds] for item in items]
    pairs = assign(sims, minimum=m.threshold)
    matched_gold = {g for g, _ in pairs}
    fn = sum(1 for i, item in enumerate(items) if i not in matched_gold and not item.optional)
    return SetScore(
        tp=len(pairs),
        fp=len(preds) - len(pairs),
        fn=fn,
        matched=tuple((items[g].any_of[0], preds[p]) for g, p in pairs),
    )


def compare_place(
    predicted: str | None, options: Sequence[str | None], matching: Matching | None = None
) -> float:
    """1.0 when the place matches one gold alternative (fuzzy, aliases), or both are unreported."""
    m = matching or Matching()
    for option in options:
        if option is None and predicted is None:
            return 1.0
        if (
            option is not None
            and predicted is not None
            and name_similarity(predicted, option, m) >= m.threshold
        ):
            return 1.0
    return 0.0


def compare_enum(
    field_name: str, predicted: str | None, options: Sequence[str], matching: Matching | None = None
) -> float:
    """1.0 when the value is one of the gold alternatives, or equivalent to one."""
    m = matching or Matching()
    if predicted is None:
        return 0.0
    return 1.0 if any(m.equivalent(field_name, str(predicted), str(o)) for o in options) else 0.0


def compare_weapons(predicted: Sequence[str], options: Sequence[Sequence[str]]) -> SetScore:
    """Set match of weapon kinds, against the best-fitting gold alternative."""
    pred = {str(p) for p in predicted}
    scores = []
    for option in options:
        want = {str(o) for o in option}
        hits = pred & want
        scores.append(
            SetScore(
                tp=len(hits),
                fp=len(pred - want),
                fn=len(want - pred),
                matched=tuple((h, h) for h in sorted(hits)),
            )
        )
    return max(scores, key=lambda s: (s.f1, s.tp))


def compare_count(predicted: Casualties, options: Sequence[int | None]) -> float:
    """1.0 for an accepted count; ``null`` (not reported) and ``0`` (none) never match each other."""
    return 1.0 if predicted.count in options else 0.0


def compare_country(predicted: str | None, gold: str | None) -> float:
    """1.0 when both name the same ISO-3 country (or both are unknown)."""
    return 1.0 if _iso(predicted) == _iso(gold) else 0.0


def _iso(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) == 3 and value.isupper():
        return value
    return country_code(value) or normalise_name(value)


def _period(day: dt.date, precision: DatePrecision) -> tuple[int, ...]:
    if precision == "year":
        return (day.year,)
    if precision == "month":
        return (day.year, day.month)
    if precision == "week":
        return tuple(day.isocalendar()[:2])
    return (day.year, day.month, day.day)


def compare_date(
    predicted: dt.date | None,
    predicted_precision: DatePrecision,
    options: Sequence[dt.date | None],
    gold_precision: DatePrecision = "day",
) -> float:
    """Dates at the gold precision: 1.0 when they agree, 0.5 when a vaguer prediction covers the gold day.

    ``null`` matches only ``null``: an unresolved date is right only where the text gives none.
    """
    best = 0.0
    for option in options:
        if option is None or predicted is None:
            best = max(best, 1.0 if option is predicted else 0.0)
            continue
        if (
            gold_precision != "unknown"
            and _period(predicted, gold_precision) == _period(option, gold_precision)
            and (predicted_precision in ("day", "unknown") or gold_precision != "day")
        ):
            return 1.0
        if predicted_precision in ("week", "month", "year") and _period(
            predicted, predicted_precision
        ) == _period(option, predicted_precision):
            best = max(best, 0.5)
    return best
