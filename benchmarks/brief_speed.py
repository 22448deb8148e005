"""Where a brief's time goes on the embedded model, per article, against the floor its tokens allow.

    .venv/bin/python -m benchmarks.brief_speed [PATH...] [--limit N] [--no-seed]

PATH is a folder of gold cases or of articles (default: the ``dev`` split,
``evals/cases/news/dev``). Each article is briefed in this process with no answer
cache, and the table gives, per article: model calls, prompt tokens llama.cpp
evaluated (what prefix reuse left of the prompts), completion tokens, seconds,
and the floor those tokens allow: evaluated prompt tokens at the prompt rate plus
completion tokens at the decode rate, both measured in this run on this machine
without a grammar. ``x floor`` is seconds / floor: what constrained decoding, the
Python around it and the re-asks cost on top of the model's own arithmetic.

Then the seed article in fresh processes (``summarize brief``, answer cache empty):
first on a machine (no saved system prompt state), cold (state saved), and cached.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.brief.pipeline import Briefer
from summarize.config import Settings
from summarize.errors import SummarizeError
from summarize.evals.datasets import load_datasets
from summarize.inputs import MAX_INPUT_BYTES, Article, iter_articles

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_3dd804058064a703.txt"
DEV = ROOT / "evals" / "cases" / "news" / "dev"


@dataclass
class Row:
    name: str
    calls: int
    prompt: int  # tokens in the prompts sent
    evaluated: int  # prompt tokens llama.cpp evaluated
    completion: int
    seconds: float
    floor: float


def _articles(paths: list[str], limit: int | None) -> list[tuple[str, Article]]:
    found: list[tuple[str, Article]] = []
    for path in paths or [str(DEV)]:  # a folder of gold cases, or of article files
        if any(Path(path).rglob("*.json")) or path.endswith((".json", ".jsonl")):
            found += [(case.id, case.load_article()) for case in load_datasets([path])]
        else:
            items = iter_articles([path], max_bytes=MAX_INPUT_BYTES)
            found += [(a.source or a.id, a) for a in items if isinstance(a, Article)]
    return found[:limit]


def _llm(briefer: Briefer) -> Any:
    return briefer.backend._load()  # type: ignore[attr-defined]  # the embedded backend's llama.cpp model


def _rates(llm: Any, briefer: Briefer, article: Article) -> tuple[float, float]:
    """Prompt and decode tokens per second of the bare model, at a brief's context length.

    Decoding is measured as single-token forward passes (which is what generating a
    token costs, whatever the token), with no sampler and no grammar.
    """
    prompt = "\n".join(m["content"] for m in briefer.prompts.survey_messages(article))
    tokens = llm.tokenize(prompt.encode(), add_bos=False)[:1800]
    llm.reset()
    started = time.perf_counter()
    llm.eval(tokens)
    prompt_rate = len(tokens) / (time.perf_counter() - started)
    started = time.perf_counter()
    for token in tokens[:48]:
        llm.eval([token])
    decode_rate = 48 / (time.perf_counter() - started)
    llm.reset()
    return prompt_rate, decode_rate


class _Counted:
    """Counts what llama.cpp evaluates: prompt chunks, and single tokens (one per generated token)."""

    def __init__(self, llm: Any) -> None:
        self.prompt = self.decoded = 0
        self._eval = llm.eval
        llm.eval = self

    def __call__(self, tokens: Any) -> None:
        if len(tokens) > 1:
            self.prompt += len(tokens)
        else:
            self.decoded += len(tokens)
        self._eval(tokens)


def _brief(
    briefer: Briefer, counted: _Counted, name: str, article: Article, rates: tuple[float, float]
) -> Row:
    counted.prompt = counted.decoded = 0
    started = time.perf_counter()
    try:
        brief = briefer.brief(article)
    except SummarizeError as exc:  # a failed brief is a row too: its time was spent
        print(f"{name}: {type(exc).__name__}: {str(exc)[:80]}", flush=True)
        seconds = time.perf_counter() - started
        return Row(
            name,
            0,
            0,
            counted.prompt,
            counted.decoded,
            seconds,
            counted.prompt / rates[0] + counted.decoded / rates[1],
        )
    seconds = time.perf_counter() - started
    usage = brief.provenance.usage
    floor = counted.prompt / rates[0] + counted.decoded / rates[1]
    return Row(
        name, usage.requests, usage.prompt_tokens, counted.prompt, usage.completion_tokens, seconds, floor
    )


def _seed_runs() -> list[tuple[str, float]]:
    """The seed in fresh processes: first on a machine, cold, cached."""
    settings = Settings()
    from summarize.backends.weights import ensure_default_model

    model = ensure_default_model(settings.models_dir)
    runs: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models"
        models.mkdir()
        for name in (model.name, model.name + ".verified.json"):
            if (model.parent / name).exists():
                (models / name).symlink_to(model.parent / name)
        env = {**os.environ, "SUMMARIZE_MODELS_DIR": str(models)}
        for label, cache in (
            ("first on the machine", Path(tmp) / "a1"),
            ("cold process", Path(tmp) / "a2"),
            ("cached", Path(tmp) / "a2"),
        ):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "summarize", "brief", str(SEED), "--published", "2023-12-11"],
                env={**env, "SUMMARIZE_CACHE_DIR": str(cache)},
                capture_output=True,
                check=True,
            )
            runs.append((label, time.perf_counter() - started))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", help="folders of gold cases or articles (default: the dev split)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--skip", type=int, default=0, help="start after this many articles")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed's cold and cached runs")
    ns = parser.parse_args()

    articles = _articles(ns.paths, ns.limit)[ns.skip :]
    with Briefer.from_settings(Settings(use_cache=False)) as briefer:
        llm = _llm(briefer)
        rates = _rates(llm, briefer, articles[0][1])
        counted = _Counted(llm)
        print(f"measured: prompt {rates[0]:.0f} tok/s, decode {rates[1]:.1f} tok/s (no grammar, 2 threads)")
        head = f"{'article':52} {'calls':>5} {'prompt':>7} {'eval':>6} {'compl':>6} {'s':>6} {'floor':>6}"
        print(head, "x floor")
        rows = []
        for name, article in articles:
            row = _brief(briefer, counted, name, article, rates)
            rows.append(row)
            print(
                f"{row.name[:52]:52} {row.calls:5} {row.prompt:7} {row.evaluated:6} {row.completion:6} "
                f"{row.seconds:6.1f} {row.floor:6.1f} {row.seconds / row.floor:6.2f}",
                flush=True,
            )
    seconds = [r.seconds for r in rows]
    print(
        f"median {statistics.median(seconds):.1f} s per article over {len(rows)} "
        f"(mean {statistics.mean(seconds):.1f}, max {max(seconds):.1f}); median x floor "
        f"{statistics.median(r.seconds / r.floor for r in rows):.2f}; calls per article "
        f"{statistics.mean(r.calls for r in rows):.2f}"
    )
    if not ns.no_seed and SEED.is_file():
        for label, took in _seed_runs():
            print(f"seed, {label:22} {took:6.1f} s")


if __name__ == "__main__":
    main()
