"""instructor's per-class preparation of a response model, done once per class instead of per call.

Why this exists: handed a plain pydantic class, instructor 1.17 does, on
*every* ``create`` call, work that depends only on the class -- about 3-5 ms of
CPU per call, which made a concurrent batch CPU-bound long before the endpoint
was busy:

* it wraps the class in its ``ResponseSchema`` mixin with ``create_model``
  (twice per call), and because that class is new each time, the
  ``lru_cache`` of its tool schema misses and pydantic regenerates the whole
  JSON Schema;
* it walks the class graph for instructor's async-validator markers, which its
  runtime refuses, seven times per call.

``prepared`` does the first with instructor's own public ``response_schema``,
once per class; instructor uses an already wrapped class as it is, so its tool
schema cache then hits. For the second, the walk's answer for a class cannot
change after the class is built, so a prepared class is walked once (with
instructor's own function, which raises as instructor would) and then marked
checked. ``install`` wraps instructor's ``reject_async_validators`` where the
v2 runtime looks it up (its defining module, read by every function-local
import, and ``instructor.v2.core.patch``, which imports the name) so a marked
class skips the walk; every other argument still gets instructor's walk. If a
later instructor moves that function, ``install`` leaves things as they are:
slower, never different. Validation, re-asks, hooks and the request itself
stay instructor's.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from instructor import response_schema
from pydantic import BaseModel

__all__ = ["install", "prepared"]

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

# Where instructor's v2 runtime looks up ``reject_async_validators``.
_VALIDATOR_MODULES = ("instructor.v2.validation.async_validators", "instructor.v2.core.patch")
_NAME = "reject_async_validators"

_lock = threading.Lock()
_prepared: dict[type[BaseModel], type[BaseModel]] = {}
_checked: set[type[BaseModel]] = set()
_walk: Callable[[Any], None] | None = None


def prepared(response_model: type[T]) -> type[T]:
    """``response_model`` wrapped as instructor wraps it, built and checked once per class.

    The wrapped class subclasses ``response_model`` and instructor's
    ``ResponseSchema`` (same name, fields, validators and docstring, so the
    same tool schema). Keyed on the class itself: two response models never
    share a prepared class.
    """
    found = _prepared.get(response_model)
    if found is None:
        with _lock:
            found = _prepared.get(response_model)
            if found is None:
                found = response_schema(response_model)
                if _walk is not None:
                    _walk(found)  # refuses async validators exactly as each call would
                    _checked.add(found)
                _prepared[response_model] = found
    return found  # type: ignore[return-value]


def _reject_unless_checked(response_model: Any) -> None:
    if isinstance(response_model, type) and response_model in _checked:
        return
    assert _walk is not None
    _walk(response_model)


def install() -> bool:
    """Let instructor skip the async-validator walk for prepared classes; True when in place."""
    global _walk
    with _lock:
        if _walk is not None:
            return True
        try:
            modules = [importlib.import_module(name) for name in _VALIDATOR_MODULES]
            original = getattr(modules[0], _NAME)
        except (ImportError, AttributeError) as exc:
            log.debug("instructor's layout changed (%s); response models are walked on every call", exc)
            return False
        if not all(getattr(module, _NAME, None) is original for module in modules):
            log.debug("instructor's %s is already wrapped; leaving it alone", _NAME)
            return False
        _walk = original
        for module in modules:
            setattr(module, _NAME, _reject_unless_checked)
        return True
