"""Time and memory of one brief on the embedded model, cold and cached.

    .venv/bin/python -m benchmarks.brief_seed [ARTICLE] [--published YYYY-MM-DD]

Runs ``summarize brief`` on the article (the seed by default) in a fresh process with
an empty cache, then again with the cache warm, and prints wall time, model calls,
tokens and peak RSS of each run. The second run is the cache-hit path; the ratio of
the two is the figure that matters on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_3dd804058064a703.txt"


def _run(article: str, published: str | None, cache: str) -> tuple[float, dict[str, object], int]:
    args = [sys.executable, "-m", "summarize", "brief", article]
    if published:
        args += ["--published", published]
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": cache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, json.loads(done.stdout), max(peak_kib, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", default=str(SEED))
    parser.add_argument("--published", default="2023-12-11")
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold, brief, peak_cold = _run(ns.article, ns.published, cache)
        warm, again, _ = _run(ns.article, ns.published, cache)
    usage = brief["provenance"]["usage"]  # type: ignore[index]
    print(f"article           {ns.article}")
    print(f"incidents         {len(brief['incidents'])}")  # type: ignore[arg-type]
    print(f"model calls       {usage['attempts']}")
    print(f"tokens            {usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion")
    print(f"cold run          {cold:7.2f} s  (process start, model load, all calls)")
    print(f"cached run        {warm:7.2f} s  cache_hit={again['provenance']['cache_hit']}")  # type: ignore[index]
    print(f"cold / cached     {cold / warm:7.1f} x")
    print(f"peak RSS (cold)   {peak_cold / 1024:7.0f} MiB")


if __name__ == "__main__":
    main()
