"""Brief whole folders or JSONL files of articles: concurrently, resumably, and without losing one.

Design, and why:

* **An event loop per process, and worker processes for the CPU.** Against an
  endpoint (a backend with ``acomplete``) each process runs one asyncio loop
  that keeps its share of the concurrency in flight (``workers``); a blocking
  backend gets a thread per place instead. Briefing is Python from end to end,
  so one interpreter lock caps a process at a few hundred model calls a second;
  with ``processes`` > 1 the concurrency is split across this process and
  worker processes (``processes``), each with its own copy of the briefer. The
  CLI's default is one process per 16 of concurrency, at most one per CPU, so
  concurrency 8 stays in one process; the library's default is one, since
  worker processes import the caller's ``__main__``. A serial backend (the
  embedded model: one llama.cpp context) does not pickle and always runs one
  article at a time, in one process.
* **One writer.** Whatever the workers, the main thread alone reads inputs,
  dispatches them and writes files; workers only hand back finished lines. A
  single writer needs no locks on the output and makes exactly-once
  independent of how many workers there are and where they run.
* **Concurrency is a ceiling**, also while worker processes start (``processes``).
* **Bounded and streaming.** Inputs are read lazily; each worker holds at most
  twice its share of the concurrency (plus a small spare) in flight, enough to
  keep it busy through an fsync, and a finished brief is written and forgotten.
  Memory holds the done keys (one int per briefed article), nothing that grows
  with the briefs.
* **Exactly once.** ``briefs.jsonl`` is the ledger (see ``ledger``): an
  article is skipped when a brief of the same content id was written under the
  same configuration fingerprint (backend identity, prompt version, schema
  version and the settings that change a brief). Failures are not recorded as
  done, so a re-run retries exactly them. ``errors.jsonl`` lists the failures
  of the latest run. Lines are group-committed: every outcome ready is
  written with one write and one fsync.
* **One bad article is one error record**: unreadable inputs, model failures
  after the backend's own retries, unexpected exceptions, and the articles of
  a worker process that died; the batch goes on.
* **Ctrl-C**: the first SIGINT stops dispatching and lets the articles in
  flight finish (their briefs are written); a second abandons them (worker
  processes are terminated; they ignore SIGINT themselves). Files are never
  left half-written, and the summary says ``interrupted``.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..backends import is_serial
from ..brief.pipeline import Briefer
from ..config import Settings
from ..errors import ConfigError, SummarizeError
from ..files import atomic_write_text, atomic_writer
from ..formats.acled import write_csv
from ..inputs.articles import Article
from ..inputs.discover import MAX_INPUT_BYTES, Unreadable, count_inputs, iter_articles, resolve_inputs
from ..schema import Brief
from .ledger import JsonlAppender, OutputLock, RunLog, done_key, iter_lines_of, open_ledger
from .metering import metered
from .processes import Share, Worker, WorkerPool
from .ratelimit import RateLimiter
from .summary import BatchProgress, BatchSummary, Counts, Price, load_prices
from .workers import Failed, Outcome, Ready, error_record, quiet_gc

__all__ = ["BRIEFS", "ERRORS", "EVENTS", "SUMMARY", "BatchOptions", "run_batch"]

log = logging.getLogger(__name__)

BRIEFS = "briefs.jsonl"
ERRORS = "errors.jsonl"
EVENTS = "events.csv"
SUMMARY = "summary.json"
RUNS = "runs.json"

_TICK_S = 0.1
# At most this many lines per write and fsync of briefs.jsonl.
_GROUP = 256
# The default: one process per this many of concurrency (at most one per CPU).
_THREADS_PER_PROCESS = 16


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (the model settings live in ``Settings``)."""

    concurrency: int = 8
    #: processes sharing the concurrency, this one included; ``None``: one per 16 of concurrency,
    #: at most one per CPU (what the CLI does). Worker processes import the caller's ``__main__``,
    #: as multiprocessing does, so a script using them needs ``if __name__ == "__main__":``.
    #: Always 1 when the briefer does not pickle (the embedded model does not).
    processes: int | None = 1
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
    max_input_bytes: int = MAX_INPUT_BYTES
    #: count the inputs first, so progress has a total and an ETA
    count_first: bool = True
    #: install a SIGINT handler (main thread only) for a clean Ctrl-C; off for library callers,
    #: whose own program owns the signal (the CLI turns it on)
    handle_sigint: bool = False

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ConfigError("concurrency must be at least 1", concurrency=self.concurrency)
        if self.processes is not None and self.processes < 1:
            raise ConfigError("processes must be at least 1", processes=self.processes)
        for name in ("rpm", "tpm"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"{name} must be positive", **{name: value})
        if self.max_input_bytes < 1:
            raise ConfigError("max_input_bytes must be positive", max_input_bytes=self.max_input_bytes)


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


class _Flight(NamedTuple):
    """An article being briefed: by which worker, and what its error record would name."""

    worker: Worker
    source: str | None
    article_id: str


def _share(briefer: Briefer, options: BatchOptions, fingerprint: str) -> Share:
    """How many at once (one for a serial backend), in how many processes, each with what."""
    serial = is_serial(briefer.backend)
    if serial and options.concurrency > 1:
        log.info(
            "%s answers one call at a time; ignoring concurrency %d",
            briefer.backend.model_id,
            options.concurrency,
        )
    concurrency = 1 if serial else options.concurrency
    auto = max(1, min(os.cpu_count() or 1, concurrency // _THREADS_PER_PROCESS))
    processes = min(options.processes or auto, concurrency)
    portable = b""
    if processes > 1:
        try:  # what each worker process rebuilds its own briefer from
            portable = pickle.dumps(briefer)
        except Exception as exc:  # an embedded model, a test double holding a lock, ...
            log.info("running in one process: the briefer cannot go to worker processes (%s)", exc)
            processes = 1
    share = 1 / processes
    return Share(
        concurrency,
        processes,
        portable,
        fingerprint,
        options.rpm * share if options.rpm else None,
        options.tpm * share if options.tpm else None,
    )


class _Run:
    """One ``run_batch``: the main thread reads, dispatches and records; it alone writes."""

    def __init__(
        self,
        out_dir: Path,
        briefer: Briefer,
        options: BatchOptions,
        progress: Callable[[BatchProgress], None] | None,
        stop: threading.Event,
    ) -> None:
        self.out_dir = out_dir
        self.options = options
        self.progress = progress
        self.stop = stop
        self.abandon = threading.Event()
        self.fingerprint, self.config = briefer.fingerprint()
        self.share = _share(briefer, options, self.fingerprint)
        limiter = RateLimiter.per_minute(self.share.rpm, self.share.tpm)
        metered_briefer, self.backend = metered(briefer, limiter, self.abandon)
        self.pool = WorkerPool(metered_briefer, self.backend, self.abandon, self.share)
        self.prices: dict[str, Price] = load_prices(options.prices_file) if options.prices_file else {}
        self.in_flight: dict[int | str, _Flight] = {}
        self.failed_keys: set[int | str] = set()
        self.counts = Counts()
        self.total: int | None = None
        self.started = time.monotonic()

    def _report(self, last: str | None = None) -> None:
        if self.progress is not None:
            self.progress(
                self.counts.progress(self.total, len(self.in_flight), self.started, self.stop, last)
            )

    def _admit(
        self, item: Article | Unreadable, worker: Worker, done: set[int | str], errors: JsonlAppender
    ) -> None:
        if isinstance(item, Unreadable):
            errors.append_json(error_record(item.source, None, item.error, 0))
            self.counts.failed += 1
            self._report(item.source)
            return
        key = done_key(item.id)
        if key in done:
            self.counts.skipped += 1
            self._report(item.source)
        elif key in self.in_flight or key in self.failed_keys:
            self.counts.duplicates += 1
            log.info("%s has the same text as an article already in this batch; skipped", item.source)
            self._report(item.source)
        else:
            self.in_flight[key] = _Flight(worker, item.source, item.id)
            worker.in_flight += 1
            worker.tasks.put(item)

    def _handle(
        self,
        message: Outcome | Ready | Failed,
        done: set[int | str],
        briefs: JsonlAppender,
        errors: JsonlAppender,
    ) -> None:
        if not isinstance(message, Outcome):
            self.pool.joined(message, time.monotonic() - self.started)
            return
        flight = self.in_flight.pop(message.key, None)
        if flight is None:  # its worker process was given up for dead, and the article recorded as failed
            return
        flight.worker.in_flight -= 1
        self.counts.charge(message.calls, message.usage)
        if message.line is not None:
            briefs.append(message.line)
            done.add(message.key)
            self.counts.ok += 1
            self.counts.cached += message.cached
        else:
            assert message.error is not None
            errors.append_json(message.error)
            self.failed_keys.add(message.key)
            self.counts.failed += 1
        self._report(message.source)

    def _check_processes(self, errors: JsonlAppender) -> None:
        """Turn the articles of a worker process that died into error records; the batch goes on."""
        for worker, code in self.pool.exited():
            lost = [key for key, flight in self.in_flight.items() if flight.worker is worker]
            log.warning(
                "worker process %d exited (code %s)%s; the batch goes on without it",
                worker.index,
                code,
                f" with {len(lost)} article(s) in flight, recorded as failed (the next run retries them)"
                if lost
                else "",
            )
            died = SummarizeError(f"the worker process briefing it exited (code {code})")
            for key in lost:
                flight = self.in_flight.pop(key)
                self.failed_keys.add(key)
                self.counts.failed += 1
                errors.append_json(error_record(flight.source, flight.article_id, died, 0))

    def execute(self, inputs: Sequence[str]) -> BatchSummary:
        sources = resolve_inputs(inputs)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with OutputLock(self.out_dir), quiet_gc():
            return self._execute(sources)

    def _execute(self, sources: list[str]) -> BatchSummary:
        exclude = self.out_dir.resolve()
        briefs_path = self.out_dir / BRIEFS
        runs, done = open_ledger(briefs_path, self.out_dir / RUNS, self.fingerprint, self.config)
        if self.progress is not None and self.options.count_first:
            self.total = count_inputs(sources, exclude=exclude)
        self.started = time.monotonic()
        items = iter_articles(sources, max_bytes=self.options.max_input_bytes, exclude=exclude)
        with (
            JsonlAppender(briefs_path, durable=self.options.durable) as briefs,
            JsonlAppender(self.out_dir / ERRORS, durable=self.options.durable, truncate=True) as errors,
            _interrupts(self.stop, self.abandon, self.options.handle_sigint),
        ):
            self.pool.start()
            try:
                self._dispatch(items, done, briefs, errors)
            finally:
                self.pool.stop(busy=bool(self.in_flight))
        wall = time.monotonic() - self.started
        csv_rows = _export_events(briefs_path, runs, self.fingerprint) if self.options.csv else None
        summary = self._summary(wall, csv_rows)
        atomic_write_text(self.out_dir / SUMMARY, summary.to_json())
        return summary

    def _dispatch(
        self,
        items: Iterator[Article | Unreadable],
        done: set[int | str],
        briefs: JsonlAppender,
        errors: JsonlAppender,
    ) -> None:
        """Keep every worker busy until the inputs run out (or a stop), writing outcomes as they come."""
        exhausted = False
        while not self.abandon.is_set():
            while not exhausted and not self.stop.is_set() and (worker := self.pool.pick()) is not None:
                item = next(items, None)
                if item is None:
                    exhausted = True
                else:
                    self._admit(item, worker, done, errors)
            if not self.in_flight and (exhausted or self.stop.is_set()):
                return
            self._check_processes(errors)
            try:
                message = self.pool.results.get(timeout=_TICK_S)
            except queue.Empty:
                errors.commit()
                self._report()
                continue
            ready = [message]  # group commit: this outcome and every other one ready now
            while len(ready) < _GROUP:
                try:
                    ready.append(self.pool.results.get_nowait())
                except queue.Empty:
                    break
            for message in ready:
                self._handle(message, done, briefs, errors)
            briefs.commit()
            errors.commit()

    def _summary(self, wall: float, csv_rows: int | None) -> BatchSummary:
        model = self.backend.model_id
        return self.counts.summary(
            out_dir=str(self.out_dir),
            fingerprint=self.fingerprint,
            model=model,
            concurrency=self.share.concurrency,
            processes=self.share.processes,
            abandoned=len(self.in_flight),
            price=self.prices.get(model),
            wall_s=wall,
            interrupted=self.stop.is_set(),
            csv_rows=csv_rows,
        )


def _export_events(briefs_path: Path, runs: RunLog, fingerprint: str) -> int:
    """``events.csv`` beside ``briefs.jsonl``: every incident of this configuration's briefs."""
    lines = iter_lines_of(briefs_path, runs.segments(), fingerprint)
    with atomic_writer(briefs_path.with_name(EVENTS), newline="") as stream:
        return write_csv((Brief.model_validate_json(line) for line in lines), stream)


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

    ``inputs`` are folders (walked recursively for the files ``summarize brief`` reads:
    ``inputs.READERS``),
    globs, single files, or ``.jsonl`` files of ``{id?, text, title?, url?,
    published_at?}`` records. Writes ``briefs.jsonl``, ``errors.jsonl``,
    ``summary.json`` (and ``events.csv`` with ``options.csv``) in ``out_dir``.
    Uses ``briefer`` when given (left open), else one built from ``settings``
    (closed at the end); worker processes, if any, each get a copy of it by
    pickling (a briefer that does not pickle keeps the batch in one process).
    ``progress`` hears a snapshot after every article and a few times a
    second; setting ``stop`` ends the run as a Ctrl-C would.
    Raises ``SummarizeError`` only for problems with the whole batch (an input
    that names nothing, a damaged output directory, a bad price table).
    """
    options = options or BatchOptions()
    owned = briefer is None
    if briefer is None:
        briefer = Briefer.from_settings(settings or Settings.resolve())
    try:
        run = _Run(Path(out_dir), briefer, options, progress, stop or threading.Event())
        return run.execute([str(i) for i in inputs])
    except OSError as exc:
        raise SummarizeError(
            f"cannot write the batch output in {out_dir}: {exc.strerror or exc}", path=str(out_dir)
        ) from exc
    finally:
        if owned:
            briefer.close()
