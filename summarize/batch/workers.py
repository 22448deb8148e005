"""The workers of a batch: what briefs articles, in whichever process they run.

Why it looks the way it does:

* Against an endpoint (a backend with ``acomplete``) a process's share of the
  concurrency runs as tasks on one event loop (``work_async``); a blocking
  backend gets a thread per place (``work``). ``start_workers`` picks; the
  rest of the batch sees only queues either way.
* A worker only briefs. It takes an article from its queue and puts back an
  ``Outcome``: the brief's finished JSONL line, or the error record to write.
  It never touches the output files, so the batch's main thread stays the one
  writer and exactly-once does not depend on how many workers there are or
  where they run (``processes`` runs more of them in worker processes).
* A ``Gate`` caps how many of a process's workers brief at once, and its limit
  moves as worker processes take their share of the concurrency or give it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..backends.base import Usage
from ..brief.pipeline import Briefer
from ..errors import SummarizeError
from ..inputs.articles import Article
from ..schema import Brief
from .ledger import done_key
from .metering import Meter, MeteredBackend
from .ratelimit import Aborted

__all__ = [
    "Crew",
    "Failed",
    "Gate",
    "Outcome",
    "Queue",
    "Ready",
    "error_record",
    "quiet_gc",
    "start_workers",
    "work",
    "work_async",
]

log = logging.getLogger(__name__)

# Young-generation threshold while a batch runs (CPython's default is 700), see ``quiet_gc``.
_GC_YOUNG = 50_000
# How often an event-loop worker at its limit looks whether the limit was raised.
_GATE_TICK_S = 0.1


class Queue(Protocol):
    """What workers need of a queue: ``queue.Queue`` in the batch process, a multiprocessing one across."""

    def get(self) -> Any: ...
    def put(self, item: Any) -> None: ...


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


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Fewer and shorter pauses of the cyclic garbage collector while a batch runs; restored after.

    A batch keeps dozens of articles' objects alive for a few hundred
    milliseconds each. With CPython's default thresholds they outlive two young
    collections, get promoted, and soon trigger full collections that walk every
    object of every imported module (openai, pydantic, instructor: about 200,000)
    -- measured at about 100 ms each, a stall for every call in flight.
    Freezing what exists at the start takes the modules out of those walks, and
    a larger young generation lets most of an article's objects die young.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_YOUNG, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


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


# -- the worker threads ----------------------------------------------------------------------------


def _brief(briefer: Briefer, backend: MeteredBackend, article: Article) -> Outcome:
    backend.begin()
    try:
        brief = briefer.brief(article)
    except Aborted:
        raise
    except Exception as exc:  # one article's failure, whatever it is, must not stop the batch
        return _failed(article, exc, backend.end())
    return _briefed(article, brief, backend.end())


async def _abrief(briefer: Briefer, backend: MeteredBackend, article: Article) -> Outcome:
    backend.begin()
    try:
        brief = await briefer.abrief(article)
    except Aborted:
        raise
    except Exception as exc:  # one article's failure, whatever it is, must not stop the batch
        return _failed(article, exc, backend.end())
    return _briefed(article, brief, backend.end())


def _briefed(article: Article, brief: Brief, meter: Meter) -> Outcome:
    line = brief.model_dump_json().encode("utf-8") + b"\n"
    return Outcome(
        done_key(article.id),
        article.source,
        line=line,
        cached=brief.provenance.cache_hit,
        calls=meter.calls,
        usage=meter.usage,
    )


def _failed(article: Article, exc: Exception, meter: Meter) -> Outcome:
    if not isinstance(exc, SummarizeError):
        log.warning("unexpected %s while briefing %s: %s", type(exc).__name__, article.source, exc)
        log.debug("traceback", exc_info=exc)
    error = error_record(article.source, article.id, exc, meter.usage.attempts)
    return Outcome(done_key(article.id), article.source, error=error, calls=meter.calls, usage=meter.usage)


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
        self.leave()

    def enter_nowait(self) -> bool:
        """Take a place if one is free now (an event loop must not wait on a thread's condition)."""
        with self._changed:
            if self.active >= self.limit:
                return False
            self.active += 1
            return True

    def leave(self) -> None:
        """Give back a place taken by ``with`` or ``enter_nowait``."""
        with self._changed:
            self.active -= 1
            self._changed.notify()

    def move(self, by: int) -> None:
        """Raise (or, with ``by`` < 0, lower) the limit; briefs already running finish."""
        with self._changed:
            self.limit = max(1, self.limit + by)
            self._changed.notify_all()


@dataclass(frozen=True)
class Crew:
    """What one process's workers share: their queues, the briefer and its metered backend, the gate."""

    tasks: Queue
    results: Queue
    briefer: Briefer
    backend: MeteredBackend
    abandon: threading.Event
    gate: Gate


def work(crew: Crew) -> None:
    """One worker thread: brief the articles of ``tasks`` into ``results`` until it takes a ``None``."""
    while (article := crew.tasks.get()) is not None:
        if crew.abandon.is_set():
            return
        try:
            with crew.gate:
                if crew.abandon.is_set():
                    return
                crew.results.put(_brief(crew.briefer, crew.backend, article))
        except Aborted:
            return


def work_async(crew: Crew) -> None:
    """``work`` for a backend with ``acomplete``: one thread, one event loop, ``gate.limit`` briefs at once.

    Dozens of threads each blocking on a socket spend much of the client's CPU
    handing the interpreter lock around; one loop keeps as many calls in
    flight without that. A feeder thread turns the blocking ``tasks.get()``
    into the loop's queue; a ``None`` ends both.
    """
    asyncio.run(_dispatch(crew))


def _feed(crew: Crew, loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[Article | None]) -> None:
    """Hand the articles of the (blocking) task queue to the loop, up to and with the ``None``."""
    while True:
        article = crew.tasks.get()
        try:
            loop.call_soon_threadsafe(inbox.put_nowait, article)
        except RuntimeError:  # the loop is closed: the batch was abandoned
            return
        if article is None:
            return


async def _dispatch(crew: Crew) -> None:
    gate, abandon = crew.gate, crew.abandon
    inbox: asyncio.Queue[Article | None] = asyncio.Queue()
    feeder = threading.Thread(
        target=_feed,
        args=(crew, asyncio.get_running_loop(), inbox),
        name=f"{threading.current_thread().name}-feed",
        daemon=True,
    )
    feeder.start()
    running: set[asyncio.Task[None]] = set()
    freed = asyncio.Event()

    async def one(article: Article) -> None:
        try:
            crew.results.put(await _abrief(crew.briefer, crew.backend, article))
        except Aborted:
            pass
        finally:
            gate.leave()
            freed.set()

    try:
        while (article := await inbox.get()) is not None and not abandon.is_set():
            while not gate.enter_nowait():  # the limit moves as worker processes join or leave
                freed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(freed.wait(), _GATE_TICK_S)
                if abandon.is_set():
                    return
            task = asyncio.create_task(one(article))
            running.add(task)
            task.add_done_callback(running.discard)
        if running and not abandon.is_set():
            await asyncio.wait(running)
    finally:
        await crew.backend.aclose()


def start_workers(
    tasks: Queue,
    results: Queue,
    briefer: Briefer,
    backend: MeteredBackend,
    abandon: threading.Event,
    gate: Gate,
    name: str,
) -> list[threading.Thread]:
    """The threads that brief ``tasks`` into ``results``, ``gate.limit`` at a time, started.

    One thread per place for a blocking backend; one event-loop thread for all
    of them when the backend answers on an event loop.
    """
    crew = Crew(tasks, results, briefer, backend, abandon, gate)
    if backend.asynchronous:
        targets = [(work_async, f"{name}-loop")]
    else:
        targets = [(work, f"{name}-{n}") for n in range(gate.limit)]
    threads = [
        threading.Thread(target=target, args=(crew,), name=thread_name, daemon=True)
        for target, thread_name in targets
    ]
    for thread in threads:
        thread.start()
    return threads
