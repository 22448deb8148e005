"""Split MUC-4 messages into a folder of article files, at run time (the corpus is never committed).

    .venv/bin/python -m benchmarks.muc4_split OUT_DIR [--set tst4] [--limit 20]

Each message becomes ``OUT_DIR/<id>.json`` with its text and, where its dateline
("Lima, 20 Aug 88 (EFE) --") gives one, ``published_at``, so weekdays and "today"
resolve as they would for a dated news feed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

MUC4 = Path(__file__).resolve().parents[2] / "shared" / "evaldata" / "muc4"
SETS = {"tst4": "tst4-muc4.mixed-case", "tst3": "tst3-muc4"}
_HEADER = re.compile(r"^(?P<id>(?:TST\d|DEV)-MUC\d-\d{4})\s*$", re.MULTILINE)
_DATELINE = re.compile(r"^\s*[^,\n]{2,40}, (?P<day>\d{1,2}) (?P<month>[A-Za-z]{3})[a-z]* (?P<year>\d{2})\b")


def messages(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) for each message of a MUC-4 text file."""
    raw = path.read_text(encoding="latin-1")
    headers = list(_HEADER.finditer(raw))
    for header, following in zip(headers, [*headers[1:], None], strict=True):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--set", choices=sorted(SETS), default="tst4")
    parser.add_argument("--limit", type=int, default=20)
    ns = parser.parse_args()
    ns.out_dir.mkdir(parents=True, exist_ok=True)
    for count, (message_id, text) in enumerate(messages(MUC4 / SETS[ns.set]), start=1):
        if count > ns.limit:
            break
        published = dateline(text)
        record = {
            "id": message_id,
            "text": text,
            "published_at": published.isoformat() if published else None,
        }
        (ns.out_dir / f"{message_id}.json").write_text(
            json.dumps(record, ensure_ascii=False), encoding="utf-8"
        )
    print(f"wrote {min(count, ns.limit)} messages to {ns.out_dir}")


if __name__ == "__main__":
    main()
