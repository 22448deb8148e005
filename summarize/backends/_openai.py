"""The backend for any OpenAI-compatible endpoint: OpenAI itself, vLLM, llama.cpp server, Ollama.

Why it looks the way it does:

* Two retry loops, each owning one kind of failure. The ``openai`` client
  retries the *transport* (429 honouring ``Retry-After``, 5xx, timeouts,
  refused connections) with its own backoff, ``settings.http_retries`` times;
  ``instructor`` re-asks the *model* when its answer fails validation,
  ``settings.max_retries`` times. A truncated answer (``finish_reason
  "length"``) is neither: asking again with the same ``max_tokens`` would be
  cut off again, so instructor raises it straight through and so do we.
* Cost is counted per call through instructor's per-call hooks: every
  completion received (``completion:response``) adds its tokens and one
  attempt, re-asks included, whether the call ends in success or failure.
  Per-call hooks keep the accounting right when one backend serves many
  threads.
* instructor gets each response class already prepared (``_instructor_prep``):
  what instructor would redo on every call from the class alone (wrapping it,
  its JSON Schema, the async-validator walk) is done once per class. That was
  most of the client's CPU per call, and a concurrent batch is CPU-bound.
* Two ways to call, one request: ``complete`` blocks (one brief, evals, the
  daily brief), ``acomplete`` awaits on the caller's event loop, which is how
  a batch keeps dozens of calls in flight in one thread. Both build the same
  request (``_request``) and translate errors the same way.
* Every vendor exception is translated into the package's ``BackendError`` tree
  (``_openai_errors``). The API key never appears in messages, context, logs,
  ``identity()`` or ``repr``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import openai
from instructor import Mode
from instructor.core import (
    Hooks,
    InstructorError,
    from_openai,
)
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel

from ..config import Settings
from ..errors import (
    ConfigError,
)
from ._instructor_prep import install, prepared
from ._openai_errors import ErrorTranslator
from .base import Completion, Message, Reask, Usage
from .registry import EMBEDDED

__all__ = ["DEFAULT_BASE_URL", "OpenAIBackend", "create", "warm"]

T = TypeVar("T", bound=BaseModel)

log = logging.getLogger("summarize.backends.openai")

#: Where requests go when no ``base_url`` is configured.
DEFAULT_BASE_URL = "https://api.openai.com/v1"

# Local servers (vLLM, llama.cpp, Ollama) ignore the key, but the client insists on one.
_PLACEHOLDER_KEY = "sk-no-key-required"

_MODES: Mapping[str, Mode] = {
    "tools": Mode.TOOLS,
    "json": Mode.JSON,
    "json_schema": Mode.JSON_SCHEMA,
    "md_json": Mode.MD_JSON,
}

install()

_MAX_LISTED_MODELS = 20


def _display_url(url: str) -> str:
    """``url`` without a trailing slash and without any ``user:password@`` part."""
    parts = urlsplit(url.strip().rstrip("/"))
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def _plain(value: BaseModel, response_model: type[T]) -> T:
    """``value`` as a true ``response_model`` instance.

    instructor returns an instance of a subclass it builds on the fly (same name,
    plus its schema mixin) and hangs the raw completion on it. Left as is, the
    value would not compare equal to a ``response_model`` instance, would drag
    the completion along, and could not be pickled (so not cached). Its fields
    are already validated, so they are copied over without validating again.
    """
    fields = {name: getattr(value, name) for name in response_model.model_fields}
    plain = response_model.model_construct(
        _fields_set=set(value.model_fields_set), **fields, **(value.model_extra or {})
    )
    if value.__pydantic_private__:
        object.__setattr__(plain, "__pydantic_private__", dict(value.__pydantic_private__))
    return plain


class _Tally:
    """Tokens and completions of one ``complete`` call, fed by instructor's hooks."""

    def __init__(self) -> None:
        self.usage = Usage()

    def on_response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        self.usage += Usage(
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            attempts=1,
        )

    def hooks(self) -> Hooks:
        hooks = Hooks()
        hooks.on("completion:response", self.on_response)
        hooks.on("parse:error", _log_parse_error)
        return hooks


def _log_parse_error(error: Exception, **meta: Any) -> None:
    log.debug(
        "answer failed validation on attempt %s of %s; re-asking unless it was the last: %s",
        meta.get("attempt_number", "?"),
        meta.get("max_attempts", "?"),
        error,
    )


class OpenAIBackend:
    """Structured answers from an OpenAI-compatible chat-completions endpoint."""

    def __init__(self, settings: Settings) -> None:
        if settings.model == EMBEDDED:
            raise ConfigError("the OpenAI backend cannot serve the embedded model", model=settings.model)
        if settings.api_key is None and settings.base_url is None:
            raise ConfigError(
                "no API key for the OpenAI API: set OPENAI_API_KEY (or pass --api-key), "
                "point --base-url at a local OpenAI-compatible server, or use the embedded model",
                backend="openai",
            )
        self._settings = settings
        self._closed = threading.Event()
        self._model: str = settings.model or ""
        self._base_url = _display_url(settings.base_url or DEFAULT_BASE_URL)
        self._key = settings.api_key or _PLACEHOLDER_KEY
        self._errors = ErrorTranslator(settings, self._base_url, self._key, self._model)
        self._client = openai.OpenAI(
            api_key=self._key,
            base_url=settings.base_url.strip() if settings.base_url else DEFAULT_BASE_URL,
            max_retries=settings.http_retries,
            timeout=settings.timeout,
            http_client=openai.DefaultHttpxClient(event_hooks={"response": [self._log_http_error]}),
        )
        self._instructor = from_openai(self._client, mode=_MODES[settings.mode])
        # ``acomplete``'s client, opened on first use by the loop it runs on (see ``_async_client``)
        self._async: tuple[asyncio.AbstractEventLoop, openai.AsyncOpenAI, Any] | None = None
        if not self._model:
            try:
                self._model = self._served_model()
            except BaseException:
                self._client.close()
                raise
            self._errors = dataclasses.replace(self._errors, model=self._model)

    # -- Backend protocol --------------------------------------------------------------

    @property
    def model_id(self) -> str:
        """The model name sent to the endpoint."""
        return self._model

    def identity(self) -> Mapping[str, Any]:
        """What changes the answer: endpoint, model, mode and sampling (never key, timeout, retries)."""
        return {
            "backend": "openai",
            "base_url": self._base_url,
            "model": self._model,
            "mode": self._settings.mode,
            "temperature": self._settings.temperature,
            "max_tokens": self._settings.max_tokens,
        }

    def complete(self, messages: Sequence[Message], response_model: type[T]) -> Completion[T]:
        """Ask for a ``response_model`` instance, re-asking on validation errors; raise ``BackendError``."""
        tally = _Tally()
        try:
            value = self._instructor.chat.completions.create(**self._request(messages, response_model, tally))
        except (openai.OpenAIError, InstructorError) as exc:
            raise self._errors.translate(exc, tally.usage, response_model) from exc
        return Completion(value=_plain(value, response_model), usage=tally.usage)

    async def acomplete(self, messages: Sequence[Message], response_model: type[T]) -> Completion[T]:
        """``complete`` on the running event loop (same request, retries, re-asks and errors)."""
        tally = _Tally()
        client = self._async_client()
        try:
            value = await client.chat.completions.create(**self._request(messages, response_model, tally))
        except (openai.OpenAIError, InstructorError) as exc:
            raise self._errors.translate(exc, tally.usage, response_model) from exc
        return Completion(value=_plain(value, response_model), usage=tally.usage)

    async def aclose(self) -> None:
        """Close ``acomplete``'s connection pool (a later ``acomplete`` opens a new one)."""
        opened, self._async = self._async, None
        if opened is not None:
            await opened[1].close()

    def _request(self, messages: Sequence[Message], response_model: type[T], tally: _Tally) -> dict[str, Any]:
        return {
            "response_model": prepared(response_model),
            "messages": cast(list[ChatCompletionMessageParam], [dict(m) for m in messages]),
            "max_retries": self._settings.max_retries,
            "hooks": tally.hooks(),
            "model": self._model,
            "temperature": self._settings.temperature,
            "max_tokens": self._settings.max_tokens,
        }

    # -- housekeeping ------------------------------------------------------------------

    def close(self) -> None:
        """Release the HTTP connection pool."""
        if not self._closed.is_set():
            self._closed.set()
            self._client.close()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as its settings (the served model resolved): a copy opens its own connections."""
        return (type(self), (dataclasses.replace(self._settings, model=self._model),))

    def __repr__(self) -> str:
        return (
            f"OpenAIBackend(model={self._model!r}, base_url={self._base_url!r}, mode={self._settings.mode!r})"
        )

    # -- internals ---------------------------------------------------------------------

    def _async_client(self) -> Any:
        """The async instructor client of the running loop, opened on its first call there.

        Its transport is ``aiohttp`` (openai's ``DefaultAioHttpClient``: same
        TLS settings, limits and timeouts as the blocking client, less CPU per
        request than httpx's own async transport). A connection pool belongs to
        the loop that opened it, so a call on another loop gets a new client;
        ``aclose`` closes the current one.
        """
        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            client = openai.AsyncOpenAI(
                api_key=self._key,
                base_url=self._client.base_url,
                max_retries=self._settings.http_retries,
                timeout=self._settings.timeout,
                http_client=openai.DefaultAioHttpClient(event_hooks={"response": [self._alog_http_error]}),
            )
            self._async = (loop, client, from_openai(client, mode=_MODES[self._settings.mode]))
        return self._async[2]

    async def _alog_http_error(self, response: Any) -> None:
        self._log_http_error(response)

    def _log_http_error(self, response: Any) -> None:
        if response.status_code >= 400:
            log.debug(
                "HTTP %s from %s %s (the client retries 408/409/429/5xx up to %d times)",
                response.status_code,
                response.request.method,
                _display_url(str(response.request.url)),
                self._settings.http_retries,
            )

    def _served_model(self) -> str:
        """The one model the endpoint serves, for a user who gave only ``--base-url``."""
        try:
            served = sorted(model.id for model in self._client.models.list())
        except openai.NotFoundError as exc:
            raise ConfigError(
                f"the endpoint at {self._base_url} does not list its models (GET /models: HTTP 404); "
                "pass --model",
                **self._errors.context(status=404),
            ) from exc
        except openai.OpenAIError as exc:
            raise self._errors.translate(exc, Usage(), None) from exc
        if len(served) == 1:
            log.debug("using the only model served at %s: %s", self._base_url, served[0])
            return served[0]
        if not served:
            raise ConfigError(
                f"the endpoint at {self._base_url} lists no models; pass --model", **self._errors.context()
            )
        shown = ", ".join(served[:_MAX_LISTED_MODELS]) + (", ..." if len(served) > _MAX_LISTED_MODELS else "")
        raise ConfigError(
            f"the endpoint at {self._base_url} serves {len(served)} models ({shown}); "
            "choose one with --model",
            **self._errors.context(served=served),
        )


def create(settings: Settings, reask: Reask) -> OpenAIBackend:
    """The registry's constructor (``registry.BACKENDS``); instructor words its own re-asks."""
    return OpenAIBackend(settings)


def warm(response_models: Sequence[type[BaseModel]]) -> None:
    """What a worker process would otherwise do on its first call: build (and close) a client, so
    openai's lazily imported HTTP stack is loaded, and prepare each response model for instructor.
    Nothing is sent: the address is never connected to."""
    OpenAIBackend(Settings(model="warm-up", base_url="http://127.0.0.1:9/v1")).close()
    for model in response_models:
        prepared(model)
