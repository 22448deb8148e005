"""The embedded model's two speed-ups change no answer: the greedy grammar sampler, the saved prefix.

Both run the real model (seconds each, on a short prompt), so they are ``slow``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from summarize.brief.extraction import Survey
from summarize.config import Settings

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp")

MESSAGES = [
    {"role": "system", "content": "You turn news into JSON records of security incidents. " * 8},
    {
        "role": "user",
        "content": "List the incidents: A car bomb killed 3 people in Kabul on Monday. "
        "Rockets hit Erbil airport on Friday; nobody was hurt.",
    },
]


@pytest.fixture(scope="module")
def model_path() -> Path:
    from summarize.backends.weights import ensure_default_model

    return ensure_default_model(Settings().models_dir)


def _answer(llm: Any, messages: list[dict[str, str]] = MESSAGES) -> str:
    response = llm.create_chat_completion(
        messages=messages,
        response_format={"type": "json_object", "schema": Survey.model_json_schema()},
        temperature=0.0,
        max_tokens=160,
        seed=0,
    )
    return str(response["choices"][0]["message"]["content"])


def _llama(cls: Any, path: Path) -> Any:
    return cls(model_path=str(path), n_ctx=2048, n_threads=None, seed=0, verbose=False)


def test_the_greedy_grammar_sampler_picks_what_the_sampler_chain_picks(model_path: Path) -> None:
    from llama_cpp import Llama

    from summarize.backends._llama_greedy import FastGrammarLlama

    answers = []
    for cls in (FastGrammarLlama, Llama):
        llm = _llama(cls, model_path)
        answers.append(_answer(llm))
        llm.close()
    fast, chain = answers
    assert fast == chain
    assert Survey.model_validate_json(fast).events  # a real answer, not two empty ones


def test_a_saved_system_prompt_state_is_loaded_by_the_next_process_and_answers_the_same(
    model_path: Path, tmp_path: Path
) -> None:
    from summarize.backends._llama_greedy import FastGrammarLlama
    from summarize.backends._llama_prefix import prime_prefix, system_prefix_tokens

    def primed() -> Any:
        llm = _llama(FastGrammarLlama, model_path)
        prime_prefix(llm, MESSAGES[0], directory=tmp_path, model_digest="test", n_ctx=2048)  # type: ignore[arg-type]
        return llm

    first = primed()
    (saved,) = tmp_path.glob("prefix-*.state")
    tokens = system_prefix_tokens(first, MESSAGES[0])  # type: ignore[arg-type]
    assert first.n_tokens == len(tokens) > 50
    answer = _answer(first)
    first.close()

    second = primed()  # a new context: loads the state instead of evaluating the message
    assert second.n_tokens == len(tokens)
    assert list(second.input_ids[: len(tokens)]) == tokens
    assert (
        saved.stat().st_mtime_ns == next(tmp_path.glob("prefix-*.state")).stat().st_mtime_ns
    )  # loaded, not rewritten
    assert _answer(second) == answer
    second.close()

    saved.write_bytes(b"not a state")  # a broken file costs time, never the answer
    third = primed()
    assert _answer(third) == answer
    third.close()
