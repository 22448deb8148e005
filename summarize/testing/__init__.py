"""Test doubles shipped with the package, so tests and benchmarks share one fake endpoint.

The fake OpenAI server is a real HTTP server on 127.0.0.1: the backend under
test goes through its real HTTP client, retries, timeouts and error mapping,
which a mocked SDK call would skip.
"""

from __future__ import annotations

from .fake_openai import (
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

__all__ = [
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
]
