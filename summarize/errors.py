"""Every failure the library raises, under one base class.

The library never prints or exits: it raises one of these with keyword context,
and only the CLI turns them into a message and an exit code. Catch
``SummarizeError`` to handle them all.

    SummarizeError
    ├── ConfigError            bad or missing settings (no API key, unknown mode, ...)
    ├── InputError             an article that cannot be briefed (missing, empty, binary, ...)
    ├── ModelUnavailable       the embedded model or its runtime is not installed / not valid
    └── BackendError           the model endpoint failed; carries the backend and model
        ├── AuthenticationFailed   401/403: the key was refused
        ├── ModelNotFound          404: the endpoint does not serve that model
        ├── RateLimited            429 still returned after all retries
        ├── BackendTimeout         no answer within the timeout, after all retries
        ├── BackendUnavailable     connection refused, 5xx after all retries
        ├── OutputTruncated        the answer hit max_tokens (finish_reason "length")
        └── ValidationFailed       the answer never matched the schema within max_retries
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationFailed",
    "BackendError",
    "BackendTimeout",
    "BackendUnavailable",
    "ConfigError",
    "InputError",
    "ModelNotFound",
    "ModelUnavailable",
    "OutputTruncated",
    "RateLimited",
    "SummarizeError",
    "ValidationFailed",
]


class SummarizeError(Exception):
    """Base of every error the library raises.

    ``context`` holds the keyword arguments given at raise time (file paths,
    model names, status codes, ...) so callers can report or log them.
    """

    exit_code = 1

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return self.message


class ConfigError(SummarizeError):
    """Settings are missing or inconsistent."""

    exit_code = 2


class InputError(SummarizeError):
    """The article cannot be read or briefed as given."""

    exit_code = 3


class ModelUnavailable(SummarizeError):
    """The embedded model, its weights or its runtime are missing or invalid."""

    exit_code = 4


class BackendError(SummarizeError):
    """The model endpoint did not produce a usable answer."""

    exit_code = 5


class AuthenticationFailed(BackendError):
    """The endpoint refused the credentials (HTTP 401/403)."""


class ModelNotFound(BackendError):
    """The endpoint does not know the requested model (HTTP 404)."""


class RateLimited(BackendError):
    """The endpoint kept answering HTTP 429 after every retry."""


class BackendTimeout(BackendError):
    """No answer arrived within the timeout, after every retry."""


class BackendUnavailable(BackendError):
    """The endpoint could not be reached or kept failing (5xx)."""


class OutputTruncated(BackendError):
    """The answer was cut off by the token limit (finish_reason ``length``)."""


class ValidationFailed(BackendError):
    """The answer did not match the schema within the allowed re-asks."""
