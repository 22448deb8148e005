"""The embedded default model: llama.cpp in-process, no key, no network.

This module and ``_llama_greedy`` are the only ones that import ``llama_cpp``.
Decoding is constrained to the response model's JSON Schema (llama.cpp compiles it
to a grammar; ``_llama_greedy`` checks it at the cost of one token a step), so the
answer always parses; pydantic then validates it, and a failed validation is re-asked
with the errors, up to ``max_retries`` times.

llama.cpp keeps the tokens it evaluated last and reuses the longest common
prefix on the next call. The prompts put the static system message first and
the article next, so the passes over one article, and the system message across
articles, are evaluated once per process; the system message's evaluated state is
also saved to disk once per machine (``_llama_prefix``), so a new process skips it.
The model is loaded lazily: a run whose answers all come from the cache never loads it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..config import Settings
from ..errors import InputError, ModelUnavailable, OutputTruncated, ValidationFailed
from .base import Completion, Message, Reask, Usage
from .weights import DEFAULT_MODEL, ensure_default_model, file_digest

__all__ = ["EmbeddedBackend", "create"]

log = logging.getLogger("summarize.backends.embedded")

T = TypeVar("T", bound=BaseModel)

_SEED = 0


def _validation_messages(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in err['loc']) or 'root'}: {err['msg']}" for err in exc.errors()]


def _escaped(content: str) -> str:
    """The answer with raw control characters in its strings escaped. llama.cpp's schema grammar
    lets a string hold a raw newline (its ``char`` rule is ``[^"\\\\]``), and a small model copies one
    from a hard-wrapped article; strict JSON refuses it, and re-asking gets the same answer."""
    try:
        return json.dumps(json.loads(content, strict=False), ensure_ascii=False)
    except ValueError:
        return content  # not JSON at all: validation reports it


class EmbeddedBackend:
    """A GGUF model run in this process by llama-cpp-python; ``reask`` words the re-asks.

    One llama.cpp context: calls wait for one another (its registry entry is ``serial``).
    """

    def __init__(self, settings: Settings, reask: Reask) -> None:
        self._settings = settings
        self._reask = reask
        self._lock = threading.Lock()  # llama.cpp contexts are not thread-safe
        self._llm: Any = None

    @cached_property
    def _custom_path(self) -> Path | None:
        path = self._settings.model_path
        if path is None:
            return None
        if not path.is_file():
            raise ModelUnavailable(f"model file not found: {path}", path=str(path))
        return path

    @property
    def model_id(self) -> str:
        path = self._custom_path
        return f"embedded:{path.stem if path else DEFAULT_MODEL.name}"

    def identity(self) -> Mapping[str, Any]:
        path = self._custom_path
        return {
            "backend": "embedded",
            "model_sha256": file_digest(path) if path else DEFAULT_MODEL.sha256,
            "temperature": self._settings.temperature,
            "max_tokens": self._settings.max_tokens,
            "seed": _SEED,
        }

    def _load(self) -> Any:
        if self._llm is not None:
            return self._llm
        try:
            from ._llama_greedy import FastGrammarLlama
        except ImportError as exc:
            raise ModelUnavailable(
                "the embedded model needs llama-cpp-python; install it with: pip install 'summarize[local]'"
            ) from exc
        path = self._custom_path or ensure_default_model(self._settings.models_dir)
        log.debug("loading %s", path)
        try:
            self._llm = FastGrammarLlama(
                model_path=str(path),
                n_ctx=self._settings.n_ctx,
                n_threads=self._settings.n_threads or os.cpu_count() or 1,
                seed=_SEED,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelUnavailable(f"llama.cpp could not load {path}: {exc}", path=str(path)) from exc
        return self._llm

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None

    def complete(self, messages: Sequence[Message], response_model: type[T]) -> Completion[T]:
        with self._lock:
            return self._complete(list(messages), response_model)

    def _complete(self, conversation: list[Message], response_model: type[T]) -> Completion[T]:
        llm = self._load()
        if self._settings.reuse_prefix and conversation and conversation[0]["role"] == "system":
            from ._llama_prefix import prime_prefix

            prime_prefix(
                llm,
                conversation[0],
                directory=self._settings.models_dir / "states",
                model_digest=str(self.identity()["model_sha256"]),
                n_ctx=self._settings.n_ctx,
            )
        schema = response_model.model_json_schema()
        usage = Usage()
        errors: list[str] = []
        for attempt in range(1, self._settings.max_retries + 2):
            choice, call = self._generate(
                llm, conversation, schema, f"{response_model.__name__} attempt {attempt}"
            )
            usage += call
            content = choice["message"].get("content") or ""
            if choice.get("finish_reason") == "length":
                raise OutputTruncated(
                    f"the model's answer was cut off at max_tokens={self._settings.max_tokens}",
                    backend="embedded",
                    model=self.model_id,
                    usage=usage,
                )
            try:
                return Completion(response_model.model_validate_json(_escaped(content)), usage)
            except ValidationError as exc:
                errors = _validation_messages(exc)
                log.debug("attempt %d failed validation: %s", attempt, "; ".join(errors))
                conversation = [
                    *conversation,
                    {"role": "assistant", "content": content},
                    {"role": "user", "content": self._reask(errors)},
                ]
        raise ValidationFailed(
            f"the model's answer did not match {response_model.__name__} after "
            f"{self._settings.max_retries + 1} attempts: {'; '.join(errors[:3])}",
            backend="embedded",
            model=self.model_id,
            errors=errors,
            usage=usage,
        )

    def _generate(
        self, llm: Any, conversation: list[Message], schema: dict[str, Any], label: str
    ) -> tuple[dict[str, Any], Usage]:
        """One constrained completion: the first choice, and the tokens it took."""
        started = time.monotonic()
        if not self._settings.reuse_prefix:
            llm.reset()  # forget the evaluated tokens: the whole prompt is evaluated again
        try:
            response = llm.create_chat_completion(
                messages=conversation,
                response_format={"type": "json_object", "schema": schema},
                temperature=self._settings.temperature,
                max_tokens=self._settings.max_tokens,
                seed=_SEED,
            )
        except ValueError as exc:  # llama-cpp-python: "Requested tokens exceed context window"
            raise InputError(
                f"the prompt does not fit the model's context of {self._settings.n_ctx} tokens: {exc}; "
                "shorten the article (--max-chars) or raise --n-ctx",
                n_ctx=self._settings.n_ctx,
            ) from exc
        counted = response.get("usage") or {}
        call = Usage(counted.get("prompt_tokens", 0), counted.get("completion_tokens", 0), 1)
        log.debug(
            "%s: %d prompt + %d completion tokens in %.1fs",
            label,
            call.prompt_tokens,
            call.completion_tokens,
            time.monotonic() - started,
        )
        return response["choices"][0], call


def create(settings: Settings, reask: Reask) -> EmbeddedBackend:
    """The registry's constructor (``registry.BACKENDS``)."""
    return EmbeddedBackend(settings, reask)
