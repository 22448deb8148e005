"""Brief whole folders or JSONL files of articles: concurrently, resumably, and without losing one.

Design, and why:

* **An event loop per process, and worker processes for the CPU.** Against an
  endpoint (a backend with ``acomplete``) each process runs one asyncio loop
  that keeps its share of the concurrency in flight (``Briefer.abrief``); a
  thread per request would spend much of the client's CPU handing the
  interpreter lock around (measured: about a third more CPU per article). A blocking backend
  gets a thread per place instead. Either way the workers share one
  ``Briefer`` (the answer cache is SQLite, safe across threads and
  processes). But briefing is Python from end to end, so one interpreter lock
  caps a process at a few hundred model calls a second, below what a fast
  endpoint takes at high concurrency; with ``processes`` > 1 the concurrency
  is split across this process and worker processes (``batch_workers``), each
  with its own copy of the briefer (pickled: the OpenAI backend travels as its
  settings and opens its own connections). The CLI's default is one process
  per 16 of concurrency, at most one per CPU, so concurrency 8 stays in one
  process; the library's default is one, since worker processes import the
  caller's ``__main__``. The embedded model (one llama.cpp context, one
  worker) does not pickle and always runs in one.
* **One writer.** Whatever the workers, the main thread alone reads inputs,
  dispatches them and writes files; workers only hand back finished lines. A
  single writer needs no locks on the output and makes exactly-once
  independent of how many workers there are and where they run.
* **Concurrency is a ceiling.** Worker processes take a second or two to
  start; until each is ready, this process briefs their share too, then
  gives it its share, and a ready process gets articles only once this one's
  briefs are down to its own share.
* **Bounded and streaming.** Inputs are read lazily; each worker holds at most
  twice its share of the concurrency (plus a small share of 32) in flight,
  enough to keep it busy through an fsync, and a finished brief is written and
  forgotten. Memory
  holds the done keys (one int per briefed article), nothing that grows with
  the briefs.
* **Exactly once.** ``briefs.jsonl`` is the ledger (see ``batch_output``): an
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

import json
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, NamedTuple

from ..backends import is_serial
from ..backends.base import Usage
from ..brief.pipeline import Briefer
from ..config import Settings
from ..errors import ConfigError, SummarizeError
from ..formats.acled import write_csv
from ..inputs.articles import Article
from ..inputs.discover import MAX_INPUT_BYTES, Unreadable, count_inputs, iter_articles, resolve_inputs
from ..schema import Brief
from .ledger import (
    JsonlAppender,
    OutputLock,
    RunLog,
    atomic_write_text,
    done_key,
    iter_lines_of,
    load_done_keys,
    repair_tail,
)
from .ratelimit import RateLimiter
from .summary import BatchProgress, BatchSummary, Price, load_prices
from .workers import (
    PRELOAD,
    Failed,
    Gate,
    Outcome,
    Ready,
    WorkerSpec,
    error_record,
    metered,
    quiet_gc,
    serve,
    start_workers,
)

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
# In flight beyond twice the threads, shared by the workers: covers an fsync's pause.
_SPARE = 32
# The default: one process per this many of concurrency (at most one per CPU).
_THREADS_PER_PROCESS = 16
# How often the main thread looks for worker processes that died.
_LIVENESS_S = 0.5


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
    #: install a SIGINT handler (main thread only) for a clean Ctrl-C
    handle_sigint: bool = True

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


class _Worker:
    """Where articles go: this process's own worker threads, or one worker process and its threads."""

    def __init__(self, index: int, threads: int, room: int, tasks: Any, process: BaseProcess | None) -> None:
        self.index = index
        self.threads = threads
        self.room = room
        self.tasks = tasks
        self.process = process
        self.ready = process is None  # a process takes articles once it says so
        self.alive = True
        self.started = process is None
        self.in_flight = 0
        self.lifeline: tuple[Any, ...] = ()

    @property
    def free(self) -> int:
        return self.room - self.in_flight if self.ready and self.alive else 0


class _Flight(NamedTuple):
    """An article being briefed: by which worker, and what its error record would name."""

    worker: _Worker
    source: str | None
    article_id: str


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


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
        self.fingerprint, self.config = briefer.fingerprint()
        serial = is_serial(briefer.backend)
        if serial and options.concurrency > 1:
            log.info(
                "%s answers one call at a time; ignoring concurrency %d",
                briefer.backend.model_id,
                options.concurrency,
            )
        self.concurrency = 1 if serial else options.concurrency
        auto = max(1, min(os.cpu_count() or 1, self.concurrency // _THREADS_PER_PROCESS))
        self.processes = min(options.processes or auto, self.concurrency)
        self.portable = b""
        if self.processes > 1:
            try:  # what each worker process rebuilds its own briefer from
                self.portable = pickle.dumps(briefer)
            except Exception as exc:  # an embedded model, a test double holding a lock, ...
                log.info("running in one process: the briefer cannot go to worker processes (%s)", exc)
                self.processes = 1
        share = 1 / self.processes
        self.rpm = options.rpm * share if options.rpm else None
        self.tpm = options.tpm * share if options.tpm else None
        limiter = RateLimiter.per_minute(self.rpm, self.tpm)
        self.briefer, self.backend = metered(briefer, limiter, self.abandon)
        self.prices: dict[str, Price] = load_prices(options.prices_file) if options.prices_file else {}
        self.results: queue.Queue[Outcome | Ready | Failed] = queue.Queue()
        self.workers: list[_Worker] = []
        self.in_flight: dict[int | str, _Flight] = {}
        self.failed_keys: set[int | str] = set()
        self.total: int | None = None
        self.started = time.monotonic()
        self.ok = self.failed = self.skipped = self.duplicates = self.cached = 0
        self.calls = 0
        self.usage = Usage()
        self.gate = Gate(self.concurrency)
        self._spare_here = _SPARE
        self._relays: list[threading.Thread] = []
        self._closing = threading.Event()
        self._relays_done = threading.Event()
        self._launcher: threading.Thread | None = None
        self._next_liveness = 0.0

    # -- workers -------------------------------------------------------------------------------

    def _start_workers(self) -> None:
        threads = _split(self.concurrency, self.processes)
        spares = _split(_SPARE, self.processes)
        rooms = [2 * n + spare for n, spare in zip(threads, spares, strict=True)]
        self._spare_here = spares[0]
        # Every thread here until worker processes are ready to take their share (see ``Gate``).
        local: queue.Queue[Any] = queue.Queue()
        self.workers.append(_Worker(0, self.concurrency, self._room_here(), local, None))
        start_workers(local, self.results, self.briefer, self.backend, self.abandon, self.gate, "batch")
        if self.processes > 1:
            self._start_processes(threads, rooms)

    def _start_processes(self, threads: list[int], rooms: list[int]) -> None:
        # forkserver, not fork: this process has threads (workers, a progress bar) whose locks a
        # fork would copy mid-use. Its one interpreter imports the pipeline once for every child.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        levels = {
            name: logging.getLogger(name or None).getEffectiveLevel()
            for name in ("", "summarize", "instructor")
        }
        for index in range(1, self.processes):
            spec = WorkerSpec(
                index, self.portable, self.fingerprint, threads[index], self.rpm, self.tpm, levels
            )
            # A queue each way per process: a process that dies mid-write can then only break its own.
            tasks, results = context.Queue(), context.Queue()
            tasks.cancel_join_thread()  # never let exit wait on a pipe that a dead worker left full
            lifeline, held = context.Pipe(duplex=False)  # held here only: its close says we are gone
            process = context.Process(
                target=serve,
                args=(spec, tasks, results, lifeline),
                name=f"summarize-batch-{index}",
                daemon=True,
            )
            worker = _Worker(index, threads[index], rooms[index], tasks, process)
            worker.lifeline = (lifeline, held)
            self.workers.append(worker)
            relay = threading.Thread(target=self._relay, args=(results,), name=f"batch-relay-{index}")
            relay.daemon = True
            relay.start()
            self._relays.append(relay)
        # Starting the first process waits for the fork server to import the pipeline (a second or
        # so): done aside, while this process's own workers get going.
        self._launcher = threading.Thread(target=self._launch, name="batch-launcher", daemon=True)
        self._launcher.start()

    def _launch(self) -> None:
        for worker in self.workers[1:]:
            if self._closing.is_set():
                return
            assert worker.process is not None
            worker.process.start()
            worker.started = True
            worker.lifeline[0].close()  # the worker has its own copy of the read end

    def _relay(self, results: Any) -> None:
        """Hand what a worker process sends to the main thread; its log records go to our logging."""
        while True:
            try:
                message = results.get(timeout=_TICK_S)
            except queue.Empty:
                if self._relays_done.is_set():  # the process has ended and all it sent is read
                    return
                continue
            if isinstance(message, logging.LogRecord):
                logging.getLogger(message.name).handle(message)
            else:
                self.results.put(message)

    def _room_here(self) -> int:
        return 2 * self.gate.limit + self._spare_here

    def _move_share(self, worker: _Worker, joined: bool) -> None:
        """A worker process joined (or left): this process's threads give up (or take back) its share."""
        self.gate.move(-worker.threads if joined else worker.threads)
        self.workers[0].room = self._room_here()

    def _pick(self) -> _Worker | None:
        """The worker with the most room for another article, if any has room.

        Worker processes get articles only once this process's briefs are down to
        its share, so the batch never has more than ``concurrency`` at once.
        """
        settled = self.gate.active <= self.gate.limit
        best = max(
            (worker for worker in self.workers if settled or worker.process is None),
            key=lambda worker: worker.free,
        )
        return best if best.free > 0 else None

    def _check_processes(self, errors: JsonlAppender) -> None:
        """Turn the articles of a worker process that died into error records; the batch goes on."""
        now = time.monotonic()
        if now < self._next_liveness:
            return
        self._next_liveness = now + _LIVENESS_S
        for worker in self.workers[1:]:
            if not worker.alive or not worker.started:
                continue
            assert worker.process is not None
            code = worker.process.exitcode
            if code is None:
                continue
            worker.alive = False
            if worker.ready:
                self._move_share(worker, joined=False)
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
                self.failed += 1
                errors.append_json(error_record(flight.source, flight.article_id, died, 0))

    def _stop_workers(self) -> None:
        """Let idle workers end (a None each); processes still busy are abandoned and terminated."""
        self._closing.set()
        if self._launcher is not None:
            self._launcher.join()
        for worker in self.workers:
            for _ in range(worker.threads):
                worker.tasks.put(None)
        self.abandon.set()  # this process's workers still busy drop their article instead of taking another
        deadline = time.monotonic() + 5.0
        for worker in self.workers[1:]:
            process = worker.process
            if process is None or not worker.started:
                continue
            if worker.ready and not self.in_flight:
                process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                process.terminate()
                process.join(1.0)
        for worker in self.workers[1:]:
            worker.tasks.close()
            for end in worker.lifeline:
                end.close()
        self._relays_done.set()
        for relay in self._relays:
            relay.join(1.0)

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

    def _admit(
        self, item: Article | Unreadable, worker: _Worker, done: set[int | str], errors: JsonlAppender
    ) -> None:
        if isinstance(item, Unreadable):
            errors.append_json(error_record(item.source, None, item.error, 0))
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
        if isinstance(message, Outcome):
            self._record(message, done, briefs, errors)
        elif isinstance(message, Ready):
            self.workers[message.index].ready = True
            self._move_share(self.workers[message.index], joined=True)
            log.debug(
                "worker process %d ready %.2f s into the run", message.index, time.monotonic() - self.started
            )
        else:
            self.workers[message.index].alive = False
            log.warning(
                "worker process %d could not start (%s); the batch goes on without it",
                message.index,
                message.reason,
            )

    def _record(
        self, outcome: Outcome, done: set[int | str], briefs: JsonlAppender, errors: JsonlAppender
    ) -> None:
        flight = self.in_flight.pop(outcome.key, None)
        if flight is None:  # its worker process was given up for dead, and the article recorded as failed
            return
        flight.worker.in_flight -= 1
        self.calls += outcome.calls
        self.usage += outcome.usage
        if outcome.line is not None:
            briefs.append(outcome.line)
            done.add(outcome.key)
            self.ok += 1
            self.cached += outcome.cached
        else:
            assert outcome.error is not None
            errors.append_json(outcome.error)
            self.failed_keys.add(outcome.key)
            self.failed += 1
        self._report(outcome.source)

    def execute(self) -> BatchSummary:
        sources = resolve_inputs(self.inputs)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with OutputLock(self.out_dir), quiet_gc():
            return self._execute(sources)

    def _execute(self, sources: list[str]) -> BatchSummary:
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
        items = iter_articles(sources, max_bytes=self.options.max_input_bytes, exclude=exclude)
        exhausted = False
        with (
            JsonlAppender(briefs_path, durable=self.options.durable) as briefs,
            JsonlAppender(self.out_dir / ERRORS, durable=self.options.durable, truncate=True) as errors,
            _interrupts(self.stop, self.abandon, self.options.handle_sigint),
        ):
            self._start_workers()
            try:
                while not self.abandon.is_set():
                    while not exhausted and not self.stop.is_set() and (worker := self._pick()) is not None:
                        item = next(items, None)
                        if item is None:
                            exhausted = True
                        else:
                            self._admit(item, worker, done, errors)
                    if not self.in_flight and (exhausted or self.stop.is_set()):
                        break
                    self._check_processes(errors)
                    try:
                        message = self.results.get(timeout=_TICK_S)
                    except queue.Empty:
                        errors.commit()
                        self._report()
                        continue
                    ready = [message]  # group commit: this outcome and every other one ready now
                    while len(ready) < _GROUP:
                        try:
                            ready.append(self.results.get_nowait())
                        except queue.Empty:
                            break
                    for message in ready:
                        self._handle(message, done, briefs, errors)
                    briefs.commit()
                    errors.commit()
            finally:
                self._stop_workers()
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
            processes=self.processes,
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
