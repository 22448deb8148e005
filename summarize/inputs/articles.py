"""Read an article from disk or stdin into one normalised, content-addressed ``Article``.

Everything downstream (prompting, grounding evidence quotes, caching) works on
``Article.text``, so this is the one place that decides what "the text" is:
decoded to ``str`` whatever the file's encoding, line endings unified, NUL-free,
NFC-normalised and stripped. Grounding offsets point into exactly this string.

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
import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..text.sentences import sentence_ends

__all__ = ["Article", "article_from_record", "article_from_text", "load_article", "truncate"]

logger = logging.getLogger(__name__)

#: Extensions read as HTML (boilerplate removed) and as a JSON object.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json"})

#: charset-normalizer results with more "chaos" (mess ratio, 0..1) than this are refused.
_MAX_CHAOS = 0.3
#: A decoded text with more than this share of control characters is treated as binary.
_MAX_CONTROL_SHARE = 0.05
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")


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


# --------------------------------------------------------------------------- reading


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


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    return bad / len(text)


def _binary(source: str, detail: str) -> InputError:
    return InputError(
        f"article {source} looks like a binary file, not text ({detail})", path=source, reason="binary"
    )


def _decode(data: bytes, source: str) -> str:
    """Decode bytes to text: UTF-8 (BOM allowed), UTF-16 with a BOM, else a confident detection."""
    if not data.strip():
        raise InputError(f"article {source} is empty", path=source, reason="empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"article {source} has a UTF-16 byte-order mark but is not valid UTF-16",
                path=source,
                reason="encoding",
            ) from exc
        logger.debug("decoded %s as utf-16 (byte-order mark)", source)
        return text
    if b"\x00" in data:
        raise _binary(source, "it contains NUL bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if _control_share(text) > _MAX_CONTROL_SHARE:
            raise _binary(source, "too many control characters")
        return text

    detected = _detect(data)
    if detected is None:
        if _control_share(data.decode("latin-1")) > _MAX_CONTROL_SHARE:
            raise _binary(source, "too many control characters")
        raise InputError(
            f"could not determine the text encoding of article {source}: it is not UTF-8 "
            "and no other encoding fits confidently; convert it to UTF-8",
            path=source,
            reason="encoding",
        )
    encoding, text = detected
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise _binary(source, "too many control characters")
    logger.debug("decoded %s as %s (not UTF-8; detected by charset-normalizer)", source, encoding)
    return text


#: Western single-byte encodings preferred when detection finds them as good as its first pick:
#: charset-normalizer often ranks cp1250 first for French or Spanish latin-1 text, turning "à" into "ŕ".
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_WORD = re.compile(r"\w+")


def _looks_garbled(text: str) -> bool:
    """True if a word mixes ASCII letters with non-Latin letters or symbols: the mark of a wrong code page.

    Polish cp1250 read as cp1252 gives "nast¹pi³"; latin-1 read as cp1006 gives "Cafﻠ".
    """
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isascii() or not any(c.isascii() and c.isalpha() for c in word):
            continue
        for c in word:
            if c.isascii() or unicodedata.combining(c):
                continue
            if not (c.isalpha() and unicodedata.name(c, "").startswith("LATIN")):
                return True
    return False


def _detect(data: bytes) -> tuple[str, str] | None:
    """Return (encoding, text) for non-UTF-8 bytes when an encoding fits confidently, else None.

    Among the encodings charset-normalizer finds equally good, Western ones come
    first, and any whose text looks garbled is passed over.
    """
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    if not results or results[0].chaos > _MAX_CHAOS:
        return None
    floor = results[0].chaos + 0.01
    tied = [r for r in results if r.chaos <= floor]
    tied.sort(key=lambda r: r.encoding not in _WESTERN)  # stable: otherwise detection order
    for result in tied:
        text = str(result)
        if not _looks_garbled(text):
            return result.encoding, text
    return None


# --------------------------------------------------------------------------- formats


def _parse_date(value: Any, source: str, field: str) -> datetime.date | None:
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


def _from_json(raw: str, source: str) -> Article:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"article {source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            path=source,
            reason="invalid-json",
        ) from exc
    return article_from_record(obj, source)


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
        published_at=_parse_date(obj.get("published_at"), source, "published_at"),
        source=source,
    )


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
            published = _parse_date(meta["date"], source, "date")
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


def load_article(path: str | Path, *, published: datetime.date | None = None) -> Article:
    """Read an article from ``path`` (``"-"`` for stdin) and normalise it.

    The format follows the extension: ``.html``/``.htm`` are reduced to their main
    text by trafilatura (title, URL and date taken from the page metadata when
    present); ``.json`` is an object with ``text`` (required), ``title``, ``url``
    and ``published_at`` (ISO date or datetime); anything else is plain text. On
    stdin, a document starting with ``<!doctype html``/``<html`` is read as HTML
    and one that parses as a JSON object with a ``text`` field as JSON.
    ``published`` overrides the article's own date. Raises ``InputError``.
    """
    data, source, suffix = _read_bytes(path)
    raw = _decode(data, source)
    if suffix in JSON_SUFFIXES:
        article = _from_json(raw, source)
    elif suffix in HTML_SUFFIXES or (source == "-" and _HTML_START.match(raw)):
        article = _from_html(raw, source)
    elif source == "-" and raw.lstrip().startswith("{") and _is_json_article(raw):
        article = _from_json(raw, source)
    else:
        article = article_from_text(raw, source=source)
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


# --------------------------------------------------------------------------- truncation


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
