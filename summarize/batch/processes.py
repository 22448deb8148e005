"""Worker processes: more interpreters for a client that is CPU-bound before the endpoint is.

Why they exist, and how they stay safe:

* Briefing is pure Python (prompts, instructor, openai, grounding) under one
  interpreter lock, which caps a process at a few hundred model calls a second,
  below what a fast endpoint takes at high concurrency. So the concurrency is
  split across this process and worker processes (``WorkerPool``).
* A process (``serve``) unpickles its own copy of the batch's ``Briefer`` (its
  own HTTP pool, answer cache connection and rate-limit share), checks that it
  has the batch's configuration fingerprint, says ``Ready``, and runs its
  workers (``workers``) until they have taken their ``None``. Everything
  crossing a process boundary is plain data: articles in, outcomes, log records
  and ``Ready``/``Failed`` out; a failure becomes an error record in the worker,
  since exceptions with keyword context do not pickle.
* Processes come from a fork server (not ``fork``: this process has threads whose
  locks a fork would copy mid-use) that imported the pipeline once
  (``batch.preload``). Starting one takes a second or two, so until a process is
  ready this process briefs its share too, and a ready process gets articles only
  once this one's briefs are down to its own share: the batch never has more
  than ``concurrency`` at once.
* A worker process ignores SIGINT (Ctrl-C reaches the whole process group; the
  batch decides what an interrupt means), and exits on its own when the batch
  process dies, so a ``kill -9`` leaves no orphan working: it holds the read
  end of a pipe whose only write end is the batch process's, and the kernel
  closes that end with the process. (Its parent pid is no use: it is the fork
  server, which in turn waits for its children before it exits.) A process
  that dies is noticed (``WorkerPool.exited``) and the batch goes on without it.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from ..brief.pipeline import Briefer
from ..errors import ConfigError
from .metering import MeteredBackend, metered
from .ratelimit import RateLimiter
from .workers import Failed, Gate, Outcome, Queue, Ready, quiet_gc, start_workers

__all__ = ["PRELOAD", "Share", "Worker", "WorkerPool", "WorkerSpec", "serve"]

log = logging.getLogger(__name__)

#: What the fork server imports once for every worker process (see ``batch.preload``).
PRELOAD = ["summarize.batch.preload"]

# How often a worker process checks that the batch process is still there.
_PARENT_CHECK_S = 0.5
# How often a relay thread looks for a message (and whether it should end).
_TICK_S = 0.1
# In flight beyond twice the threads, shared by the workers: covers an fsync's pause.
_SPARE = 32
# How often the main thread looks for worker processes that died.
_LIVENESS_S = 0.5


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to brief like the batch process (plain, picklable data)."""

    index: int
    threads: int
    #: the batch's spread: its pickled briefer, fingerprint and each process's rate limits
    share: Share
    log_levels: dict[str, int]


def _log_to(results: Queue, levels: Mapping[str, int]) -> None:
    """Send this process's log records to the batch process, which writes them with its own handlers."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.handlers.QueueHandler(results))  # type: ignore[arg-type]
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)


class _Counted:
    """A results queue that counts what the threads put in it."""

    def __init__(self, inner: Queue) -> None:
        self.inner = inner
        self.count = 0
        self._lock = threading.Lock()

    def get(self) -> Any:
        return self.inner.get()

    def put(self, item: Any) -> None:
        with self._lock:
            self.count += 1
        self.inner.put(item)


class _Lifeline(Protocol):
    """The read end of a pipe: readable (at EOF) once the batch process is gone."""

    def poll(self, timeout: float) -> bool: ...


def serve(spec: WorkerSpec, tasks: Queue, results: Queue, lifeline: _Lifeline) -> None:
    """The body of worker process ``spec.index``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _log_to(results, spec.log_levels)
    abandon = threading.Event()
    try:
        own: Briefer = pickle.loads(spec.share.portable)
    except Exception as exc:
        results.put(Failed(spec.index, f"{type(exc).__name__}: {exc}"))
        return
    try:
        if own.fingerprint()[0] != spec.share.fingerprint:
            raise ConfigError("a worker process resolved another configuration than the batch")
        briefer, backend = metered(own, RateLimiter.per_minute(spec.share.rpm, spec.share.tpm), abandon)
        counted = _Counted(results)
        gate = Gate(spec.threads)
        threads = start_workers(tasks, counted, briefer, backend, abandon, gate, f"w{spec.index}")
    except Exception as exc:
        own.close()
        results.put(Failed(spec.index, f"{type(exc).__name__}: {exc}"))
        return
    results.put(Ready(spec.index))
    log.debug("worker process %d (pid %d) ready with %d thread(s)", spec.index, os.getpid(), spec.threads)
    with quiet_gc():
        while threads:
            if lifeline.poll(_PARENT_CHECK_S):  # the batch process is gone: nobody will read what we brief
                os._exit(0)
            threads = [thread for thread in threads if thread.is_alive()]
    log.debug("worker process %d done: %d article(s)", spec.index, counted.count)
    try:
        own.close()
    except Exception as exc:  # every article is already handed back; say it and end quietly
        log.warning("worker process %d could not close its briefer: %s", spec.index, exc)


@dataclass(frozen=True)
class Share:
    """How a batch is spread: its concurrency over how many processes, and what each one needs."""

    concurrency: int
    processes: int
    #: the briefer, pickled: what each worker process rebuilds its own from (b"" in one process)
    portable: bytes
    fingerprint: str
    #: each process's share of the rate limits
    rpm: float | None
    tpm: float | None


class Worker:
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


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


class WorkerPool:
    """This process's workers and the worker processes, behind one ``pick`` and one ``results`` queue.

    Each worker holds at most twice its share of the concurrency (plus a share of a
    small spare) in flight: enough to keep it busy through an fsync of the writer.
    """

    def __init__(
        self,
        briefer: Briefer,
        backend: MeteredBackend,
        abandon: threading.Event,
        share: Share,
    ) -> None:
        self.briefer, self.backend, self.abandon = briefer, backend, abandon
        self.share = share
        self.results: queue.Queue[Outcome | Ready | Failed] = queue.Queue()
        self.workers: list[Worker] = []
        self.gate = Gate(share.concurrency)
        self._spare_here = _SPARE
        self._relays: list[threading.Thread] = []
        self._closing = threading.Event()
        self._relays_done = threading.Event()
        self._launcher: threading.Thread | None = None
        self._next_liveness = 0.0

    def start(self) -> None:
        """Start every thread here, and the worker processes aside (they join when ready)."""
        processes = self.share.processes
        threads = _split(self.share.concurrency, processes)
        spares = _split(_SPARE, processes)
        rooms = [2 * n + spare for n, spare in zip(threads, spares, strict=True)]
        self._spare_here = spares[0]
        # Every thread here until worker processes are ready to take their share (see ``Gate``).
        local: queue.Queue[Any] = queue.Queue()
        self.workers.append(Worker(0, self.share.concurrency, self._room_here(), local, None))
        start_workers(local, self.results, self.briefer, self.backend, self.abandon, self.gate, "batch")
        if processes > 1:
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
        for index in range(1, self.share.processes):
            spec = WorkerSpec(index, threads[index], self.share, levels)
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
            worker = Worker(index, threads[index], rooms[index], tasks, process)
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

    def _move_share(self, worker: Worker, joined: bool) -> None:
        """A worker process joined (or left): this process's threads give up (or take back) its share."""
        self.gate.move(-worker.threads if joined else worker.threads)
        self.workers[0].room = self._room_here()

    def pick(self) -> Worker | None:
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

    def joined(self, message: Ready | Failed, elapsed_s: float) -> None:
        """A worker process is ready (it takes its share now), or could not start (it takes none)."""
        worker = self.workers[message.index]
        if isinstance(message, Ready):
            worker.ready = True
            self._move_share(worker, joined=True)
            log.debug("worker process %d ready %.2f s into the run", message.index, elapsed_s)
        else:
            worker.alive = False
            log.warning(
                "worker process %d could not start (%s); the batch goes on without it",
                message.index,
                message.reason,
            )

    def exited(self) -> list[tuple[Worker, int]]:
        """Worker processes that died since the last look (every ``_LIVENESS_S``), with exit codes."""
        now = time.monotonic()
        if now < self._next_liveness:
            return []
        self._next_liveness = now + _LIVENESS_S
        gone = []
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
            gone.append((worker, code))
        return gone

    def stop(self, busy: bool) -> None:
        """Let idle workers end (a None each); processes still ``busy`` are abandoned and terminated."""
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
            if worker.ready and not busy:
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
