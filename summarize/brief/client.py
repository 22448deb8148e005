"""The model behind the answer cache: one question in, one validated answer out, cached or not.

Every task that asks the model something -- the brief's survey and details, the daily
summary, the eval judge -- asks through a ``ModelClient``, so each gets the same cache key
(``cache.AnswerKeys``: backend identity, rendered messages, response schema, prompt version)
and the same accounting of what it cost. A cached answer that no longer validates against
its response model is ignored and asked again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ValidationError

from ..backends.base import AsyncBackend, Backend, Completion, Message, Usage
from .cache import AnswerCache, AnswerKeys

__all__ = ["Answer", "ModelClient"]

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A validated answer, what it cost (summed over re-asks), and whether it came from the cache."""

    value: T
    usage: Usage
    cached: bool


class ModelClient:
    """Asks one backend, through one answer cache (or none), with one prompt version in the key."""

    def __init__(self, backend: Backend, cache: AnswerCache | None, prompt_version: str) -> None:
        self.backend = backend
        self.cache = cache
        self.prompt_version = prompt_version

    def __getstate__(self) -> dict[str, Any]:
        """Pickles without what it derived from its backend: a worker process asks its own."""
        return {name: value for name, value in vars(self).items() if name not in ("identity", "_keys")}

    @cached_property
    def identity(self) -> dict[str, Any]:
        """The backend's identity: everything about it that changes an answer."""
        return dict(self.backend.identity())

    @cached_property
    def _keys(self) -> AnswerKeys:
        return AnswerKeys(self.identity, self.prompt_version)

    @property
    def is_async(self) -> bool:
        """Whether ``aask`` can be used: the backend answers on an event loop (``AsyncBackend``)."""
        return isinstance(self.backend, AsyncBackend)

    def ask(self, messages: Sequence[Message], model: type[T]) -> Answer[T]:
        """The answer to ``messages`` as a ``model``: from the cache, else from the backend (then cached)."""
        key = self._keys.key(messages, model)
        return self._cached(key, model) or self._store(key, self.backend.complete(messages, model))

    async def aask(self, messages: Sequence[Message], model: type[T]) -> Answer[T]:
        """``ask`` on an event loop (needs ``is_async``)."""
        key = self._keys.key(messages, model)
        if (hit := self._cached(key, model)) is not None:
            return hit
        backend = cast(AsyncBackend, self.backend)
        return self._store(key, await backend.acomplete(messages, model))

    def _cached(self, key: str, model: type[T]) -> Answer[T] | None:
        if self.cache is None or (hit := self.cache.get(key)) is None:
            return None
        try:
            value = model.model_validate(hit["value"])
            usage = Usage(**hit["usage"])
        except (KeyError, TypeError, ValidationError):
            log.debug("ignoring stale cache entry %s", key[:12])
            return None
        log.debug("cache hit %s for %s", key[:12], model.__name__)
        return Answer(value, usage, cached=True)

    def _store(self, key: str, completion: Completion[T]) -> Answer[T]:
        if self.cache is not None:
            self.cache.set(
                key, {"value": completion.value.model_dump(mode="json"), "usage": asdict(completion.usage)}
            )
        return Answer(completion.value, completion.usage, cached=False)
