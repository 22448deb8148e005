"""What goes in: bytes, files, folders, globs and JSONL records become ``Article`` values.

``articles`` turns one input into one normalised, content-addressed ``Article``; ``discover``
walks the inputs of a batch or a daily brief lazily, with the one table of suffixes that both
read.
"""

from .articles import Article, article_from_record, article_from_text, load_article, truncate
from .discover import Unreadable, count_inputs, iter_articles, resolve_inputs

__all__ = [
    "Article",
    "Unreadable",
    "article_from_record",
    "article_from_text",
    "count_inputs",
    "iter_articles",
    "load_article",
    "resolve_inputs",
    "truncate",
]
