"""The ``Article``: one normalised, content-addressed text, however it was read.

Everything downstream (prompting, grounding evidence quotes, caching) works on
``Article.text``, so this is the one place that decides what "the text" is: line
endings unified, NUL-free, NFC-normalised and stripped (``decode`` has already made
it ``str`` whatever the file's encoding). Grounding offsets point into exactly this
string. Files become articles in ``readers``; JSON records (a ``.json`` file, a line
of a ``.jsonl`` batch) in ``article_from_record`` here.

The id is a hash of that text, not of the path, so the same article read from
``a.txt``, from ``a.json`` or from stdin gets the same id and the same cache
entry. ``truncate`` keeps the id of the full article (see its docstring).

Every way an input can be unusable (missing, a directory, empty, binary, an
undeterminable encoding, bad JSON, a bad date) becomes an ``InputError`` with
``path`` and ``reason`` in its context, never a raw traceback.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from ..errors import InputError
from ..text.sentences import sentence_ends

__all__ = ["Article", "article_from_record", "article_from_text", "json_value", "parse_date", "truncate"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Article:
    """One article, as the model will see it.

    ``text`` is normalised (see ``article_from_text``); ``id`` is
    ``"sha256:" + first 16 hex digits of sha256(text)``; ``source`` is the path
    it was read from, ``"-"`` for stdin, or ``None`` when built from a string.
    """

    text: str
    id: str
    title: str | None = None
    url: str | None = None
    published_at: datetime.date | None = None
    source: str | None = None


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text).strip()


def _content_id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _clean_optional(value: str | None) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def article_from_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published_at: datetime.date | None = None,
    source: str | None = None,
) -> Article:
    """Build an ``Article`` from a string already in memory.

    The text is normalised (``\\r\\n`` and ``\\r`` to ``\\n``, NUL characters and BOMs
    (U+FEFF) dropped, NFC, surrounding whitespace stripped) and hashed into the
    id. Raises ``InputError`` if nothing is left. The text is kept literally:
    template syntax such as ``{{ 7*7 }}`` is never interpreted.
    """
    if not isinstance(text, str):
        raise InputError(
            f"article text must be a string, not {type(text).__name__}",
            path=source,
            reason="not-text",
        )
    normalised = _normalise(text)
    if not normalised:
        raise InputError(
            "the article is empty (no text after stripping whitespace)", path=source, reason="empty"
        )
    if isinstance(published_at, datetime.datetime):
        published_at = published_at.date()
    return Article(
        text=normalised,
        id=_content_id(normalised),
        title=_clean_optional(title),
        url=_clean_optional(url),
        published_at=published_at,
        source=source,
    )


def parse_date(value: Any, source: str, field: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        raw = value.strip()
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
        try:
            return datetime.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise InputError(
        f"article {source}: {field} must be an ISO date or datetime string (e.g. 2023-12-11), got {value!r}",
        path=source,
        reason="bad-date",
        field=field,
    )


def _optional_str(obj: dict[str, Any], key: str, source: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InputError(
        f"article {source}: {key!r} must be a string, got {type(value).__name__}",
        path=source,
        reason="bad-field",
        field=key,
    )


def json_value(raw: str, source: str, *, record: bool = False) -> Any:
    """The JSON of a ``.json`` article (or, ``record``, of a JSONL line); ``InputError`` if it is not JSON."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        what, where = ("record", "") if record else ("article", f"line {exc.lineno}, ")
        raise InputError(
            f"{what} {source} is not valid JSON: {exc.msg} ({where}column {exc.colno})",
            path=source,
            reason="invalid-json",
        ) from exc


def article_from_record(obj: Any, source: str) -> Article:
    """An article from a decoded JSON object ``{text, title?, url?, published_at?}`` (file or JSONL line)."""
    if not isinstance(obj, dict):
        raise InputError(
            f"article {source}: the JSON must be an object with a 'text' field, not a {type(obj).__name__}",
            path=source,
            reason="invalid-json",
        )
    if "text" not in obj:
        raise InputError(
            f"article {source}: the JSON object has no 'text' field", path=source, reason="missing-text"
        )
    text = obj["text"]
    if not isinstance(text, str):
        raise InputError(
            f"article {source}: 'text' must be a string, got {type(text).__name__}",
            path=source,
            reason="missing-text",
        )
    return article_from_text(
        text,
        title=_optional_str(obj, "title", source),
        url=_optional_str(obj, "url", source),
        published_at=parse_date(obj.get("published_at"), source, "published_at"),
        source=source,
    )


def truncate(article: Article, max_chars: int) -> tuple[Article, bool]:
    """Cut an over-long article to at most ``max_chars`` characters at a natural boundary.

    Returns ``(article, False)`` unchanged when it fits. Otherwise the text is cut
    at the last paragraph break (blank line, else line break) before ``max_chars``;
    if that would drop more than half of the allowance, at the last sentence end;
    then at the last whitespace; only then mid-word. Returns ``(cut, True)``.

    The cut article keeps the id of the FULL text: the id names the article, not
    the window the model saw, so the same article always has the same id (and
    cache key) whatever the limit. Grounding offsets refer to the cut text.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    text = article.text
    if len(text) <= max_chars:
        return article, False
    window = text[: max_chars + 1]  # +1: a boundary right at max_chars still counts
    floor = max_chars // 2
    cut = -1
    for sep in ("\n\n", "\n"):
        pos = window.rfind(sep)
        if pos >= floor:
            cut = pos
            break
    if cut < 0:
        ends = [end for end in sentence_ends(window) if floor <= end <= max_chars + 1]
        if ends:
            cut = ends[-1]
    if cut < 0:
        pos = max(window.rfind(" "), window.rfind("\t"))
        if pos >= floor:
            cut = pos
    if cut < 0:
        cut = max_chars
    new_text = text[:cut].rstrip()[:max_chars]
    if not new_text:
        new_text = text[:max_chars]
    return replace(article, text=new_text), True
