"""The MUC-4 tallies and the measures computed from them, as the 1992 score reports print them.

Each slot comparison adds to one ``Tally``: POS (key fills that count), ACT (response fills),
COR / PAR / INC (correct, partially correct, incorrect pairs), SPU (response fills with no key
fill), MIS (key fills with no response fill), NON (slots empty in both), and ICR / IPA: how many
of the COR / PAR came from a judgement a person made at the 1992 scoring terminal (for us, from
the rules that stand in for that person; see ``judge``).

Recall = (COR + PAR/2) / POS and precision = (COR + PAR/2) / ACT. The official F-measures were
computed from recall and precision *after* rounding them to whole percents, which
``f_measure`` reproduces (``Tally.f`` gives the unrounded value).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

__all__ = ["Tally", "f_measure"]


@dataclass(frozen=True)
class Tally:
    """Counts for one slot, template, message or summary row."""

    pos: int = 0
    act: int = 0
    cor: int = 0
    par: int = 0
    inc: int = 0
    icr: int = 0
    ipa: int = 0
    spu: int = 0
    mis: int = 0
    non: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def total(cls, tallies: Iterable[Tally]) -> Tally:
        result = cls()
        for tally in tallies:
            result = result + tally
        return result

    @property
    def credit(self) -> float:
        return self.cor + self.par / 2

    @property
    def recall(self) -> float | None:
        """Percent, or None where nothing was possible (printed ``*``)."""
        return 100 * self.credit / self.pos if self.pos else None

    @property
    def precision(self) -> float | None:
        return 100 * self.credit / self.act if self.act else None

    @property
    def overgeneration(self) -> float | None:
        return 100 * self.spu / self.act if self.act else None

    def f(self, beta: float = 1.0) -> float | None:
        """The F-measure from unrounded recall and precision."""
        if self.recall is None or self.precision is None:
            return None
        return f_measure(self.recall, self.precision, beta, rounded=False)

    def official_f(self, beta: float = 1.0) -> float | None:
        """The F-measure as the 1992 reports computed it: from whole-percent recall and precision."""
        if self.recall is None or self.precision is None:
            return None
        return f_measure(self.recall, self.precision, beta)


def f_measure(recall: float, precision: float, beta: float = 1.0, *, rounded: bool = True) -> float:
    """van Rijsbergen's F: ``beta`` 1 is P&R, 0.5 is 2P&R (precision twice as important), 2 is P&2R."""
    if rounded:
        recall, precision = round(recall), round(precision)
    if recall + precision == 0:
        return 0.0
    return (beta**2 + 1) * precision * recall / (beta**2 * precision + recall)
