"""The MUC-4 message texts: split a corpus file into messages and read each one's dateline date.

A message's dateline ("Lima, 20 Aug 88 (EFE) --") is the anchor the 1992 keys use for relative
dates and for the default incident date, so anything that briefs a MUC-4 message should be told
that date as its publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MessageText", "dateline", "messages", "read_texts"]

# "TST4-MUC4-0001" alone on its line; the dev files add the source: "DEV-MUC3-0001 (NOSC)"
_HEADER = re.compile(r"^(?P<id>(?:TST\d|DEV)-MUC\d-\d{4})(?:[ \t]+\([A-Z .-]+\))?[ \t]*$", re.MULTILINE)
_DATELINE = re.compile(r"^\s*[^,\n]{2,40}, (?P<day>\d{1,2}) (?P<month>[A-Za-z]{3})[a-z]* (?P<year>\d{2})\b")


@dataclass(frozen=True)
class MessageText:
    """One message: its id, its text (without the id line) and its dateline date, if any."""

    id: str
    text: str
    date: dt.date | None


def messages(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) for each message of a MUC-4 text file."""
    raw = path.read_text(encoding="latin-1")
    headers = list(_HEADER.finditer(raw))
    for header, following in zip(headers, [*headers[1:], None], strict=False):
        end = following.start() if following else len(raw)
        yield header["id"], raw[header.end() : end].strip()


def dateline(text: str) -> dt.date | None:
    """The date in a message's dateline, if it has one."""
    found = _DATELINE.match(text)
    if not found:
        return None
    try:
        return dt.datetime.strptime(
            f"{found['day']} {found['month'].title()} {found['year']}", "%d %b %y"
        ).date()
    except ValueError:
        return None


def read_texts(path: Path) -> dict[str, MessageText]:
    """Every message of a MUC-4 text file, by id, in file order."""
    return {message_id: MessageText(message_id, text, dateline(text)) for message_id, text in messages(path)}
