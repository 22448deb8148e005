"""Find a model's evidence quote in the article text, and where it is.

Models paraphrase their "verbatim" quotes: they straighten curly quotes, drop the
quote marks the article put around a phrase, change case, re-flow whitespace,
elide with "...", or misremember a word. They are also bad at counting
characters, so the model is never asked for offsets: this module finds the span
itself and returns offsets into the ORIGINAL article text.

Matching is tried from the strictest to the loosest, and the first hit wins:

1. ``exact``: the quote (stripped) is a substring of the text.
2. ``normalized``: both sides are normalised (case-folded, accents and quote
   marks dropped, curly apostrophes and dashes unified, whitespace collapsed)
   while an index map remembers, for every normalised character, the original
   character it came from, so a normalised hit maps back to original offsets.
3. ``fuzzy``: rapidfuzz's ``partial_ratio_alignment`` on the normalised strings,
   accepted at ``score >= threshold``, the span trimmed to whole words. Quotes
   shorter than ``MIN_FUZZY_CHARS`` never match fuzzily: too ambiguous.

A quote with an ellipsis ("..." or "…") that does not match as a whole is split
into its parts, which must all match, in order; the covering span is returned.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

__all__ = ["MIN_FUZZY_CHARS", "MatchKind", "QuoteMatch", "locate", "normalize"]

MatchKind = Literal["exact", "normalized", "fuzzy"]

#: Normalised quotes shorter than this only match exactly or after normalisation.
MIN_FUZZY_CHARS = 8

_RANK: dict[MatchKind, int] = {"exact": 0, "normalized": 1, "fuzzy": 2}

# Characters unified before matching. Quote marks become '"' (dropped below) or
# "'" (kept only inside a word, as an apostrophe); dashes become '-'.
# (Escaped: the literal characters are easy to misread. Curly and angle quotes, primes, dashes.)
_DOUBLE_QUOTES = frozenset('"\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a`\u00b4')
_SINGLE_QUOTES = frozenset("'\u2018\u2019\u201a\u201b\u2032\u02bc")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_ELLIPSIS_SPLIT = re.compile(r"\s*(?:\.\s?\.\s?\.|…)\s*")
_EDGE_PUNCT = " .,;:!?-'"


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: ``text[start:end]`` is the matched span of the original text."""

    start: int
    end: int
    score: float  # 0-100; 100 for exact and normalised matches
    kind: MatchKind


def _fold_char(ch: str) -> str:
    """Case-fold one character and drop its accents (may return 0, 1 or more characters)."""
    if ch in _DASHES:
        return "-"
    if ch in _DOUBLE_QUOTES:
        return '"'
    if ch in _SINGLE_QUOTES:
        return "'"
    if ch == "…":
        return "..."
    if ch.isspace():
        return " "
    if ch.isascii():
        return ch.lower()
    out = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in out if not unicodedata.combining(c))


# ASCII characters that fold to their lower case and nothing else (not space, quote or dash). Runs of
# them, joined by single spaces (which fold to themselves there), are most of any English text and
# are folded a run at a time instead of a character at a time.
_PLAIN_ASCII = "".join(
    ch
    for ch in map(chr, range(128))
    if not ch.isspace()
    and ch.isprintable()
    and _fold_char(ch) == ch.lower()
    and ch not in _DOUBLE_QUOTES
    and ch not in _SINGLE_QUOTES
)
_PLAIN_RUN = f"[{re.escape(_PLAIN_ASCII)}]+"
_TOKEN = re.compile(f"({_PLAIN_RUN}(?: {_PLAIN_RUN})*)|.", re.DOTALL)


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` for matching; return it with, per normalised character, its original index.

    Case-folds, strips accents, unifies dashes and quote marks, drops double quote
    marks and single quotes that are not apostrophes inside a word, and collapses
    whitespace runs to one space (none at the ends). The index list is
    non-decreasing, so a normalised span ``[a, b)`` maps back to the original
    span ``[idx[a], idx[b - 1] + 1)``.
    """
    pieces: list[str] = []  # plain runs whole, anything else one folded character at a time
    idx: list[int] = []
    n = len(text)
    for token in _TOKEN.finditer(text):
        i = token.start()
        if token.lastindex:  # plain ASCII and single spaces: lower case, one index per character
            pieces.append(token.group().lower())
            idx.extend(range(i, token.end()))
            continue
        ch = token.group()
        folded = _fold_char(ch)
        if folded == '"':
            continue
        if folded == "'":
            prev_alnum = i > 0 and text[i - 1].isalnum()
            next_alnum = i + 1 < n and text[i + 1].isalnum()
            if not (prev_alnum and next_alnum):
                continue
        for c in folded:
            if c == " " and (not pieces or pieces[-1] == " "):
                continue
            pieces.append(c)
            idx.append(i)
    if pieces and pieces[-1] == " ":
        pieces.pop()
        idx.pop()
    return "".join(pieces), idx


@functools.lru_cache(maxsize=16)
def _normalized_text(text: str) -> tuple[str, tuple[int, ...]]:
    norm, idx = normalize(text)
    return norm, tuple(idx)


def _normalized_quote(quote: str) -> str:
    return normalize(quote)[0].strip(_EDGE_PUNCT)


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _word_around(norm: str, i: int) -> tuple[int, int]:
    """Start and end of the word that position ``i`` cuts through."""
    w_start = w_end = i
    while w_start > 0 and _is_word(norm[w_start - 1]):
        w_start -= 1
    while w_end < len(norm) and _is_word(norm[w_end]):
        w_end += 1
    return w_start, w_end


def _trim_to_words(norm: str, start: int, end: int) -> tuple[int, int]:
    """Snap a fuzzy span to word boundaries.

    A word cut at an edge is taken whole if at least half of it is inside the span,
    dropped otherwise; surrounding spaces and punctuation are trimmed.
    """
    n = len(norm)
    if 0 < start < n and _is_word(norm[start - 1]) and _is_word(norm[start]):
        w_start, w_end = _word_around(norm, start)
        start = w_start if (w_end - start) * 2 >= (w_end - w_start) else w_end
    if 0 < end < n and _is_word(norm[end - 1]) and _is_word(norm[end]):
        w_start, w_end = _word_around(norm, end)
        end = w_end if (end - w_start) * 2 >= (w_end - w_start) else w_start
    while start < end and norm[start] in _EDGE_PUNCT:
        start += 1
    while end > start and norm[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _locate_part(
    quote: str, text: str, norm: str, idx: tuple[int, ...], pos: int, threshold: float, *, allow_fuzzy: bool
) -> QuoteMatch | None:
    """Locate one ellipsis-free quote at or after original offset ``pos``."""
    stripped = quote.strip()
    if not stripped:
        return None
    hit = text.find(stripped, pos)
    if hit >= 0:
        return QuoteMatch(hit, hit + len(stripped), 100.0, "exact")
    nq = _normalized_quote(stripped)
    if not nq:
        return None
    npos = bisect_left(idx, pos)
    nhit = norm.find(nq, npos)
    if nhit >= 0:
        return QuoteMatch(idx[nhit], idx[nhit + len(nq) - 1] + 1, 100.0, "normalized")
    if not allow_fuzzy or len(nq) < MIN_FUZZY_CHARS:
        return None
    haystack = norm[npos:]
    if len(haystack) < MIN_FUZZY_CHARS:
        return None
    alignment = fuzz.partial_ratio_alignment(nq, haystack, score_cutoff=threshold)
    if alignment is None or alignment.score < threshold:
        return None
    start, end = _trim_to_words(norm, npos + alignment.dest_start, npos + alignment.dest_end)
    if end <= start or not _facts_kept(stripped, norm[max(0, start - 16) : end + 16]):
        return None
    return QuoteMatch(idx[start], idx[end - 1] + 1, float(alignment.score), "fuzzy")


_FACT_WORD = re.compile(r"\b(?:\d[\d,.]*|[A-Z][\w'-]*)")


def _facts_kept(quote: str, window: str) -> bool:
    """A fuzzy match may differ in form, not in facts: its numbers and names must be in the window.

    "On Monday, rockets hit ..." must not verify against "On Friday, rockets hit ...",
    although the two strings are 95 % alike. Numbers must appear exactly; names may be
    spelt a little differently ("Kataib" for "Kataeb"). In all-caps text every word
    looks like a name, so there only numbers are checked.
    """
    letters = [ch for ch in quote if ch.isalpha()]
    all_caps = bool(letters) and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)
    words = set(re.findall(r"\w+", window))
    for fact in _FACT_WORD.findall(quote):
        if all_caps and not fact[0].isdigit():
            continue
        for token in re.findall(r"\w+", _normalized_quote(fact)):
            if token in words:
                continue
            if token[0].isdigit() or not any(fuzz.ratio(token, w) >= _NAME_SIMILARITY for w in words):
                return False
    return True


#: how alike two spellings of a name must be (rapidfuzz ratio) in a fuzzy match
_NAME_SIMILARITY = 80.0


def locate(quote: str, text: str, *, threshold: float = 85.0) -> QuoteMatch | None:
    """Find ``quote`` in ``text``; return where (original offsets), how, and how well, or ``None``.

    ``threshold`` (0-100) is the least fuzzy score accepted. The first occurrence
    wins. Never raises on odd input: an empty quote or text simply does not match.
    """
    if not 0.0 <= threshold <= 100.0:
        raise ValueError(f"threshold must be within 0..100, got {threshold}")
    if not quote or not quote.strip() or not text:
        return None
    norm, idx = _normalized_text(text)
    has_ellipsis = "…" in quote or _ELLIPSIS_SPLIT.search(quote) is not None
    whole = _locate_part(quote, text, norm, idx, 0, threshold, allow_fuzzy=not has_ellipsis)
    if whole is not None or not has_ellipsis:
        return whole
    parts = [p for p in _ELLIPSIS_SPLIT.split(quote) if _normalized_quote(p)]
    if not parts:
        return None
    matches: list[QuoteMatch] = []
    pos = 0
    for part in parts:
        found = _locate_part(part, text, norm, idx, pos, threshold, allow_fuzzy=True)
        if found is None:
            return None
        matches.append(found)
        pos = found.end
    kind = max((m.kind for m in matches), key=_RANK.__getitem__)
    return QuoteMatch(matches[0].start, matches[-1].end, min(m.score for m in matches), kind)
