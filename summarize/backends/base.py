"""The one seam between the pipeline and any language model.

The pipeline never sees a vendor SDK: it hands a backend chat messages and a
pydantic model, and gets back a validated instance plus what it cost. Each
backend owns its own re-asking on validation errors, its transport retries and
its error mapping, and reports an ``identity`` -- everything about it that
changes the output -- so the cache key can include exactly that.

What a caller may plan around is declared, not guessed: ``AsyncBackend`` says a
backend can answer on an event loop, and its registry entry says whether it answers
one call at a time (``registry.is_serial``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypedDict, TypeVar, runtime_checkable

from pydantic import BaseModel

__all__ = ["AsyncBackend", "Backend", "Completion", "Message", "Reask", "Usage"]

T = TypeVar("T", bound=BaseModel)


#: Words the message that asks again after an answer failed validation (given the errors); a
#: backend that re-asks by itself uses it, so re-asks are prompt text like every other prompt.
Reask = Callable[[Sequence[str]], str]


class Message(TypedDict):
    """One chat message, the OpenAI way."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Usage:
    """Tokens spent and model calls made, summed over every attempt (re-asks included)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.attempts + other.attempts,
        )


@dataclass(frozen=True)
class Completion(Generic[T]):
    """A validated answer and what it took to get it."""

    value: T
    usage: Usage


@runtime_checkable
class Backend(Protocol):
    """What the pipeline needs from a model."""

    @property
    def model_id(self) -> str:
        """A readable model name for provenance (``embedded:qwen2.5-coder-1.5b...``, ``gpt-4o``)."""
        ...

    def identity(self) -> Mapping[str, Any]:
        """Everything about this backend that changes its output (never timeouts, retries or keys);
        ``"backend"`` names its kind, the name of its registry entry."""
        ...

    def complete(self, messages: Sequence[Message], response_model: type[T]) -> Completion[T]:
        """Answer ``messages`` with a valid ``response_model`` instance, or raise a ``BackendError``."""
        ...

    def close(self) -> None:
        """Release connections or the loaded model; the backend is not used afterwards."""
        ...


@runtime_checkable
class AsyncBackend(Backend, Protocol):
    """A backend that can also answer on an event loop, so one thread keeps many calls in flight.

    A batch at high concurrency is CPU-bound in the client, and dozens of
    threads each blocking on a socket spend much of that CPU handing the
    interpreter lock to one another; one event loop does not. Coroutines of
    one backend must all run on one event loop at a time; ``aclose`` releases
    what that loop opened.
    """

    async def acomplete(self, messages: Sequence[Message], response_model: type[T]) -> Completion[T]:
        """``complete``, awaited."""
        ...

    async def aclose(self) -> None:
        """Release what ``acomplete`` opened on the running loop; ``complete`` still works afterwards."""
        ...
