"""The MUC-4 message texts: split a corpus file into messages and read each one's dateline date.

A message's dateline ("Lima, 20 Aug 88 (EFE) --") is the anchor the 1992 keys use for relative
dates and for the default incident date, so anything that briefs a MUC-4 message should be told
that date as its publication date. Some datelines leave out the year ("16 NOV (ACAN - EFE)") or
spell the month out ("18 APRIL 89"); a file's messages are in date order, so a missing year is
the year of the previous dated message. The agency in parentheses names the source.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ...errors import InputError

__all__ = ["MessageText", "agency", "dateline", "message_text", "messages", "read_texts"]

# "TST4-MUC4-0001" alone on its line; the dev files add the source: "DEV-MUC3-0001 (NOSC)"
_HEADER = re.compile(r"^(?P<id>(?:TST\d|DEV)-MUC\d-\d{4})(?:[ \t]+\([A-Z .-]+\))?[ \t]*$", re.MULTILINE)
_DATELINE = re.compile(
    r"^\s*[^,\n]{2,60}, "
    r"(?:(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3})[A-Za-z]*(?: (?P<year>\d{2}))?\b|NO DATE)"
    r"(?: \((?P<agency>[^)]*)\))?"
)


@dataclass(frozen=True)
class MessageText:
    """One message: its id, its text (without the id line), its dateline date and agency, if any."""

    id: str
    text: str
    date: dt.date | None
    agency: str | None = None


def messages(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) for each message of a MUC-4 text file."""
    raw = path.read_text(encoding="latin-1")
    headers = list(_HEADER.finditer(raw))
    for header, following in zip(headers, [*headers[1:], None], strict=False):
        end = following.start() if following else len(raw)
        yield header["id"], raw[header.end() : end].strip()


def dateline(text: str, year: int | None = None) -> dt.date | None:
    """The date in a message's dateline, if it has one; ``year`` where the dateline gives none."""
    found = _DATELINE.match(text)
    if not found or not found["day"]:
        return None
    if found["year"]:
        year = 1900 + int(found["year"])  # the corpus is of 1988-1990
    if year is None:
        return None
    try:
        return dt.datetime.strptime(f"{found['day']} {found['month'].title()} {year}", "%d %b %Y").date()
    except ValueError:
        return None


def agency(text: str) -> str | None:
    """The agency a message's dateline names ("ACAN - EFE"), if any."""
    found = _DATELINE.match(text)
    return found["agency"].strip() if found and found["agency"] else None


def read_texts(path: Path) -> dict[str, MessageText]:
    """Every message of a MUC-4 text file, by id, in file order (a yearless dateline takes the
    year of the previous dated message)."""
    found: dict[str, MessageText] = {}
    year: int | None = None
    for message_id, text in messages(path):
        date = dateline(text, year)
        year = date.year if date else year
        found[message_id] = MessageText(message_id, text, date, agency(text))
    return found


def message_text(message_id: str, root: Path | None = None) -> MessageText:
    """One message by id (``TST4-MUC4-0008``, ``TST3-MUC4-0001``, ``DEV-MUC3-0251``), from the corpus."""
    from .corpus import data_root, eval_set

    prefix, _, number = message_id.upper().rpartition("-")
    if prefix in {"TST3-MUC4", "TST4-MUC4"}:
        path = eval_set(prefix[:4].lower(), root).texts
    elif prefix == "DEV-MUC3" and number.isdigit() and 1 <= int(number) <= 1300:
        first = (int(number) - 1) // 100 * 100 + 1
        path = data_root(root) / f"dev-muc3-{first:04d}-{first + 99:04d}"
    else:
        raise InputError(f"not a MUC-4 message id: {message_id!r}", message_id=message_id)
    found = _texts_of(path).get(message_id.upper())
    if found is None:
        raise InputError(f"no message {message_id} in {path}", path=str(path), message_id=message_id)
    return found


@lru_cache(maxsize=4)
def _texts_of(path: Path) -> dict[str, MessageText]:
    if not path.is_file():
        raise InputError(f"MUC-4 corpus file missing: {path}", path=str(path), reason="missing")
    return read_texts(path)
