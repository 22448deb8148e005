"""What a batch reports: progress snapshots while it runs, and the run summary at the end.

Kept apart from the orchestration so the CLI's progress display and anyone
reading ``summary.json`` depend on plain data, not on the machinery. ``Counts``
is what the run counts as it goes; the snapshots and the summary are made from
it. The price table turns token counts into an estimated cost; without one the
cost is ``None`` ("unknown"), never a made-up zero.
"""

from __future__ import annotations

import json
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..backends.base import Usage
from ..errors import ConfigError

__all__ = ["BatchProgress", "BatchSummary", "Counts", "Price", "load_prices"]


@dataclass(frozen=True)
class Price:
    """US dollars per one million input (prompt) and output (completion) tokens."""

    input: float
    output: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000


def load_prices(path: Path) -> dict[str, Price]:
    """A price table from JSON or TOML: ``{"gpt-4o-mini": {"input": 0.15, "output": 0.6}, ...}``."""
    try:
        raw = path.read_bytes()
        data: Any = tomllib.loads(raw.decode()) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"cannot read the price table {path}: {exc}", path=str(path)) from exc
    if not isinstance(data, Mapping):
        raise ConfigError(f"the price table {path} must map model names to prices", path=str(path))
    prices: dict[str, Price] = {}
    for model, entry in data.items():
        try:
            price = Price(float(entry["input"]), float(entry["output"]))
        except (TypeError, KeyError, ValueError) as exc:
            raise ConfigError(
                f"price table {path}: {model!r} needs numeric 'input' and 'output' ($ per 1M tokens)",
                path=str(path),
                model=model,
            ) from exc
        if price.input < 0 or price.output < 0:
            raise ConfigError(f"price table {path}: negative price for {model!r}", path=str(path))
        prices[str(model)] = price
    return prices


@dataclass(frozen=True)
class BatchProgress:
    """A snapshot, sent to the progress callback after each article and a few times a second."""

    total: int | None
    ok: int
    failed: int
    skipped: int
    in_flight: int
    elapsed_s: float
    #: True once an interrupt asked the batch to stop dispatching
    stopping: bool = False
    #: the source of the article just finished, if any
    last: str | None = None

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.skipped

    @property
    def rate(self) -> float:
        """Articles briefed or failed per second (skipped ones are free and would flatter it)."""
        return (self.ok + self.failed) / self.elapsed_s if self.elapsed_s > 0 else 0.0


@dataclass(frozen=True)
class BatchSummary:
    """The outcome of one ``run_batch`` call (also written as ``summary.json``)."""

    out_dir: str
    fingerprint: str
    model: str
    concurrency: int
    ok: int
    failed: int
    skipped: int
    duplicates: int
    abandoned: int
    cached: int
    model_calls: int
    attempts: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    wall_s: float
    interrupted: bool
    csv_rows: int | None = None
    processes: int = 1

    @property
    def articles_per_s(self) -> float:
        return (self.ok + self.failed) / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def reasks(self) -> int:
        """Model calls made again after an invalid answer."""
        return max(0, self.attempts - self.model_calls)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "articles_per_s": round(self.articles_per_s, 3), "reasks": self.reasks}

    def to_json(self) -> str:
        """``summary.json``."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def format(self) -> str:
        """A few lines for people (stderr)."""
        cost = "unknown (no --prices entry)" if self.cost_usd is None else f"${self.cost_usd:.4f}"
        state = "interrupted" if self.interrupted else "done"
        lines = [
            f"batch {state}: {self.ok} ok, {self.failed} failed, {self.skipped} skipped (already briefed)"
            + (f", {self.duplicates} duplicate(s)" if self.duplicates else "")
            + (f", {self.abandoned} abandoned" if self.abandoned else ""),
            f"  model {self.model}, concurrency {self.concurrency}"
            + (f" in {self.processes} processes" if self.processes > 1 else "")
            + f", {self.cached} from the answer cache",
            f"  {self.model_calls} model calls, {self.attempts} attempts ({self.reasks} re-asks), "
            f"{self.prompt_tokens} prompt + {self.completion_tokens} completion tokens, cost {cost}",
            f"  {self.wall_s:.1f} s, {self.articles_per_s:.2f} articles/s; output in {self.out_dir}",
        ]
        return "\n".join(lines)


class Counts:
    """What a running batch has counted so far: outcomes, and what the model calls cost."""

    def __init__(self) -> None:
        self.ok = self.failed = self.skipped = self.duplicates = self.cached = 0
        self.model_calls = 0
        self.usage = Usage()

    def charge(self, calls: int, usage: Usage) -> None:
        self.model_calls += calls
        self.usage += usage

    def progress(
        self, total: int | None, in_flight: int, started: float, stop: threading.Event, last: str | None
    ) -> BatchProgress:
        """A snapshot for the progress callback (articles skipped as duplicates count as skipped)."""
        return BatchProgress(
            total=total,
            ok=self.ok,
            failed=self.failed,
            skipped=self.skipped + self.duplicates,
            in_flight=in_flight,
            elapsed_s=time.monotonic() - started,
            stopping=stop.is_set(),
            last=last,
        )

    def summary(self, *, price: Price | None, wall_s: float, **run: Any) -> BatchSummary:
        """The run's summary; ``run`` names the rest of its fields (output folder, model, ...)."""
        counted = {name: value for name, value in vars(self).items() if name != "usage"}
        tokens = self.usage
        return BatchSummary(
            **counted,
            attempts=tokens.attempts,
            prompt_tokens=tokens.prompt_tokens,
            completion_tokens=tokens.completion_tokens,
            cost_usd=price.cost(tokens.prompt_tokens, tokens.completion_tokens) if price else None,
            wall_s=round(wall_s, 3),
            **run,
        )
