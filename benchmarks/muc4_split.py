"""Split MUC-4 messages into a folder of article files, at run time (the corpus is never committed).

    .venv/bin/python -m benchmarks.muc4_split OUT_DIR [--set tst4] [--limit 20]

Each message becomes ``OUT_DIR/<id>.json`` with its text and, where its dateline
("Lima, 20 Aug 88 (EFE) --") gives one, ``published_at``, so weekdays and "today"
resolve as they would for a dated news feed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from summarize.evals.muc4.corpus import SETS, eval_set
from summarize.evals.muc4.texts import dateline, messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--set", choices=SETS, default="tst4")
    parser.add_argument("--limit", type=int, default=20)
    ns = parser.parse_args()
    ns.out_dir.mkdir(parents=True, exist_ok=True)
    for count, (message_id, text) in enumerate(messages(eval_set(ns.set).texts), start=1):
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
