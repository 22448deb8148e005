"""The system prompt, evaluated once per machine instead of once per process.

Every call starts with the same system message (about 1,300 tokens), and on two
cores evaluating it takes about 15 s, which a new process (``summarize brief``, each
batch worker) used to pay before its first answer. The first process to need it
evaluates the message alone and saves llama.cpp's state (the KV cache of exactly
those tokens) next to the model; later processes load it in well under a second,
and llama-cpp-python's prefix matching then evaluates only what follows.

A state file is named by everything that makes it valid: the model's digest, the
context size, the llama-cpp-python version and the prefix tokens themselves. A
file that is unreadable or for other tokens is ignored and rewritten; the saved
state only saves time, it never changes an answer.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import llama_cpp
import numpy as np
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from ..files import atomic_write_bytes
from .base import Message

__all__ = ["prime_prefix", "system_prefix_tokens"]

log = logging.getLogger("summarize.backends.embedded")

_MAGIC = b"summarize-llama-prefix/1\n"


def system_prefix_tokens(llm: Any, system: Message) -> list[int]:
    """The tokens the chat template gives the system message, as they begin every prompt."""
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return []
    eos, bos = llm.token_eos(), llm.token_bos()
    formatter = Jinja2ChatFormatter(
        template=template,
        eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
        bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
        add_generation_prompt=False,
    )
    rendered = formatter(messages=[cast(Any, dict(system))])
    tokens: list[int] = llm.tokenize(
        rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
    )
    return tokens


def _state_path(directory: Path, model_digest: str, n_ctx: int, tokens: Sequence[int]) -> Path:
    key = hashlib.sha256(
        json.dumps([model_digest, n_ctx, llama_cpp.__version__, list(tokens)]).encode()
    ).hexdigest()[:24]
    return directory / f"prefix-{key}.state"


def _load(llm: Any, path: Path, tokens: Sequence[int]) -> bool:
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    head, _, rest = raw.partition(b"\n\n")
    try:
        meta = json.loads(head[len(_MAGIC) :]) if head.startswith(_MAGIC) else None
    except ValueError:
        meta = None
    if not meta or meta.get("tokens") != list(tokens) or meta.get("bytes") != len(rest):
        return False
    buffer = (ctypes.c_uint8 * len(rest)).from_buffer_copy(rest)
    if llama_cpp.llama_state_set_data(llm._ctx.ctx, buffer, len(rest)) != len(rest):
        llm.reset()
        return False
    llm.input_ids[: len(tokens)] = np.asarray(tokens, dtype=np.intc)
    llm.n_tokens = len(tokens)
    llm._requires_eval = True  # no logits were restored: the next call evaluates at least one token
    return True


def _save(llm: Any, path: Path, tokens: Sequence[int]) -> None:
    size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
    buffer = (ctypes.c_uint8 * size)()
    written = llama_cpp.llama_state_get_data(llm._ctx.ctx, buffer, size)
    meta = json.dumps({"tokens": list(tokens), "bytes": int(written)}).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, _MAGIC + meta + b"\n\n", memoryview(buffer)[:written])


def prime_prefix(llm: Any, system: Message, *, directory: Path, model_digest: str, n_ctx: int) -> None:
    """Leave ``llm`` holding the evaluated system message: kept, loaded from disk, or evaluated and saved."""
    tokens = system_prefix_tokens(llm, system)
    if not tokens or list(llm.input_ids[: len(tokens)]) == tokens:
        return  # nothing to prime, or this process already holds it
    path = _state_path(directory, model_digest, n_ctx, tokens)
    llm.reset()
    if _load(llm, path, tokens):
        log.debug("system prompt state loaded from %s (%d tokens)", path, len(tokens))
        return
    llm.eval(tokens)
    try:
        _save(llm, path, tokens)
        log.debug("system prompt state saved to %s (%d tokens)", path, len(tokens))
    except OSError as exc:  # a read-only models folder costs time, not the answer
        log.debug("could not save the system prompt state to %s: %s", path, exc)
