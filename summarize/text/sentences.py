"""Where sentences end: the one splitter that truncation, the leads, summaries and checks share.

A sentence ends at ``.``, ``!``, ``?`` or ``…``, with any closing quotes or brackets after
it, before white space; a line break always ends one. It is a plain splitter, good enough
to point at ("the sentence that reports the claim"), never to ground a quote: grounding
finds quotes in the article itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["complete", "lead", "sentence_around", "sentence_ends", "sentences"]

_STOP = "[.!?\u2026]"
_CLOSERS = "[\"'\u201d\u2019\u00bb)\\]]*"
# What stands between two sentences: white space after an end (the end mark stays with its
# sentence), or line breaks.
_BETWEEN = re.compile(f"(?<={_STOP}){_CLOSERS}\\s+|\\n+")
_END_THEN_SPACE = re.compile(f"{_STOP}{_CLOSERS}\\s+")
_END = re.compile(f"{_STOP}{_CLOSERS}(?=\\s|$)")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order."""
    return [s.strip() for s in _BETWEEN.split(text) if s and s.strip()]


def sentence_ends(text: str) -> Iterator[int]:
    """The offsets where a sentence ended and the white space after it did too (a next one starts)."""
    return (m.end() for m in _END_THEN_SPACE.finditer(text))


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whole sentence (or sentences) that ``text[start:end]`` lies in.

    The model quotes the opening words of a sentence (copying whole sentences costs
    generated tokens); evidence is the sentence those words begin.
    """
    begin, stop = 0, len(text)
    for gap in _BETWEEN.finditer(text):
        if gap.end() <= start:
            begin = gap.end()
        elif gap.start() >= end:
            stop = gap.start()
            break
    return begin, stop


def complete(text: str) -> str:
    """``text`` up to its last complete sentence ("" if none ends): a cut-off tail is dropped."""
    ends = list(_END.finditer(text))
    return text[: ends[-1].end()].strip() if ends else ""


def lead(text: str, max_chars: int = 400) -> str:
    """The opening sentences of ``text`` (at most three), up to ``max_chars``: an extractive summary.

    News puts what happened first, and copied sentences cannot misstate it; a 1.5B
    model's own summary of a wire report sometimes swaps attacker and target.
    """
    chosen: list[str] = []
    for sentence in sentences(text):
        if chosen and (len(chosen) == 3 or len(" ".join([*chosen, sentence])) > max_chars):
            break
        chosen.append(sentence)
    return " ".join(chosen)
