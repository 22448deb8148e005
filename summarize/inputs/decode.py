"""Bytes to text: whatever the encoding, or a clear refusal.

UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are read
as they are; anything else only when charset-normalizer finds an encoding that fits
confidently and does not garble the words (Western code pages first where they fit as
well). Bytes that look binary (NUL bytes, many control characters) are refused. Every
refusal is an ``InputError`` with ``path`` and ``reason``.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from ..errors import InputError

__all__ = ["decode"]

logger = logging.getLogger(__name__)

#: charset-normalizer results with more "chaos" (mess ratio, 0..1) than this are refused.
_MAX_CHAOS = 0.3
#: A decoded text with more than this share of control characters is treated as binary.
_MAX_CONTROL_SHARE = 0.05
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    return bad / len(text)


def _binary(source: str, detail: str) -> InputError:
    return InputError(
        f"article {source} looks like a binary file, not text ({detail})", path=source, reason="binary"
    )


def decode(data: bytes, source: str) -> str:
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
