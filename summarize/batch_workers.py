"""The workers of a batch: threads that brief articles, in the batch's own process or in worker processes.

Why it looks the way it does:

* A worker only briefs. It takes an article from its queue and puts back an
  ``Outcome``: the brief's finished JSONL line, or the error record to write.
  It never touches the output files, so the batch's main thread stays the one
  writer and exactly-once does not depend on how many workers there are or
  where they run.
* Worker processes exist because the client is CPU-bound before a fast
  endpoint is: briefing is pure Python (prompts, instructor, openai, grounding)
  under one interpreter lock. A process (``serve``) unpickles its own copy of
  the batch's ``Briefer`` (its own HTTP pool, answer cache connection and
  rate-limit share), checks that it has the batch's configuration fingerprint,
  says ``Ready``, and runs its threads until each has taken a ``None``.
  Everything crossing a process boundary is plain data: articles in, outcomes,
  log records and ``Ready``/``Failed`` out; a failure becomes an error record
  in the worker, since exceptions with keyword context do not pickle.
* A worker process ignores SIGINT (Ctrl-C reaches the whole process group; the
  batch decides what an interrupt means), and exits on its own when the batch
  process dies, so a ``kill -9`` leaves no orphan working: it holds the read
  end of a pipe whose only write end is the batch process's, and the kernel
  closes that end with the process. (Its parent pid is no use: it is the fork
  server, which in turn waits for its children before it exits.)
"""

from __future__ import annotations

import copy
import logging
import logging.handlers
import os
import pickle
import signal
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .articles import Article
from .backends.base import Completion, Message, Usage
from .batch_output import done_key
from .cache import cache_key
from .errors import ConfigError, SummarizeError
from .pipeline import Briefer
from .ratelimit import Aborted, RateLimiter, estimate_tokens
from .schema import SCHEMA_VERSION

__all__ = [
    "PRELOAD",
    "Failed",
    "Gate",
    "MeteredBackend",
    "Outcome",
    "Ready",
    "WorkerSpec",
    "error_record",
    "fingerprint",
    "metered",
    "serve",
    "work",
]

log = logging.getLogger(__name__)

#: What the fork server imports once for every worker process (see ``batch_preload``).
PRELOAD = ["summarize.batch_preload"]

# How often a worker process checks that the batch process is still there.
_PARENT_CHECK_S = 0.5


class _Queue(Protocol):
    """What workers need of a queue: ``queue.Queue`` in the batch process, a multiprocessing one across."""

    def get(self) -> Any: ...
    def put(self, item: Any) -> None: ...


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


def error_record(
    source: str | None, article_id: str | None, exc: BaseException, attempts: int
) -> dict[str, Any]:
    """The ``errors.jsonl`` record of an article that failed with ``exc``."""
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


# -- messages from workers --------------------------------------------------------------------------


@dataclass
class Outcome:
    """One article's result: ``line`` (a brief) or ``error`` (its error record), and what it cost."""

    key: int | str
    source: str | None
    line: bytes | None = None
    error: dict[str, Any] | None = None
    cached: bool = False
    calls: int = 0
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True)
class Ready:
    """Worker process ``index`` has built its briefer and takes articles now."""

    index: int


@dataclass(frozen=True)
class Failed:
    """Worker process ``index`` could not start; it takes no articles."""

    index: int
    reason: str


# -- the metered backend ---------------------------------------------------------------------------


@dataclass
class _Meter:
    usage: Usage = field(default_factory=Usage)
    calls: int = 0


class MeteredBackend:
    """The real backend behind the rate limiter, counting each worker thread's calls and tokens."""

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


def metered(briefer: Briefer, limiter: RateLimiter, abort: threading.Event) -> tuple[Briefer, MeteredBackend]:
    """A shallow copy of ``briefer`` (same prompts and cache) whose backend is metered and rate-limited."""
    backend = MeteredBackend(briefer.backend, limiter, abort)
    wrapped = copy.copy(briefer)  # keeps its class, prompts and cache; only the backend is wrapped
    wrapped.backend = backend
    return wrapped, backend


# -- the worker threads ----------------------------------------------------------------------------


def _brief(briefer: Briefer, backend: MeteredBackend, article: Article) -> Outcome:
    outcome = Outcome(done_key(article.id), article.source)
    backend.begin()
    try:
        brief = briefer.brief(article)
        outcome.line = brief.model_dump_json().encode("utf-8") + b"\n"
        outcome.cached = brief.provenance.cache_hit
    except Aborted:
        raise
    except Exception as exc:  # one article's failure, whatever it is, must not stop the batch
        if not isinstance(exc, SummarizeError):
            log.warning("unexpected %s while briefing %s: %s", type(exc).__name__, article.source, exc)
            log.debug("traceback", exc_info=True)
        meter = backend.end()
        outcome.error = error_record(article.source, article.id, exc, meter.usage.attempts)
        outcome.calls, outcome.usage = meter.calls, meter.usage
        return outcome
    meter = backend.end()
    outcome.calls, outcome.usage = meter.calls, meter.usage
    return outcome


class Gate:
    """How many of a process's worker threads may brief at once; ``limit`` moves as processes come and go.

    The batch process starts with a thread for the whole concurrency and briefs
    with all of them while worker processes start (a second or two), then
    hands each ready process its share by lowering its own limit.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self._changed = threading.Condition()

    def __enter__(self) -> Gate:
        with self._changed:
            while self.active >= self.limit:
                self._changed.wait()
            self.active += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            self.active -= 1
            self._changed.notify()

    def move(self, by: int) -> None:
        """Raise (or, with ``by`` < 0, lower) the limit; briefs already running finish."""
        with self._changed:
            self.limit = max(1, self.limit + by)
            self._changed.notify_all()


def work(
    tasks: _Queue,
    results: _Queue,
    briefer: Briefer,
    backend: MeteredBackend,
    abandon: threading.Event,
    gate: Gate | None = None,
) -> None:
    """One worker thread: brief the articles of ``tasks`` into ``results`` until it takes a ``None``."""
    while (article := tasks.get()) is not None:
        if abandon.is_set():
            return
        try:
            if gate is None:
                results.put(_brief(briefer, backend, article))
            else:
                with gate:
                    if abandon.is_set():
                        return
                    results.put(_brief(briefer, backend, article))
        except Aborted:
            return


# -- worker processes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker process needs to brief like the batch process (plain, picklable data)."""

    index: int
    #: the batch's briefer, pickled
    briefer: bytes
    fingerprint: str
    threads: int
    rpm: float | None
    tpm: float | None
    log_levels: dict[str, int]


def _log_to(results: _Queue, levels: Mapping[str, int]) -> None:
    """Send this process's log records to the batch process, which writes them with its own handlers."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.handlers.QueueHandler(results))  # type: ignore[arg-type]
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)


class _Counted:
    """A results queue that counts what the threads put in it."""

    def __init__(self, inner: _Queue) -> None:
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


def serve(spec: WorkerSpec, tasks: _Queue, results: _Queue, lifeline: _Lifeline) -> None:
    """The body of worker process ``spec.index``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _log_to(results, spec.log_levels)
    abandon = threading.Event()
    try:
        own: Briefer = pickle.loads(spec.briefer)
    except Exception as exc:
        results.put(Failed(spec.index, f"{type(exc).__name__}: {exc}"))
        return
    try:
        if fingerprint(own)[0] != spec.fingerprint:
            raise ConfigError("a worker process resolved another configuration than the batch")
        briefer, backend = metered(own, RateLimiter.per_minute(spec.rpm, spec.tpm), abandon)
        counted = _Counted(results)
        threads = [
            threading.Thread(
                target=work, args=(tasks, counted, briefer, backend, abandon), name=f"w{spec.index}-{n}"
            )
            for n in range(spec.threads)
        ]
    except Exception as exc:
        own.close()
        results.put(Failed(spec.index, f"{type(exc).__name__}: {exc}"))
        return
    for thread in threads:
        thread.daemon = True
        thread.start()
    results.put(Ready(spec.index))
    log.debug("worker process %d (pid %d) ready with %d thread(s)", spec.index, os.getpid(), spec.threads)
    while threads:
        if lifeline.poll(_PARENT_CHECK_S):  # the batch process is gone: nobody will read what we brief
            os._exit(0)
        threads = [thread for thread in threads if thread.is_alive()]
    log.debug("worker process %d done: %d article(s)", spec.index, counted.count)
    try:
        own.close()
    except Exception as exc:  # every article is already handed back; say it and end quietly
        log.warning("worker process %d could not close its briefer: %s", spec.index, exc)
