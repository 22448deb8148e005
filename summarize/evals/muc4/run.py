"""``summarize eval muc4``: brief a MUC-4 test set through the pipeline, then score it by the 1992 rules.

The messages are briefed exactly as ``muc4:tst4`` gold cases are (same text, dateline as the
publication date), so the two evals share the answer cache: briefing 25 messages once serves both.
A message whose brief fails scores as an empty response (every key template missing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ...brief.pipeline import Briefer
from ...config import Settings
from ...errors import SummarizeError
from ...inputs.articles import article_from_text
from ...schema import Brief
from .benchmark import BriefScores, score_briefs
from .corpus import eval_set
from .texts import read_texts

__all__ = ["run_benchmark"]

log = logging.getLogger(__name__)


def run_benchmark(
    set_name: str,
    settings: Settings,
    *,
    limit: int | None = None,
    root: Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> BriefScores:
    """Brief the first ``limit`` messages of ``set_name`` (all by default) and score them."""
    texts = list(read_texts(eval_set(set_name, root).texts).values())[:limit]
    briefs: dict[str, list[Brief]] = {}
    briefer = Briefer.from_settings(settings)
    try:
        for done, message in enumerate(texts):
            if progress:
                progress(done, len(texts), message.id)
            try:
                article = article_from_text(message.text, published_at=message.date, source=message.id)
                briefs[message.id] = [briefer.brief(article)]
            except SummarizeError as exc:
                log.warning("%s: %s", message.id, exc)
                briefs[message.id] = []
    finally:
        briefer.close()
    if progress:
        progress(len(texts), len(texts), "")
    return score_briefs(briefs, set_name, root=root)
