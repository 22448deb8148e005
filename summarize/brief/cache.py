"""A disk cache of model answers, keyed by exactly what changes them.

Caching sits at the model call: the key is the sha256 of the canonical JSON of
the backend's identity (backend, model or GGUF digest, sampling parameters), the
rendered messages, the response schema and the prompt version -- and nothing else,
so a different timeout, retry count or API key still hits, while any change to a
prompt, a schema or the model misses. Post-processing (grounding, dates) always
re-runs, so fixing it never needs a cold cache.

Values are JSON text. diskcache unpickles some stored rows by default, and a
pickle read from a writable directory is code execution (CVE-2025-69872); the
``_JSONOnlyDisk`` below refuses to write or read anything but strings, and the
directory is created private (0700).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import diskcache
from diskcache.core import MODE_PICKLE
from pydantic import BaseModel

from ..errors import ConfigError

__all__ = ["AnswerCache", "AnswerKeys", "cache_key"]

log = logging.getLogger(__name__)


class _JSONOnlyDisk(diskcache.Disk):  # type: ignore[misc]  # diskcache ships no type hints
    """A diskcache ``Disk`` that stores and loads text only: never a pickle."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) is not str:
            raise TypeError("cache keys must be str")
        return cast(tuple[Any, bool], super().put(key))

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise ValueError("refusing to unpickle a cache key")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.UNKNOWN) -> Any:
        if type(value) is not str:
            raise TypeError("cache values must be JSON text")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode == MODE_PICKLE:
            raise ValueError("refusing to unpickle a cache value")
        return super().fetch(mode, filename, value, read)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def cache_key(parts: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of ``parts`` (sorted keys, no whitespace)."""
    return hashlib.sha256(_canonical(parts).encode("utf-8")).hexdigest()


class AnswerKeys:
    """The cache key of a model answer, byte for byte ``cache_key`` of its parts, made faster.

    The parts are the backend identity, the rendered messages, the response
    model's JSON Schema and the prompt version. All but the user message are
    the same on every call, and serialising the schema (~5 kB) and the system
    prompt (~5 kB) each time was a fifth of a cache hit's cost. Their canonical
    JSON is made once here and only the rest per call; the pieces join to the
    very text ``cache_key`` hashes (its keys sort as backend, messages,
    prompt_version, schema), so keys, and the answers already cached, are
    unchanged.
    """

    _STATIC_ROLES = frozenset({"system"})
    _MAX_STATIC = 8

    def __init__(self, backend: Mapping[str, Any], prompt_version: str) -> None:
        self._head = f'{{"backend":{_canonical(backend)},"messages":['.encode()
        self._version = f'],"prompt_version":{_canonical(prompt_version)},"schema":'
        self._tails: dict[type[BaseModel], bytes] = {}
        self._static: dict[str, bytes] = {}

    def key(self, messages: Sequence[Mapping[str, Any]], model: type[BaseModel]) -> str:
        """``cache_key`` of backend, ``messages``, ``model``'s schema and prompt version."""
        digest = hashlib.sha256(self._head)
        for number, message in enumerate(messages):
            digest.update(b"," if number else b"")
            digest.update(self._message(message))
        tail = self._tails.get(model)
        if tail is None:
            tail = self._tails[model] = f"{self._version}{_canonical(model.model_json_schema())}}}".encode()
        digest.update(tail)
        return digest.hexdigest()

    def _message(self, message: Mapping[str, Any]) -> bytes:
        if message.get("role") not in self._STATIC_ROLES:
            return _canonical(dict(message)).encode()
        content = message.get("content")
        if not isinstance(content, str) or len(message) != 2:
            return _canonical(dict(message)).encode()
        found = self._static.get(content)
        if found is None:
            if len(self._static) >= self._MAX_STATIC:
                self._static.clear()
            found = self._static[content] = _canonical(dict(message)).encode()
        return found


class AnswerCache:
    """Model answers on disk, as JSON objects."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(directory, 0o700)
            self._cache = diskcache.Cache(str(directory), disk=_JSONOnlyDisk)
        except OSError as exc:
            raise ConfigError(
                f"cannot use cache directory {directory}: {exc.strerror or exc}", path=str(directory)
            ) from exc

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as its directory: a copy opens its own connection to the same cache."""
        return (type(self), (self.directory,))

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._cache.get(key)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except (TypeError, ValueError):
            log.warning("ignoring unreadable cache entry %s", key[:12])
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: Mapping[str, Any]) -> None:
        self._cache.set(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def stats(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "entries": len(self._cache),
            "size_bytes": int(self._cache.volume()),
        }

    def clear(self) -> int:
        """Remove every entry; returns how many there were."""
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> AnswerCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
