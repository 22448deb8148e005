"""Greedy decoding under a JSON grammar at the speed of plain greedy decoding.

llama-cpp-python puts the grammar in its sampler chain, so every generated token
checks all ~150,000 vocabulary entries of the model against the grammar. With
Qwen's vocabulary that check costs more than the forward pass: measured on the
seed's survey (2 cores), 300 constrained tokens took 23.3 s against 12.6 s
unconstrained. Greedy decoding only needs to know whether the single most likely
token is allowed, and it almost always is (2 of 300 steps were not), so this
sampler checks that one token first and falls back to the full check only when it
is rejected, the order llama.cpp's own ``common_sampler`` uses. The tokens it picks
are the ones the chain would pick (the most likely allowed token), so answers and
cache keys do not change; the same 300 tokens took 13.9 s.

This module and ``_embedded`` are the only ones that import ``llama_cpp``; both are
imported only when the embedded model is loaded.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import Llama

__all__ = ["FastGrammarLlama", "GreedyGrammarSampler"]


class GreedyGrammarSampler:
    """Stands in for ``llama_cpp._internals.LlamaSampler`` (``sample``, ``close``) for greedy decoding."""

    def __init__(self, vocab: Any, grammar: Any, n_vocab: int) -> None:
        self._sampler = llama_cpp.llama_sampler_init_grammar(
            vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not self._sampler:
            raise ValueError("llama.cpp could not compile the response grammar")
        self._n_vocab = n_vocab
        self._one = (llama_cpp.llama_token_data * 1)()
        self._all = (llama_cpp.llama_token_data * n_vocab)()
        self._all_view = np.ctypeslib.as_array(self._all)
        self._ids = np.arange(n_vocab, dtype=np.int32)
        self.full_checks = 0  # steps whose best token the grammar rejected

    def _constrain(self, data: Any, size: int) -> None:
        candidates = llama_cpp.llama_token_data_array(data=data, size=size, selected=-1, sorted=False)
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(candidates))

    def sample(self, ctx: Any, idx: int) -> int:
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx.ctx, idx), shape=(self._n_vocab,))
        token = int(np.argmax(logits))
        self._one[0] = llama_cpp.llama_token_data(token, float(logits[token]), 0.0)
        self._constrain(self._one, 1)
        if math.isinf(self._one[0].logit):  # rejected: mask the whole vocabulary and take the best left
            self.full_checks += 1
            self._all_view["id"] = self._ids
            self._all_view["logit"] = logits
            self._all_view["p"] = 0.0
            self._constrain(self._all, self._n_vocab)
            token = int(np.argmax(self._all_view["logit"]))
        llama_cpp.llama_sampler_accept(self._sampler, token)
        return token

    def close(self) -> None:
        if self._sampler:
            llama_cpp.llama_sampler_free(self._sampler)
            self._sampler = None

    def __del__(self) -> None:
        self.close()


class FastGrammarLlama(Llama):
    """``Llama`` whose greedy, unpenalised, grammar-constrained generations use ``GreedyGrammarSampler``.

    Anything else (sampling at a temperature, penalties, logits processors) keeps
    llama-cpp-python's own sampler chain.
    """

    def _init_sampler(self, **kwargs: Any) -> Any:  # type: ignore[override]  # same keywords, passed on
        plain_greedy = (
            kwargs.get("grammar") is not None
            and kwargs.get("temp") == 0.0
            and kwargs.get("logits_processor") is None
            and kwargs.get("repeat_penalty", 1.0) == 1.0
            and not kwargs.get("frequency_penalty")
            and not kwargs.get("presence_penalty")
        )
        if plain_greedy:
            return GreedyGrammarSampler(self._model.vocab, kwargs["grammar"], self._n_vocab)
        return super()._init_sampler(**kwargs)
