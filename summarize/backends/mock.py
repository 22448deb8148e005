"""A scripted backend for tests of code built on the library (like simonw/llm's ``MockModel``).

Queue answers with ``enqueue``; each ``complete`` call pops the next one (a pydantic
instance, a dict validated against the requested model, or an exception to raise)
and records the messages it was given.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from .base import Completion, Message, Usage

__all__ = ["MockBackend"]

T = TypeVar("T", bound=BaseModel)


class MockBackend:
    """Answers from a queue; ``calls`` holds every (messages, response_model) it was asked."""

    def __init__(self, model: str = "mock", usage: Usage | None = None) -> None:
        self._model = model
        self._usage = usage or Usage(prompt_tokens=10, completion_tokens=5, attempts=1)
        self._queue: deque[BaseModel | Mapping[str, Any] | Exception] = deque()
        self.calls: list[tuple[list[Message], type[BaseModel]]] = []

    @property
    def model_id(self) -> str:
        return self._model

    def identity(self) -> Mapping[str, Any]:
        return {"backend": "mock", "model": self._model}

    def close(self) -> None:
        """Nothing to release."""

    def enqueue(self, *answers: BaseModel | Mapping[str, Any] | Exception) -> MockBackend:
        self._queue.extend(answers)
        return self

    def complete(self, messages: Sequence[Message], response_model: type[T]) -> Completion[T]:
        self.calls.append((list(messages), response_model))
        if not self._queue:
            raise AssertionError(f"MockBackend has no answer queued for {response_model.__name__}")
        answer = self._queue.popleft()
        if isinstance(answer, Exception):
            raise answer
        data = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
        return Completion(response_model.model_validate(data), self._usage)
