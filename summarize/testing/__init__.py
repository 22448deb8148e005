"""Test doubles shipped with the package, so tests and benchmarks share one fake endpoint.

The fake OpenAI server (``FakeOpenAIServer``) is a real HTTP server on 127.0.0.1: the
backend under test goes through its real HTTP client, retries, timeouts and error
mapping, which a mocked SDK call would skip. ``canned`` holds a short article and the
answers a good model gives about it. (``backends.MockBackend`` is the in-process double.)
"""

from __future__ import annotations

from ._fake_openai import (
    Answer,
    FakeOpenAIServer,
    FaultRates,
    Hang,
    HTTPError,
    Raw,
    Reply,
    Responder,
    Truncated,
    always,
)
from .canned import TEXT, detail, survey

__all__ = [
    "TEXT",
    "Answer",
    "FakeOpenAIServer",
    "FaultRates",
    "HTTPError",
    "Hang",
    "Raw",
    "Reply",
    "Responder",
    "Truncated",
    "always",
    "detail",
    "survey",
]
