"""What goes in: bytes, files, folders, globs and JSONL records become ``Article`` values.

``articles`` is the normalised, content-addressed ``Article``; ``decode`` turns bytes into
text; ``readers`` turns one file into one article, by the one table of suffixes
(``READERS``); ``discover`` walks the inputs of a batch or a daily brief lazily, taking the
files that table reads.
"""

from .articles import Article, article_from_record, article_from_text, truncate
from .discover import MAX_INPUT_BYTES, Unreadable, count_inputs, iter_articles, resolve_inputs
from .readers import READERS, load_article

__all__ = [
    "MAX_INPUT_BYTES",
    "READERS",
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
