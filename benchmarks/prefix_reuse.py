"""What llama.cpp's prompt-prefix reuse saves per article on the embedded model.

    .venv/bin/python -m benchmarks.muc4_split /tmp/muc5 --limit 5
    .venv/bin/python -m benchmarks.prefix_reuse /tmp/muc5

Briefs the same articles twice with the embedded model and no answer cache: once as
the batch does (one model, the evaluated prefix -- the system prompt, then the
article -- reused from call to call), once with the model's evaluated tokens
forgotten before every call. Prints seconds per article for both and the ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from summarize.brief.pipeline import Briefer
from summarize.config import Settings
from summarize.inputs import load_article


def _run(paths: list[Path], reuse: bool, cache_dir: str) -> list[float]:
    briefer = Briefer.from_settings(
        Settings.resolve(reuse_prefix=reuse, use_cache=False, cache_dir=Path(cache_dir))
    )
    times = []
    try:
        for path in paths:
            started = time.perf_counter()
            briefer.brief(load_article(path))
            times.append(time.perf_counter() - started)
            print(f"  {'reuse' if reuse else 'fresh'}  {path.name:28} {times[-1]:6.1f} s", flush=True)
    finally:
        briefer.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=5)
    ns = parser.parse_args()
    paths = sorted(p for p in ns.folder.iterdir() if p.suffix in {".txt", ".json", ".md"})[: ns.limit]
    with tempfile.TemporaryDirectory() as cache_dir:
        reuse = _run(paths, True, cache_dir)
        fresh = _run(paths, False, cache_dir)
    n = len(paths)
    print(f"articles                 {n}")
    print(f"with prefix reuse        {sum(reuse) / n:6.1f} s/article")
    print(f"without (full re-eval)   {sum(fresh) / n:6.1f} s/article")
    saving, speedup = 1 - sum(reuse) / sum(fresh), sum(fresh) / sum(reuse)
    print(f"saving                   {saving:6.1%}  ({speedup:.2f}x faster)")


if __name__ == "__main__":
    main()
