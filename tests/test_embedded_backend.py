"""The embedded backend's answer handling, with llama.cpp replaced by a scripted stand-in."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from summarize.backends._embedded import EmbeddedBackend
from summarize.config import Settings
from summarize.errors import ValidationFailed


class Quote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quote: str


class ScriptedLlama:
    """Answers each chat completion with the next scripted content."""

    def __init__(self, *contents: str) -> None:
        self.contents = list(contents)
        self.calls = 0

    def reset(self) -> None:
        pass

    def create_chat_completion(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        content = self.contents.pop(0)
        return {
            "choices": [{"message": {"content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5},
        }


def backend_answering(*contents: str) -> tuple[EmbeddedBackend, ScriptedLlama]:
    backend = EmbeddedBackend(Settings(reuse_prefix=False, max_retries=1), reask=lambda errors: "again")
    llm = ScriptedLlama(*contents)
    backend._llm = llm  # the stand-in for a loaded model
    return backend, llm


def test_a_raw_newline_copied_into_a_string_is_accepted_as_the_line_break_it_is() -> None:
    # llama.cpp's schema grammar lets a string hold one; strict JSON refuses it
    backend, llm = backend_answering('{"quote": "THE ATTACK LEFT 9 PEOPLE\nDEAD"}')
    answer = backend.complete([{"role": "user", "content": "?"}], Quote)
    assert answer.value.quote == "THE ATTACK LEFT 9 PEOPLE\nDEAD" and llm.calls == 1


def test_an_answer_that_is_not_json_is_still_re_asked_then_refused() -> None:
    backend, llm = backend_answering("not json", '{"quote": 3}')
    with pytest.raises(ValidationFailed):
        backend.complete([{"role": "user", "content": "?"}], Quote)
    assert llm.calls == 2
