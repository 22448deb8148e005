"""summarize: structured, source-grounded incident briefs from security-incident news.

    >>> from summarize import Settings, brief_article, load_article
    >>> brief = brief_article(load_article("article.txt"), Settings.resolve())  # doctest: +SKIP
    >>> [(i.sub_event_type, i.location.place, i.claimed_by) for i in brief.incidents]  # doctest: +SKIP

Many articles: ``run_batch``; one day's digest: ``build_daily`` and ``write_daily``;
scores against gold: ``evaluate``.

Errors all derive from ``SummarizeError`` (see ``summarize.errors`` for the tree).
"""

from .batch import BatchOptions, run_batch
from .brief import Briefer, brief_article
from .config import Settings
from .daily import DailyOptions, build_daily, write_daily
from .errors import SummarizeError
from .evals import evaluate
from .inputs import Article, article_from_text, load_article
from .schema import Brief, Incident

__all__ = [
    "Article",
    "BatchOptions",
    "Brief",
    "Briefer",
    "DailyOptions",
    "Incident",
    "Settings",
    "SummarizeError",
    "article_from_text",
    "brief_article",
    "build_daily",
    "evaluate",
    "load_article",
    "run_batch",
    "write_daily",
]
