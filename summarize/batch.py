"""Brief whole folders or JSONL files of articles: concurrently, resumably, and without losing one.

Design, and why:

* **Threads, not asyncio.** ``Briefer.brief`` and the OpenAI backend are
  synchronous (blocking httpx under instructor); an asyncio orchestrator would
  only hand every call to a thread pool anyway, and would add a loop, a second
  concurrency model and a harder Ctrl-C story for no extra overlap. So: N
  daemon worker threads share one ``Briefer`` (the OpenAI backend is
  thread-safe; the answer cache is SQLite, safe across threads), and the main
  thread is the only one that reads inputs and writes files. A single writer
  needs no locks on the output, and daemon workers can be abandoned on a second
  Ctrl-C without hanging the exit. The embedded model is one in-process
  llama.cpp context, so it always runs with one worker.
* **Bounded and streaming.** Inputs are read lazily; at most ``2 x
  concurrency`` articles are in flight (enough to keep every worker busy), and
  a finished brief is written and forgotten. Memory holds the done keys (one
  int per briefed article) and nothing that grows with the briefs.
* **Exactly once.** ``briefs.jsonl`` is the ledger (see ``batch_output``): an
  article is skipped when a brief of the same content id was written under the
  same configuration fingerprint (backend identity, prompt version, schema
  version and the settings that change a brief). Failures are not recorded as
  done, so a re-run retries exactly them. ``errors.jsonl`` lists the failures
  of the latest run.
* **One bad article is one error record**: unreadable inputs, model failures
  after the backend's own retries, and even unexpected exceptions; the batch
  goes on.
* **Ctrl-C**: the first SIGINT stops dispatching and lets the articles in
  flight finish (their briefs are written); a second abandons them. Files are
  never left half-written, and the summary says ``interrupted``.
"""

from __future__ import annotations

import copy
import json
import logging
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .acled_csv import write_csv
from .articles import Article
from .backends.base import Completion, Message, Usage
from .batch_inputs import Unreadable, count_inputs, iter_articles, resolve_inputs
from .batch_output import (
    JsonlAppender,
    RunLog,
    atomic_write_text,
    done_key,
    iter_lines_of,
    load_done_keys,
    repair_tail,
)
from .batch_summary import BatchProgress, BatchSummary, Price, load_prices
from .cache import cache_key
from .config import Settings
from .errors import ConfigError, SummarizeError
from .pipeline import Briefer
from .ratelimit import Aborted, RateLimiter, estimate_tokens
from .schema import SCHEMA_VERSION, Brief

__all__ = ["BRIEFS", "ERRORS", "EVENTS", "SUMMARY", "BatchOptions", "fingerprint", "run_batch"]

log = logging.getLogger(__name__)

BRIEFS = "briefs.jsonl"
ERRORS = "errors.jsonl"
EVENTS = "events.csv"
SUMMARY = "summary.json"
RUNS = "runs.json"

_TICK_S = 0.1
# At most this many lines per write and fsync of briefs.jsonl.
_GROUP = 256


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (the model settings live in ``Settings``)."""

    concurrency: int = 8
    #: client-side limits: requests and tokens per minute (``None``: none)
    rpm: float | None = None
    tpm: float | None = None
    #: also write ``events.csv`` (ACLED-style, one row per incident)
    csv: bool = False
    #: a JSON or TOML price table (model -> $ per 1M input/output tokens)
    prices_file: Path | None = None
    #: fsync every line (off only for benchmarks of the rest)
    durable: bool = True
    #: inputs (files or JSONL records) larger than this are refused as ``too-large``
    max_input_bytes: int = 2_000_000
    #: count the inputs first, so progress has a total and an ETA
    count_first: bool = True
    #: install a SIGINT handler (main thread only) for a clean Ctrl-C
    handle_sigint: bool = True

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ConfigError("concurrency must be at least 1", concurrency=self.concurrency)
        for name in ("rpm", "tpm"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive", **{name: value})
        if self.max_input_bytes < 1:
            raise ConfigError("max_input_bytes must be positive", max_input_bytes=self.max_input_bytes)


def fingerprint(briefer: Briefer) -> tuple[str, dict[str, Any]]:
    """The configuration fingerprint of ``briefer`` and what it is made of.

    Everything that changes a brief: the backend identity (as in the answer cache
    key), the prompt and schema versions, and the pipeline settings.
    """
    config: dict[str, Any] = {
        "backend": dict(briefer.backend.identity()),
        "prompt_version": briefer.prompts.version,
        "schema_version": SCHEMA_VERSION,
        "strict_grounding": briefer.strict_grounding,
        "max_article_chars": briefer.max_article_chars,
    }
    return cache_key(config)[:16], config


# -- the metered backend ---------------------------------------------------------------------------


@dataclass
class _Meter:
    usage: Usage = field(default_factory=Usage)
    calls: int = 0


class _MeteredBackend:
    """The real backend behind the rate limiter, counting each worker's calls and tokens."""

    def __init__(self, inner: Any, limiter: RateLimiter, abort: threading.Event) -> None:
        self.inner = inner
        self._limiter = limiter
        self._abort = abort
        self._local = threading.local()

    @property
    def model_id(self) -> str:
        return str(self.inner.model_id)

    def identity(self) -> Mapping[str, Any]:
        return dict(self.inner.identity())

    def close(self) -> None:
        self.inner.close()

    def begin(self) -> None:
        self._local.meter = _Meter()

    def end(self) -> _Meter:
        meter: _Meter = getattr(self._local, "meter", None) or _Meter()
        self._local.meter = None
        return meter

    def complete(self, messages: Sequence[Message], response_model: type[Any]) -> Completion[Any]:
        estimate = estimate_tokens(messages)
        self._limiter.acquire(estimate, self._abort)
        meter: _Meter | None = getattr(self._local, "meter", None)
        usage = Usage()
        try:
            completion: Completion[Any] = self.inner.complete(messages, response_model)
            usage = completion.usage
            return completion
        except SummarizeError as exc:
            spent = exc.context.get("usage")
            usage = (
                spent if isinstance(spent, Usage) else Usage(attempts=int(exc.context.get("attempts") or 1))
            )
            raise
        finally:
            self._limiter.settle(estimate, usage.prompt_tokens + usage.completion_tokens)
            if meter is not None:
                meter.usage += usage
                meter.calls += 1


# -- one article's outcome -------------------------------------------------------------------------


@dataclass
class _Outcome:
    article: Article
    line: bytes | None = None
    cached: bool = False
    error: BaseException | None = None
    meter: _Meter = field(default_factory=_Meter)


def _error_record(
    source: str | None, article_id: str | None, exc: BaseException, attempts: int
) -> dict[str, Any]:
    context = getattr(exc, "context", {})
    record: dict[str, Any] = {
        "id": article_id,
        "source": source,
        "error": type(exc).__name__,
        "message": str(exc) or type(exc).__name__,
        "attempts": attempts,
    }
    if isinstance(context, Mapping) and context.get("reason"):
        record["reason"] = str(context["reason"])
    return record


@contextmanager
def _interrupts(stop: threading.Event, abandon: threading.Event, install: bool) -> Iterator[None]:
    """First SIGINT sets ``stop``, the second ``abandon``; the previous handler comes back after."""
    if not install or threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: object) -> None:
        (abandon if stop.is_set() else stop).set()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# -- the run ---------------------------------------------------------------------------------------


class _Run:
    def __init__(
        self,
        inputs: Sequence[str],
        out_dir: Path,
        briefer: Briefer,
        options: BatchOptions,
        progress: Callable[[BatchProgress], None] | None,
        stop: threading.Event,
    ) -> None:
        self.inputs = inputs
        self.out_dir = out_dir
        self.options = options
        self.progress = progress
        self.stop = stop
        self.abandon = threading.Event()
        self.fingerprint, self.config = fingerprint(briefer)
        embedded = briefer.backend.identity().get("backend") == "embedded"
        if embedded and options.concurrency > 1:
            log.info(
                "the embedded model runs one article at a time; ignoring concurrency %d", options.concurrency
            )
        self.concurrency = 1 if embedded else options.concurrency
        limiter = RateLimiter.per_minute(options.rpm, options.tpm)
        self.backend = _MeteredBackend(briefer.backend, limiter, self.abandon)
        self.briefer = copy.copy(briefer)  # shares prompts and cache; only the backend is wrapped
        self.briefer.backend = self.backend
        self.prices: dict[str, Price] = load_prices(options.prices_file) if options.prices_file else {}
        self.work: queue.Queue[Article | None] = queue.Queue()
        self.results: queue.Queue[_Outcome] = queue.Queue()
        self.in_flight: set[int | str] = set()
        self.failed_keys: set[int | str] = set()
        self.total: int | None = None
        self.started = time.monotonic()
        self.ok = self.failed = self.skipped = self.duplicates = self.cached = 0
        self.calls = 0
        self.usage = Usage()

    # -- workers -------------------------------------------------------------------------------

    def _worker(self) -> None:
        while (article := self.work.get()) is not None:
            if self.abandon.is_set():
                return
            self.backend.begin()
            outcome = _Outcome(article)
            try:
                brief = self.briefer.brief(article)
                outcome.line = brief.model_dump_json().encode("utf-8") + b"\n"
                outcome.cached = brief.provenance.cache_hit
            except Aborted:
                return
            except Exception as exc:  # one article's failure, whatever it is, must not stop the batch
                if not isinstance(exc, SummarizeError):
                    log.warning(
                        "unexpected %s while briefing %s: %s", type(exc).__name__, article.source, exc
                    )
                    log.debug("traceback", exc_info=True)
                outcome.error = exc
            outcome.meter = self.backend.end()
            self.results.put(outcome)

    # -- the main thread ---------------------------------------------------------------------------

    def _report(self, last: str | None = None) -> None:
        if self.progress is not None:
            self.progress(
                BatchProgress(
                    total=self.total,
                    ok=self.ok,
                    failed=self.failed,
                    skipped=self.skipped + self.duplicates,
                    in_flight=len(self.in_flight),
                    elapsed_s=time.monotonic() - self.started,
                    stopping=self.stop.is_set(),
                    last=last,
                )
            )

    def _admit(self, item: Article | Unreadable, done: set[int | str], errors: JsonlAppender) -> None:
        if isinstance(item, Unreadable):
            errors.append_json(_error_record(item.source, None, item.error, 0))
            self.failed += 1
            self._report(item.source)
            return
        key = done_key(item.id)
        if key in done:
            self.skipped += 1
            self._report(item.source)
        elif key in self.in_flight or key in self.failed_keys:
            self.duplicates += 1
            log.info("%s has the same text as an article already in this batch; skipped", item.source)
            self._report(item.source)
        else:
            self.in_flight.add(key)
            self.work.put(item)

    def _record(
        self, outcome: _Outcome, done: set[int | str], briefs: JsonlAppender, errors: JsonlAppender
    ) -> None:
        article = outcome.article
        key = done_key(article.id)
        self.in_flight.discard(key)
        self.calls += outcome.meter.calls
        self.usage += outcome.meter.usage
        if outcome.line is not None:
            briefs.append(outcome.line)
            done.add(key)
            self.ok += 1
            self.cached += outcome.cached
        else:
            assert outcome.error is not None
            attempts = outcome.meter.usage.attempts
            errors.append_json(_error_record(article.source, article.id, outcome.error, attempts))
            self.failed_keys.add(key)
            self.failed += 1
        self._report(article.source)

    def execute(self) -> BatchSummary:
        sources = resolve_inputs(self.inputs)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        exclude = self.out_dir.resolve()
        briefs_path = self.out_dir / BRIEFS
        repair_tail(briefs_path)
        runs = RunLog(self.out_dir / RUNS)
        runs.start(self.fingerprint, self.config, briefs_path.stat().st_size if briefs_path.exists() else 0)
        done, duplicated = load_done_keys(briefs_path, runs.segments(), self.fingerprint)
        if duplicated:
            log.warning("%s holds %d duplicate brief(s) (written by hand?)", briefs_path, duplicated)
        if done:
            log.info("%d article(s) already briefed with this configuration will be skipped", len(done))
        if self.progress is not None and self.options.count_first:
            self.total = count_inputs(sources, exclude=exclude)
        self.started = time.monotonic()
        workers = [
            threading.Thread(target=self._worker, name=f"batch-{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        for worker in workers:
            worker.start()
        window = 2 * self.concurrency + 32
        items = iter_articles(sources, max_bytes=self.options.max_input_bytes, exclude=exclude)
        exhausted = False
        with (
            JsonlAppender(briefs_path, durable=self.options.durable) as briefs,
            JsonlAppender(self.out_dir / ERRORS, durable=self.options.durable, truncate=True) as errors,
            _interrupts(self.stop, self.abandon, self.options.handle_sigint),
        ):
            while not self.abandon.is_set():
                while not exhausted and not self.stop.is_set() and len(self.in_flight) < window:
                    item = next(items, None)
                    if item is None:
                        exhausted = True
                    else:
                        self._admit(item, done, errors)
                if not self.in_flight and (exhausted or self.stop.is_set()):
                    break
                try:
                    outcome = self.results.get(timeout=_TICK_S)
                except queue.Empty:
                    errors.commit()
                    self._report()
                    continue
                ready = [outcome]  # group commit: this outcome and every other one ready now
                while len(ready) < _GROUP:
                    try:
                        ready.append(self.results.get_nowait())
                    except queue.Empty:
                        break
                for outcome in ready:
                    self._record(outcome, done, briefs, errors)
                briefs.commit()
                errors.commit()
            for _ in workers:
                self.work.put(None)
            self.abandon.set()  # workers still busy drop their article instead of taking another
        wall = time.monotonic() - self.started
        csv_rows = self._write_csv(briefs_path, runs) if self.options.csv else None
        summary = self._summary(wall, csv_rows)
        atomic_write_text(self.out_dir / SUMMARY, _json(summary.to_dict()))
        return summary

    def _write_csv(self, briefs_path: Path, runs: RunLog) -> int:
        lines = iter_lines_of(briefs_path, runs.segments(), self.fingerprint)
        target = self.out_dir / EVENTS
        tmp = target.with_name(f".{EVENTS}.tmp")
        with open(tmp, "w", encoding="utf-8", newline="") as stream:
            rows = write_csv((Brief.model_validate_json(line) for line in lines), stream)
        tmp.replace(target)
        return rows

    def _summary(self, wall: float, csv_rows: int | None) -> BatchSummary:
        model = self.backend.model_id
        price = self.prices.get(model)
        return BatchSummary(
            out_dir=str(self.out_dir),
            fingerprint=self.fingerprint,
            model=model,
            concurrency=self.concurrency,
            ok=self.ok,
            failed=self.failed,
            skipped=self.skipped,
            duplicates=self.duplicates,
            abandoned=len(self.in_flight),
            cached=self.cached,
            model_calls=self.calls,
            attempts=self.usage.attempts,
            prompt_tokens=self.usage.prompt_tokens,
            completion_tokens=self.usage.completion_tokens,
            cost_usd=price.cost(self.usage.prompt_tokens, self.usage.completion_tokens) if price else None,
            wall_s=round(wall, 3),
            interrupted=self.stop.is_set(),
            csv_rows=csv_rows,
        )


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, indent=2) + "\n"


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: Path,
    *,
    settings: Settings | None = None,
    briefer: Briefer | None = None,
    options: BatchOptions | None = None,
    progress: Callable[[BatchProgress], None] | None = None,
    stop: threading.Event | None = None,
) -> BatchSummary:
    """Brief every article of ``inputs`` into ``out_dir``; returns (and writes) the run summary.

    ``inputs`` are folders (walked recursively for .txt .md .html .htm .json),
    globs, single files, or ``.jsonl`` files of ``{id?, text, title?, url?,
    published_at?}`` records. Writes ``briefs.jsonl``, ``errors.jsonl``,
    ``summary.json`` (and ``events.csv`` with ``options.csv``) in ``out_dir``.
    Uses ``briefer`` when given (left open), else one built from ``settings``
    (closed at the end). ``progress`` hears a snapshot after every article and
    a few times a second; setting ``stop`` ends the run as a Ctrl-C would.
    Raises ``SummarizeError`` only for problems with the whole batch (an input
    that names nothing, a damaged output directory, a bad price table).
    """
    options = options or BatchOptions()
    owned = briefer is None
    if briefer is None:
        briefer = Briefer.from_settings(settings or Settings.resolve())
    try:
        run = _Run(
            [str(i) for i in inputs], Path(out_dir), briefer, options, progress, stop or threading.Event()
        )
        return run.execute()
    except OSError as exc:
        raise SummarizeError(
            f"cannot write the batch output in {out_dir}: {exc.strerror or exc}", path=str(out_dir)
        ) from exc
    finally:
        if owned:
            briefer.close()
