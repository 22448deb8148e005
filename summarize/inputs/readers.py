"""One input to one ``Article``: the file's suffix picks its reader, from one table.

``READERS`` maps a suffix to the reader of that kind of file: plain text and Markdown
as they are, HTML reduced to its main text by trafilatura (title, URL and date from the
page's metadata), JSON as an object with ``text`` (``articles.article_from_record``).
``summarize brief`` reads any other file as plain text; a folder walk (``discover``)
picks exactly the files whose suffix is in the table, so a batch reads every kind of
file a brief reads. A new kind of input is one reader and one line in the table.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from .articles import Article, article_from_record, article_from_text, json_value, parse_date
from .decode import decode

__all__ = ["READERS", "Reader", "load_article"]

logger = logging.getLogger(__name__)

#: Builds an article from a file's decoded text and its source label.
Reader = Callable[[str, str], Article]


def _read_bytes(path: str | Path) -> tuple[bytes, str, str]:
    """Return (data, source label, lower-case suffix)."""
    if str(path) == "-":
        try:
            return sys.stdin.buffer.read(), "-", ""
        except (OSError, ValueError) as exc:
            raise InputError(
                f"could not read the article from stdin: {exc}", path="-", reason="unreadable"
            ) from exc
    p = Path(path)
    source = str(p)
    if not p.exists():
        raise InputError(f"article not found: {source}", path=source, reason="missing")
    if p.is_dir():
        raise InputError(
            f"article path is a directory, not a file: {source}", path=source, reason="directory"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(
            f"could not read article {source}: {exc.strerror or exc}", path=source, reason="unreadable"
        ) from exc
    return data, source, p.suffix.lower()


def _from_json(raw: str, source: str) -> Article:
    return article_from_record(json_value(raw, source), source)


def _from_html(raw: str, source: str) -> Article:
    import trafilatura

    extracted = trafilatura.extract(
        raw,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
    )
    if extracted is None:
        # Short pages fall under trafilatura's minimum size: retry favouring recall.
        extracted = trafilatura.extract(
            raw, output_format="json", with_metadata=True, include_comments=False, favor_recall=True
        )
    meta: dict[str, Any] = json.loads(extracted) if extracted else {}
    # trafilatura puts one block per line; blank lines between them match plain-text articles
    # and give truncate() its paragraph boundaries.
    text = re.sub(r"\n+", "\n\n", meta.get("text") or "")
    if not text.strip():
        raise InputError(f"no article text found in HTML {source}", path=source, reason="empty")
    published: datetime.date | None = None
    if isinstance(meta.get("date"), str):
        try:
            published = parse_date(meta["date"], source, "date")
        except InputError:
            logger.debug("ignoring unparseable HTML date %r in %s", meta["date"], source)
    url = meta.get("source") or meta.get("url")
    return article_from_text(
        text,
        title=meta.get("title") if isinstance(meta.get("title"), str) else None,
        url=url if isinstance(url, str) else None,
        published_at=published,
        source=source,
    )


_HTML_START = re.compile(r"\s*(<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def _plain(raw: str, source: str) -> Article:
    return article_from_text(raw, source=source)


#: The reader of each kind of article file, by suffix (lower case).
READERS: Mapping[str, Reader] = {
    ".txt": _plain,
    ".md": _plain,
    ".html": _from_html,
    ".htm": _from_html,
    ".xhtml": _from_html,
    ".json": _from_json,
}


def _sniffed(raw: str) -> Reader:
    """The reader for stdin, which has no suffix: HTML and JSON articles are told by their start."""
    if _HTML_START.match(raw):
        return _from_html
    if raw.lstrip().startswith("{") and _is_json_article(raw):
        return _from_json
    return _plain


def load_article(path: str | Path, *, published: datetime.date | None = None) -> Article:
    """Read an article from ``path`` (``"-"`` for stdin) and normalise it.

    The reader follows the suffix (``READERS``): ``.html``/``.htm``/``.xhtml`` are reduced to
    their main text by trafilatura (title, URL and date taken from the page metadata when
    present); ``.json`` is an object with ``text`` (required), ``title``, ``url`` and
    ``published_at`` (ISO date or datetime); anything else is plain text. On stdin, a
    document starting with ``<!doctype html``/``<html`` is read as HTML and one that parses
    as a JSON object with a ``text`` field as JSON. ``published`` overrides the article's
    own date. Raises ``InputError``.
    """
    data, source, suffix = _read_bytes(path)
    raw = decode(data, source)
    reader = _sniffed(raw) if source == "-" else READERS.get(suffix, _plain)
    article = reader(raw, source)
    if published is not None:
        if isinstance(published, datetime.datetime):
            published = published.date()
        article = replace(article, published_at=published)
    return article


def _is_json_article(raw: str) -> bool:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError:
        return False
    return isinstance(obj, dict) and "text" in obj
