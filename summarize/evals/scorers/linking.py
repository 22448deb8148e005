"""Pairwise precision and recall of a linking against hand-labelled events.

The usual measure for coreference of events: every pair of reports is a
decision (same event or not). Precision is the share of pairs put together
that belong together; recall the share of pairs that belong together that were
put together. Reports without a gold label are left out of every pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

__all__ = ["PairScores", "pairwise_scores"]


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    predicted_pairs: int
    gold_pairs: int

    @property
    def precision(self) -> float:
        return self.true_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_pairs / self.gold_pairs if self.gold_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.3f} ({self.true_pairs}/{self.predicted_pairs} pairs), "
            f"recall {self.recall:.3f} ({self.true_pairs}/{self.gold_pairs}), F1 {self.f1:.3f}"
        )


def _pairs(groups: Iterable[Iterable[str]], keep: Mapping[str, str]) -> set[frozenset[str]]:
    return {
        frozenset(pair)
        for group in groups
        for pair in combinations(sorted({k for k in group if k in keep}), 2)
    }


def pairwise_scores(predicted: Iterable[Iterable[str]], gold: Mapping[str, str]) -> PairScores:
    """Score ``predicted`` groups of keys against ``gold`` (key -> event label)."""
    by_event: dict[str, list[str]] = {}
    for key, event in gold.items():
        by_event.setdefault(event, []).append(key)
    predicted_pairs = _pairs(predicted, gold)
    gold_pairs = _pairs(by_event.values(), gold)
    return PairScores(
        true_pairs=len(predicted_pairs & gold_pairs),
        predicted_pairs=len(predicted_pairs),
        gold_pairs=len(gold_pairs),
    )
