"""The batch's backend: the real one behind the rate limiter, counting what each article costs.

Every model call of a batch goes through a ``MeteredBackend``: it waits for the token
buckets (``ratelimit``), makes the call, settles the bucket with the tokens really used,
and charges the call to the article being briefed. The charge runs per article in a
context variable, so worker threads and event-loop tasks each count their own, and a
failed call is charged what its error says it cost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..backends.base import AsyncBackend, Completion, Message, Usage
from ..brief.pipeline import Briefer
from ..errors import SummarizeError
from .ratelimit import RateLimiter, estimate_tokens

__all__ = ["Meter", "MeteredBackend", "metered"]


@dataclass
class Meter:
    """What one article's calls cost so far."""

    usage: Usage = field(default_factory=Usage)
    calls: int = 0


class MeteredBackend:
    """The real backend behind the rate limiter, counting each article's calls and tokens.

    The count runs per article: ``begin`` starts it in the calling thread or
    task (a context variable, so worker threads and event-loop tasks each
    count their own) and ``end`` takes it.
    """

    def __init__(self, inner: Any, limiter: RateLimiter, abort: threading.Event) -> None:
        self.inner = inner
        self._limiter = limiter
        self._abort = abort
        self._meter: ContextVar[Meter | None] = ContextVar(f"summarize-meter-{id(self)}", default=None)

    @property
    def model_id(self) -> str:
        return str(self.inner.model_id)

    @property
    def asynchronous(self) -> bool:
        """Whether the backend behind answers on an event loop (``acomplete``)."""
        return isinstance(self.inner, AsyncBackend)

    def identity(self) -> Mapping[str, Any]:
        return dict(self.inner.identity())

    def close(self) -> None:
        self.inner.close()

    async def aclose(self) -> None:
        await self.inner.aclose()

    def begin(self) -> None:
        self._meter.set(Meter())

    def end(self) -> Meter:
        meter = self._meter.get() or Meter()
        self._meter.set(None)
        return meter

    def complete(self, messages: Sequence[Message], response_model: type[Any]) -> Completion[Any]:
        estimate = estimate_tokens(messages)
        self._limiter.acquire(estimate, self._abort)
        with self._metering(estimate) as record:
            completion: Completion[Any] = self.inner.complete(messages, response_model)
            record(completion.usage)
            return completion

    async def acomplete(self, messages: Sequence[Message], response_model: type[Any]) -> Completion[Any]:
        estimate = estimate_tokens(messages)
        await self._limiter.aacquire(estimate, self._abort)
        with self._metering(estimate) as record:
            completion: Completion[Any] = await self.inner.acomplete(messages, response_model)
            record(completion.usage)
            return completion

    @contextmanager
    def _metering(self, estimate: int) -> Iterator[Callable[[Usage], None]]:
        """Charges one call to the article's meter and settles the token bucket, success or failure."""
        spent = [Usage()]
        try:
            yield lambda usage: spent.__setitem__(0, usage)
        except SummarizeError as exc:
            used = exc.context.get("usage")
            attempts = int(exc.context.get("attempts") or 1)
            spent[0] = used if isinstance(used, Usage) else Usage(attempts=attempts)
            raise
        finally:
            usage = spent[0]
            self._limiter.settle(estimate, usage.prompt_tokens + usage.completion_tokens)
            meter = self._meter.get()
            if meter is not None:
                meter.usage += usage
                meter.calls += 1


def metered(briefer: Briefer, limiter: RateLimiter, abort: threading.Event) -> tuple[Briefer, MeteredBackend]:
    """A shallow copy of ``briefer`` (same prompts and cache) whose backend is metered and rate-limited."""
    backend = MeteredBackend(briefer.backend, limiter, abort)
    return briefer.with_backend(backend), backend
