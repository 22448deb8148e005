"""A judgement of one fill against one key fill: correct, partially correct or incorrect.

The 1992 scorer made some judgements by itself and asked the person at the terminal for the
rest; the reports tally the person's separately (ICR, IPA). Our stand-in rules for the person
mark their judgements ``interactive`` so they can be tallied the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["COR", "INC", "PAR", "Judgement"]


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
