"""What a scorer is: it looks at a run's briefed cases and says how good they are, by name.

Every eval run briefs its cases once; the per-field comparison with gold (``fields``) is
the report's backbone, and any other scorer in the run's list (``judge``: does the article
support each sentence?; ``muc4``: the official 1992 rules) sees the same samples and
returns ``Scores``: named figures from 0 to 1 that a gate or a baseline can test, a figure
per case where it has one, and a section of the report for people. A new scorer is one
class with a ``name``, the ``metrics`` it can report (so a gate on them is checked before
a long run) and ``score``. (``linking`` scores something else: how the daily brief links
reports across articles, against labelled events; gold cases carry no event labels, so
it serves ``benchmarks/daily_muc4.py`` rather than the eval run.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from ...inputs.articles import Article
from ...schema import Brief
from ..gold import Case

__all__ = ["Sample", "Scorer", "Scores", "Section"]


@dataclass(frozen=True)
class Sample:
    """One case of a run: its gold, and the article and brief (``None`` where they failed)."""

    case: Case
    article: Article | None
    brief: Brief | None


class Section(BaseModel):
    """A part of the report a scorer writes for people (preformatted text)."""

    model_config = ConfigDict(extra="forbid")

    title: str
    text: str


@dataclass(frozen=True)
class Scores:
    """What a scorer found: run-level figures (0-1) by name, per-case figures, and a section."""

    metrics: Mapping[str, float]
    cases: Mapping[str, float] = field(default_factory=dict)
    section: Section | None = None


class Scorer(Protocol):
    """Scores the samples of a run."""

    @property
    def name(self) -> str:
        """The scorer's name (per-case figures are kept under it)."""
        ...

    @property
    def metrics(self) -> frozenset[str]:
        """Every metric name ``score`` may report."""
        ...

    def score(self, samples: Sequence[Sample]) -> Scores: ...
