"""Which backend serves which settings: one entry per backend, tried in order.

A backend is a module with a ``create(settings, reask)`` function that returns an object
speaking the ``base.Backend`` protocol (whose ``identity()["backend"]`` is the entry's
name), and, optionally, a ``warm(response_models)`` function that a batch's fork server
calls once so worker processes start with the module's lazy imports done. The entry
also says what callers plan around: ``serial``, a backend that answers one call at a
time (an in-process model), so a batch runs one article at a time. Modules are imported
only when their backend is created, so the vendor SDKs load only for the backend in
use. A new backend is one module and one line in ``BACKENDS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from pydantic import BaseModel

from ..config import Settings
from .base import Backend, Reask

__all__ = [
    "BACKENDS",
    "EMBEDDED",
    "BackendSpec",
    "backend_for",
    "create_backend",
    "is_serial",
    "warm_backends",
]

#: The model name that selects the embedded llama.cpp backend.
EMBEDDED = "embedded"


def _wants_embedded(settings: Settings) -> bool:
    """``--model embedded``, or no model and no endpoint at all."""
    if settings.model is None:
        return settings.base_url is None
    return settings.model == EMBEDDED


@dataclass(frozen=True)
class BackendSpec:
    """A backend: its name, the module that builds it, the settings it serves, what it can do."""

    name: str
    module: str
    serves: Callable[[Settings], bool]
    #: answers one call at a time: more at once gains nothing
    serial: bool = False

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


BACKENDS: tuple[BackendSpec, ...] = (
    BackendSpec("embedded", "summarize.backends._embedded", _wants_embedded, serial=True),
    BackendSpec("openai", "summarize.backends._openai", lambda _settings: True),  # any other model
)


def backend_for(settings: Settings) -> BackendSpec:
    """The first backend that serves ``settings``."""
    return next(spec for spec in BACKENDS if spec.serves(settings))


def create_backend(settings: Settings, *, reask: Reask) -> Backend:
    """The backend the settings ask for; ``reask`` words a re-ask for backends that re-ask themselves."""
    backend: Backend = backend_for(settings).load().create(settings, reask)
    return backend


def is_serial(backend: Backend) -> bool:
    """Whether ``backend``'s registry entry (named in its identity) says it answers one call at a time."""
    name = backend.identity().get("backend")
    return any(spec.serial for spec in BACKENDS if spec.name == name)


def warm_backends(response_models: Sequence[type[BaseModel]]) -> None:
    """Do each backend's one-off start-up work (lazy imports, per-class preparation) now."""
    for spec in BACKENDS:
        warm = getattr(spec.load(), "warm", None)
        if warm is not None:
            warm(response_models)
