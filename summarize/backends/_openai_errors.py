"""How the OpenAI backend's failures become the package's ``BackendError`` tree.

Every vendor exception is translated here, by walking instructor's wrapping
(``InstructorRetryException``) down to the real cause, into a ``BackendError``
subclass whose message says what to do next, with keyword context (backend, model,
base URL, status, attempts, what the call cost). The API key never appears in a
message or in the context: it is redacted from whatever the server or the client said.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from json import JSONDecodeError
from typing import Any

import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError

from ..config import Settings
from ..errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    ModelNotFound,
    OutputTruncated,
    RateLimited,
    ValidationFailed,
)
from .base import Usage

__all__ = ["ErrorTranslator"]

_MAX_REPORTED_ERRORS = 5


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it wraps, outermost first (cycles cut)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _validation_errors(exc: BaseException) -> list[str]:
    """Readable lines for the validation errors behind ``exc`` (pydantic's, or a JSON error)."""
    for cause in _causes(exc):
        if isinstance(cause, ValidationError):
            return [
                f"{'.'.join(str(part) for part in err['loc']) or '<root>'}: {err['msg']}"
                for err in cause.errors()[:_MAX_REPORTED_ERRORS]
            ]
        if isinstance(cause, JSONDecodeError):
            return [f"not valid JSON: {cause}"]
    return [str(exc)]


def _server_message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        return str(body["message"])
    return error.response.reason_phrase or ""


@dataclasses.dataclass(frozen=True)
class ErrorTranslator:
    """Translates the failures of calls to one endpoint and model (``model`` "" until it is known)."""

    settings: Settings
    base_url: str
    key: str = dataclasses.field(repr=False)
    model: str = ""

    def context(self, **extra: Any) -> dict[str, Any]:
        """The keyword context every error of this backend carries, plus ``extra``."""
        context: dict[str, Any] = {
            "backend": "openai",
            "model": self.model or None,
            "base_url": self.base_url,
            "status": None,
        }
        context.update(extra)
        return context

    def redact(self, text: str) -> str:
        return text.replace(self.key, "***") if self.key else text

    def translate(
        self, exc: BaseException, usage: Usage, response_model: type[BaseModel] | None
    ) -> BackendError:
        """The ``BackendError`` for ``exc``, with what the failed call cost in ``context["usage"]``."""
        error = self._classify(exc, usage, response_model)
        error.context.setdefault("usage", usage)
        return error

    def _classify(
        self, exc: BaseException, usage: Usage, response_model: type[BaseModel] | None
    ) -> BackendError:
        """The ``BackendError`` for ``exc``, looking through instructor's wrappers for the real cause."""
        for cause in _causes(exc):
            if isinstance(cause, IncompleteOutputException):
                return self._truncated(usage)
            if isinstance(cause, openai.APIError):
                return self._api_error(cause, usage)
        if isinstance(exc, InstructorRetryException):
            return self._validation_failed(exc, usage, response_model)
        message = self.redact(str(exc)) or type(exc).__name__
        return BackendError(
            f"the endpoint at {self.base_url} gave an unusable answer: {message}",
            **self.context(attempts=usage.attempts),
        )

    def _truncated(self, usage: Usage) -> OutputTruncated:
        max_tokens = self.settings.max_tokens
        return OutputTruncated(
            f"the answer from {self.model} was cut off at max_tokens={max_tokens} "
            "(finish_reason 'length'); raise --max-tokens or shorten the article",
            **self.context(max_tokens=max_tokens, attempts=usage.attempts),
        )

    def _validation_failed(
        self, exc: InstructorRetryException, usage: Usage, response_model: type[BaseModel] | None
    ) -> ValidationFailed:
        failed = exc.failed_attempts or []
        errors = _validation_errors(failed[-1].exception if failed else exc)
        schema = response_model.__name__ if response_model is not None else "expected"
        attempts = usage.attempts or exc.n_attempts
        return ValidationFailed(
            f"the answer from {self.model} did not match the {schema} schema after {attempts} "
            f"attempt(s) (--max-retries {self.settings.max_retries}); last errors: {'; '.join(errors)}",
            **self.context(errors=errors, attempts=attempts),
        )

    def _api_error(self, error: openai.APIError, usage: Usage) -> BackendError:
        url, retries = self.base_url, self.settings.http_retries
        if isinstance(error, openai.APITimeoutError):
            return BackendTimeout(
                f"no answer from the endpoint at {url} within {self.settings.timeout:g} s "
                f"(tried {retries + 1} time(s)); raise --timeout or check the server",
                **self.context(timeout=self.settings.timeout, attempts=usage.attempts),
            )
        if isinstance(error, openai.APIConnectionError):
            reason = self.redact(str(error.__cause__ or error))
            return BackendUnavailable(
                f"cannot reach the endpoint at {url} ({reason}); is the server running and --base-url right?",
                **self.context(attempts=usage.attempts),
            )
        if not isinstance(error, openai.APIStatusError):
            return BackendError(
                f"the endpoint at {url} sent a malformed response: {self.redact(str(error))}",
                **self.context(attempts=usage.attempts),
            )
        status = error.status_code
        detail = self.redact(_server_message(error))
        context = self.context(status=status, attempts=usage.attempts, server_message=detail)
        if status in (401, 403):
            problem = "refused the API key" if self.settings.api_key else "requires an API key"
            return AuthenticationFailed(
                f"the endpoint at {url} {problem} (HTTP {status}); set OPENAI_API_KEY or --api-key",
                **context,
            )
        if status == 404:
            return ModelNotFound(
                f"the endpoint at {url} does not serve model {self.model!r} (HTTP 404: {detail}); "
                "check --model and --base-url",
                **context,
            )
        if status == 429:
            return RateLimited(
                f"the endpoint at {url} was still rate-limiting after {retries} retries "
                f"(HTTP 429: {detail}); wait, lower the concurrency or raise --http-retries",
                **context,
            )
        if status >= 500:
            return BackendUnavailable(
                f"the endpoint at {url} kept failing after {retries} retries (HTTP {status}: {detail})",
                **context,
            )
        return BackendError(
            f"the endpoint at {url} rejected the request (HTTP {status}: {detail})", **context
        )
