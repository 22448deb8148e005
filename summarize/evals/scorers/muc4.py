"""The MUC-4 (1992) rules as a scorer: a run's briefs of one test set's messages, scored officially.

Each brief of a message of the set (a case imported from its key, ``muc4:tst4``, or a
hand-labelled case naming the message, ``article.muc4``) is exported to response
templates and scored against the set's answer key by the 1992 rules (``evals.muc4``); a
message whose brief failed counts as an empty response. The figures are the ALL
TEMPLATES row (``muc4_recall``, ``muc4_precision``, ``muc4_f``, as fractions), and the
section is the per-slot table with our row beneath the 1992 systems'. Only the messages
in the run are scored, against the same part of the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ...errors import ConfigError
from ...schema import Brief
from ..muc4.benchmark import format_benchmark, official_scores, score_briefs
from ..muc4.importer import message_id
from .base import Sample, Scores, Section

__all__ = ["Muc4Scorer"]


class Muc4Scorer:
    """The official scores of a run's briefs of the messages of ``set_name`` (``tst3``, ``tst4``)."""

    name = "muc4"
    metrics = frozenset({"muc4_recall", "muc4_precision", "muc4_f"})

    def __init__(self, set_name: str, root: Path | None = None) -> None:
        self.set_name = set_name
        self.root = root

    def score(self, samples: Sequence[Sample]) -> Scores:
        prefix = f"{self.set_name.upper()}-"
        briefs: dict[str, list[Brief]] = {}
        for sample in samples:
            message = message_id(sample.case)
            if message is not None and message.startswith(prefix):
                briefs[message] = [sample.brief] if sample.brief is not None else []
        if not briefs:
            raise ConfigError(
                f"no case of this run is a MUC-4 {self.set_name} message; "
                f"score the dataset muc4:{self.set_name}",
                set=self.set_name,
            )
        scored = score_briefs(briefs, self.set_name, root=self.root)
        ours = scored.all_templates
        metrics = {
            name: value / 100
            for name, value in (
                ("muc4_recall", ours.recall),
                ("muc4_precision", ours.precision),
                ("muc4_f", ours.official_f()),
            )
            if value is not None
        }
        table = format_benchmark(scored, official_scores(self.set_name, root=self.root))
        return Scores(metrics, section=Section(title=f"MUC-4 {self.set_name.upper()}", text=table))
