"""Client-side rate limits (requests and tokens per minute) shared by a batch's workers (threads or tasks).

Why client-side when the server answers 429 anyway: a 429 costs a round trip and
a backoff, and at high concurrency many workers hit it at once and back off in
lock step. A token bucket keeps the batch just under the provider's limit.

Tokens per minute cannot be known before a call, so a call reserves an estimate
(prompt characters / 4, plus a guess at the answer) and ``settle`` charges the
difference once the real usage is known; the bucket may go into debt, which
later calls wait out. The bucket holds at most one second's worth (or one
call's worth, if larger), so a batch starts smoothly instead of in one burst.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ..backends.base import Message

__all__ = ["Aborted", "RateLimiter", "TokenBucket", "estimate_tokens"]

#: Tokens assumed for an answer before it arrives (corrected after the call).
ANSWER_GUESS = 256

# The longest single wait before looking again (and at the abort flag).
_MAX_WAIT_S = 0.5


class Aborted(Exception):
    """Waiting for the bucket was cut short because the batch is being abandoned."""


def estimate_tokens(messages: Sequence[Message]) -> int:
    """A rough count of a call's tokens before it is made: prompt characters / 4 plus an answer guess."""
    return sum(len(m["content"]) for m in messages) // 4 + ANSWER_GUESS


class TokenBucket:
    """``per_minute`` units per minute, refilled continuously, thread-safe."""

    def __init__(self, per_minute: float) -> None:
        if per_minute <= 0:
            raise ValueError("a rate must be positive")
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate)
        self._level = self.capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._level = min(self.capacity, self._level + (now - self._stamp) * self.rate)
        self._stamp = now

    def take(self, amount: float, abort: threading.Event | None = None) -> None:
        """Wait until ``amount`` may be spent (a full bucket for amounts above capacity), then spend it."""
        while (wait := self._try(amount)) > 0:
            if abort is not None:
                if abort.wait(wait):
                    raise Aborted
            else:
                time.sleep(wait)

    async def atake(self, amount: float, abort: threading.Event | None = None) -> None:
        """``take`` on an event loop: waits without blocking the loop's other tasks."""
        while (wait := self._try(amount)) > 0:
            await asyncio.sleep(wait)
            if abort is not None and abort.is_set():
                raise Aborted

    def _try(self, amount: float) -> float:
        """Spend ``amount`` if it may be spent now (0.0 back), else how long to wait before trying again."""
        need = min(amount, self.capacity)
        with self._lock:
            self._refill(time.monotonic())
            if self._level >= need:
                self._level -= amount
                return 0.0
            return min((need - self._level) / self.rate, _MAX_WAIT_S)

    def adjust(self, amount: float) -> None:
        """Charge ``amount`` more (negative: give some back) without waiting."""
        with self._lock:
            self._refill(time.monotonic())
            self._level = min(self.capacity, self._level - amount)


@dataclass
class RateLimiter:
    """Requests-per-minute and tokens-per-minute buckets; either may be absent."""

    requests: TokenBucket | None = None
    tokens: TokenBucket | None = None

    @classmethod
    def per_minute(cls, rpm: float | None, tpm: float | None) -> RateLimiter:
        return cls(TokenBucket(rpm) if rpm else None, TokenBucket(tpm) if tpm else None)

    def acquire(self, estimate: int, abort: threading.Event | None = None) -> None:
        """Wait for one request slot and ``estimate`` tokens."""
        if self.requests is not None:
            self.requests.take(1, abort)
        if self.tokens is not None:
            self.tokens.take(estimate, abort)

    async def aacquire(self, estimate: int, abort: threading.Event | None = None) -> None:
        """``acquire`` on an event loop."""
        if self.requests is not None:
            await self.requests.atake(1, abort)
        if self.tokens is not None:
            await self.tokens.atake(estimate, abort)

    def settle(self, estimate: int, actual: int) -> None:
        """Correct the token bucket once a call's real usage is known."""
        if self.tokens is not None:
            self.tokens.adjust(actual - estimate)
