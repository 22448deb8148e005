"""OpenAIBackend against the fake server: modes, re-asks and their cost, transport retries, error mapping.

Everything goes over real HTTP to 127.0.0.1, so the openai client's own retry
and timeout machinery and instructor's re-ask loop are the ones under test.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import instructor
import openai
import pytest
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel, Field

from summarize.backends import _instructor_prep
from summarize.backends._instructor_prep import prepared
from summarize.backends._openai import DEFAULT_BASE_URL, OpenAIBackend
from summarize.backends.base import AsyncBackend, Backend, Message, Usage
from summarize.config import Settings
from summarize.errors import (
    AuthenticationFailed,
    BackendTimeout,
    BackendUnavailable,
    ConfigError,
    ModelNotFound,
    OutputTruncated,
    RateLimited,
    ValidationFailed,
)
from summarize.testing import Answer, FakeOpenAIServer, Hang, HTTPError, Raw, Truncated, always

MESSAGES: list[Message] = [
    {"role": "system", "content": "Brief the incident."},
    {"role": "user", "content": "Acme Corp disclosed a breach affecting 1200 users."},
]
GOOD = {"victim": "Acme Corp", "records": 1200}
SECRET = "sk-test-secret-key-0123456789"


class Brief(BaseModel):
    victim: str = Field(min_length=1)
    records: int


Make = Callable[..., OpenAIBackend]


@pytest.fixture
def make() -> Iterator[Make]:
    """Build backends for a fake server (fast settings by default) and close them after the test."""
    made: list[OpenAIBackend] = []

    def build(server: FakeOpenAIServer | None = None, **overrides: Any) -> OpenAIBackend:
        values: dict[str, Any] = {"model": "fake-model", "http_retries": 0, "max_retries": 2, "timeout": 5.0}
        if server is not None:
            values["base_url"] = server.base_url
        values.update(overrides)
        backend = OpenAIBackend(Settings(**values))
        made.append(backend)
        return backend

    yield build
    for backend in made:
        backend.close()


@pytest.mark.parametrize("mode", ["tools", "json", "json_schema", "md_json"])
def test_valid_answer_in_each_mode(server: FakeOpenAIServer, mode: str, make: Make) -> None:
    server.enqueue(Answer(GOOD, prompt_tokens=40, completion_tokens=12))
    result = make(server, mode=mode).complete(MESSAGES, Brief)
    assert result.value == Brief(victim="Acme Corp", records=1200)
    assert result.usage == Usage(prompt_tokens=40, completion_tokens=12, attempts=1)
    (request,) = server.requests
    assert request["model"] == "fake-model"
    assert request["temperature"] == 0.0
    assert request["max_tokens"] == 1024
    if mode == "tools":
        assert request["tool_choice"]["function"]["name"] == "Brief"
    elif mode == "json":
        assert request["response_format"] == {"type": "json_object"}
    elif mode == "json_schema":
        assert request["response_format"]["type"] == "json_schema"
    else:
        assert "tools" not in request
        assert "response_format" not in request


class Nested(BaseModel):
    brief: Brief
    tags: list[str] = []


def test_value_is_a_plain_instance_that_pickles(server: FakeOpenAIServer, make: Make) -> None:
    server.enqueue(Answer({"brief": GOOD, "tags": ["ransomware"]}))
    value = make(server).complete(MESSAGES, Nested).value
    assert type(value) is Nested  # not instructor's on-the-fly subclass
    assert value == Nested(brief=Brief(**GOOD), tags=["ransomware"])
    assert pickle.loads(pickle.dumps(value)) == value
    assert "_raw_response" not in value.__dict__


@pytest.mark.parametrize("mode", ["tools", "json"])
def test_invalid_then_valid_is_reasked_and_usage_summed(
    server: FakeOpenAIServer, mode: str, make: Make
) -> None:
    server.enqueue(
        Raw('{"victim": "", "records": "many"}', prompt_tokens=100, completion_tokens=20),
        Answer(GOOD, prompt_tokens=150, completion_tokens=25),
    )
    result = make(server, mode=mode).complete(MESSAGES, Brief)
    assert result.value.victim == "Acme Corp"
    assert result.usage == Usage(prompt_tokens=250, completion_tokens=45, attempts=2)
    first, second = server.requests
    assert len(second["messages"]) > len(first["messages"])
    assert "records" in json.dumps(second["messages"][len(first["messages"]) :])  # the error is fed back


def test_validation_never_succeeding_raises_validation_failed(server: FakeOpenAIServer, make: Make) -> None:
    server.default = always(Raw('{"victim": "Acme"}'))
    with pytest.raises(ValidationFailed) as caught:
        make(server, max_retries=1).complete(MESSAGES, Brief)
    error = caught.value
    assert len(server.requests) == 2
    assert error.context["attempts"] == 2
    assert error.context["usage"] == Usage(prompt_tokens=20, completion_tokens=10, attempts=2)
    assert any("records" in line for line in error.context["errors"])
    assert "Brief" in str(error)
    assert error.context["backend"] == "openai"


def test_truncated_answer_is_not_reasked(server: FakeOpenAIServer, make: Make) -> None:
    server.enqueue(Truncated(GOOD), Answer(GOOD))
    with pytest.raises(OutputTruncated) as caught:
        make(server, max_retries=3).complete(MESSAGES, Brief)
    assert len(server.requests) == 1
    assert "max_tokens=1024" in str(caught.value)
    assert caught.value.context["attempts"] == 1


def test_429_honours_retry_after_then_succeeds(server: FakeOpenAIServer, make: Make) -> None:
    # 1 s is above the client's own first backoff (<= 0.5 s), so the wait proves the header is used.
    server.enqueue(HTTPError(429, "slow down", headers={"Retry-After": "1"}), Answer(GOOD))
    start = time.monotonic()
    result = make(server, http_retries=2).complete(MESSAGES, Brief)
    elapsed = time.monotonic() - start
    assert result.value.records == 1200
    assert len(server.requests) == 2
    assert elapsed >= 0.95  # Retry-After was honoured (no upper bound: CI is noisy)
    assert result.usage.attempts == 1  # transport retries are not model attempts


def test_429_forever_raises_rate_limited(server: FakeOpenAIServer, make: Make) -> None:
    server.default = always(HTTPError(429, "slow down", headers={"retry-after-ms": "50"}))
    with pytest.raises(RateLimited) as caught:
        make(server, http_retries=2).complete(MESSAGES, Brief)
    assert len(server.requests) == 3
    assert caught.value.context["status"] == 429


def test_500_then_success(server: FakeOpenAIServer, make: Make) -> None:
    server.enqueue(HTTPError(500, headers={"retry-after-ms": "50"}), Answer(GOOD))
    result = make(server, http_retries=1).complete(MESSAGES, Brief)
    assert result.value.victim == "Acme Corp"
    assert len(server.requests) == 2


def test_500_forever_raises_backend_unavailable(server: FakeOpenAIServer, make: Make) -> None:
    server.default = always(HTTPError(503, "overloaded", headers={"retry-after-ms": "50"}))
    with pytest.raises(BackendUnavailable) as caught:
        make(server, http_retries=2).complete(MESSAGES, Brief)
    assert len(server.requests) == 3
    assert caught.value.context["status"] == 503
    assert "overloaded" in str(caught.value)


def test_hang_past_the_timeout_raises_backend_timeout(server: FakeOpenAIServer, make: Make) -> None:
    server.default = always(Hang(10, then=Answer(GOOD)))
    start = time.monotonic()
    with pytest.raises(BackendTimeout) as caught:
        make(server, timeout=0.4, http_retries=1).complete(MESSAGES, Brief)
    assert time.monotonic() - start < 4
    assert len(server.requests) == 2
    assert caught.value.context["timeout"] == 0.4


def test_connection_refused_raises_backend_unavailable(make: Make) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = make(base_url=f"http://127.0.0.1:{port}/v1", timeout=2)
    with pytest.raises(BackendUnavailable, match="cannot reach"):
        backend.complete(MESSAGES, Brief)


def test_refused_key_raises_authentication_failed_without_leaking_it(
    caplog: pytest.LogCaptureFixture, make: Make
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeOpenAIServer(api_key="sk-the-right-one") as fake:
        backend = make(fake, api_key=SECRET)
        with pytest.raises(AuthenticationFailed) as caught:
            backend.complete(MESSAGES, Brief)
        assert len(fake.requests) == 1  # 401 is not retried
    error = caught.value
    assert error.context["status"] == 401
    assert "OPENAI_API_KEY" in str(error)
    for text in (str(error), repr(error.context), caplog.text, repr(backend), json.dumps(backend.identity())):
        assert SECRET not in text
    assert "DEBUG" in caplog.text  # the logs were really captured


def test_local_server_needing_a_key_says_so(make: Make) -> None:
    with FakeOpenAIServer(api_key="sk-needed") as fake:
        with pytest.raises(AuthenticationFailed, match="requires an API key"):
            make(fake).complete(MESSAGES, Brief)
        assert fake.api_key is not None


def test_right_key_is_sent(make: Make) -> None:
    with FakeOpenAIServer(api_key=SECRET, default=always(Answer(GOOD))) as fake:
        assert make(fake, api_key=SECRET).complete(MESSAGES, Brief).value.records == 1200


def test_unknown_model_raises_model_not_found(server: FakeOpenAIServer, make: Make) -> None:
    server.default = always(Answer(GOOD))
    with pytest.raises(ModelNotFound) as caught:
        make(server, model="gpt-nope").complete(MESSAGES, Brief)
    assert caught.value.context["status"] == 404
    assert caught.value.context["model"] == "gpt-nope"
    assert "gpt-nope" in str(caught.value)


def test_single_served_model_is_detected(make: Make) -> None:
    with FakeOpenAIServer(models=["qwen-local"], default=always(Answer(GOOD))) as fake:
        backend = make(fake, model=None)
        assert backend.model_id == "qwen-local"
        assert backend.complete(MESSAGES, Brief).value.victim == "Acme Corp"
        assert fake.requests[0]["model"] == "qwen-local"


def test_several_served_models_ask_for_model(make: Make) -> None:
    with FakeOpenAIServer(models=["b-model", "a-model"]) as fake, pytest.raises(ConfigError) as caught:
        make(fake, model=None)
    assert "a-model, b-model" in str(caught.value)
    assert "--model" in str(caught.value)


def test_no_key_and_no_base_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        OpenAIBackend(Settings(model="gpt-4o-mini"))


def test_identity_has_what_changes_output_only(make: Make) -> None:
    backend = make(
        model="gpt-4o-mini", api_key=SECRET, temperature=0.2, max_tokens=500, timeout=9, http_retries=7
    )
    assert backend.identity() == {
        "backend": "openai",
        "base_url": DEFAULT_BASE_URL,
        "model": "gpt-4o-mini",
        "mode": "tools",
        "temperature": 0.2,
        "max_tokens": 500,
    }
    assert backend.model_id == "gpt-4o-mini"
    assert isinstance(backend, Backend)
    assert SECRET not in repr(backend)


def test_identity_normalizes_base_url(server: FakeOpenAIServer, make: Make) -> None:
    a = make(server, base_url=server.base_url + "/")
    b = make(server, base_url=f"http://user:pw@127.0.0.1:{server.port}/v1")
    assert a.identity()["base_url"] == b.identity()["base_url"] == server.base_url


def test_usage_is_counted_per_call_under_concurrency(make: Make) -> None:
    with FakeOpenAIServer(
        latency=0.1, default=always(Answer(GOOD, prompt_tokens=3, completion_tokens=2))
    ) as fake:
        backend = make(fake)
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(lambda _: backend.complete(MESSAGES, Brief), range(32)))
    assert {r.usage for r in results} == {Usage(prompt_tokens=3, completion_tokens=2, attempts=1)}


# -- instructor's per-class preparation, done once per class ----------------------------------------


class Victim(BaseModel):
    """Who was hit."""

    victim: str = Field(min_length=1)


def test_prepared_model_is_built_once_per_class() -> None:
    assert prepared(Brief) is prepared(Brief)
    assert prepared(Victim) is not prepared(Brief)
    assert issubclass(prepared(Brief), Brief) and issubclass(prepared(Victim), Victim)
    assert prepared(Brief).model_json_schema()["properties"] == Brief.model_json_schema()["properties"]


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_request_schema_is_the_one_instructor_sends_for_the_plain_class(
    server: FakeOpenAIServer, mode: str, make: Make
) -> None:
    server.default = always(Answer(GOOD))
    backend = make(server, mode=mode)
    backend.complete(MESSAGES, Brief)
    backend.complete(MESSAGES, Brief)
    modes = {"tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA}
    plain = instructor.from_openai(openai.OpenAI(base_url=server.base_url, api_key="sk-x"), mode=modes[mode])
    plain.chat.completions.create(model="fake-model", response_model=Brief, messages=list(MESSAGES))
    key = "tools" if mode == "tools" else "response_format"
    first, second, reference = (request[key] for request in server.requests)
    assert first == second == reference


def test_a_prepared_model_still_reasks_on_invalid_json_every_time(
    server: FakeOpenAIServer, make: Make
) -> None:
    backend = make(server)
    for _ in range(2):  # the second call uses the prepared class from the first
        server.enqueue(Raw('{"victim": "Acme", "records": '), Answer(GOOD))
        result = backend.complete(MESSAGES, Brief)
        assert type(result.value) is Brief
        assert result.usage.attempts == 2
    server.enqueue(Raw('{"victim": ""}'), Answer({"victim": "Acme Corp"}))
    assert backend.complete(MESSAGES, Victim).value == Victim(victim="Acme Corp")  # its own class's rules
    assert len(server.requests) == 6


def test_prepared_classes_skip_the_async_validator_walk_others_do_not(
    server: FakeOpenAIServer, make: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[Any] = []
    walk = _instructor_prep._walk
    assert walk is not None, "install() no longer finds instructor's reject_async_validators"

    def counting(model: Any) -> None:
        walked.append(model)
        walk(model)

    monkeypatch.setattr(_instructor_prep, "_walk", counting)
    server.default = always(Answer(GOOD))
    backend = make(server)
    backend.complete(MESSAGES, Brief)
    walked.clear()
    backend.complete(MESSAGES, Brief)
    assert prepared(Brief) not in walked and Brief not in walked

    class Checked(BaseModel):
        victim: str

        @async_field_validator("victim")
        async def check(self, value: str) -> str:
            return value

    with pytest.raises(ValueError, match="async validators are not supported"):
        backend.complete(MESSAGES, Checked)  # refused as instructor refuses it, every time
    with pytest.raises(ValueError, match="async validators are not supported"):
        backend.complete(MESSAGES, Checked)


def test_backend_pickles_as_its_settings_and_opens_its_own_client(
    server: FakeOpenAIServer, make: Make
) -> None:
    server.default = always(Answer(GOOD))
    backend = make(server, model=None)  # the served model is detected once, then travels with the copy
    copy = pickle.loads(pickle.dumps(backend))
    try:
        assert copy.identity() == backend.identity() and copy is not backend
        assert copy.complete(MESSAGES, Brief).value.victim == "Acme Corp"
        backend.close()
        assert copy.complete(MESSAGES, Brief).value.records == 1200  # its own connection pool
    finally:
        copy.close()
    assert sum(1 for r in server.requests if r.get("model")) == 2


# -- acomplete: the event-loop path a batch takes -----------------------------------------------------


def _acomplete(backend: OpenAIBackend, model: type[BaseModel] = Brief) -> Any:
    """One ``acomplete`` on a fresh loop, its connection pool closed before the loop ends."""

    async def call() -> Any:
        try:
            return await backend.acomplete(MESSAGES, model)
        finally:
            await backend.aclose()

    return asyncio.run(call())


def test_acomplete_sends_the_same_request_and_returns_a_plain_instance(
    server: FakeOpenAIServer, make: Make
) -> None:
    server.enqueue(Answer(GOOD, prompt_tokens=40, completion_tokens=12), Answer(GOOD))
    backend = make(server)
    result = _acomplete(backend)
    assert type(result.value) is Brief and result.value == Brief(**GOOD)
    assert result.usage == Usage(prompt_tokens=40, completion_tokens=12, attempts=1)
    backend.complete(MESSAGES, Brief)
    on_loop, blocking = server.requests
    assert on_loop == blocking


def test_acomplete_reasks_and_sums_usage(server: FakeOpenAIServer, make: Make) -> None:
    server.enqueue(
        Raw('{"victim": "", "records": "many"}', prompt_tokens=100, completion_tokens=20),
        Answer(GOOD, prompt_tokens=150, completion_tokens=25),
    )
    result = _acomplete(make(server))
    assert result.usage == Usage(prompt_tokens=250, completion_tokens=45, attempts=2)


def test_acomplete_honours_retry_after_then_succeeds(server: FakeOpenAIServer, make: Make) -> None:
    server.enqueue(HTTPError(429, headers={"retry-after": "0.3"}), Answer(GOOD))
    started = time.monotonic()
    assert _acomplete(make(server, http_retries=2)).value == Brief(**GOOD)
    assert time.monotonic() - started >= 0.25
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("replies", "settings", "error"),
    [
        ([HTTPError(429)] * 2, {"http_retries": 1}, RateLimited),
        ([HTTPError(500)] * 2, {"http_retries": 1}, BackendUnavailable),
        ([Truncated(GOOD)], {}, OutputTruncated),
        ([Raw('{"victim": "Acme"}')] * 2, {"max_retries": 1}, ValidationFailed),
        ([Hang(2.0)], {"timeout": 0.3}, BackendTimeout),
    ],
)
def test_acomplete_raises_the_errors_complete_raises(
    server: FakeOpenAIServer, make: Make, replies: list[Any], settings: dict[str, Any], error: type[Exception]
) -> None:
    server.enqueue(*replies)
    with pytest.raises(error) as caught:
        _acomplete(make(server, **settings))
    assert caught.value.context["usage"] is not None


def test_acomplete_on_a_second_loop_opens_a_new_pool(server: FakeOpenAIServer, make: Make) -> None:
    server.default = always(Answer(GOOD))
    backend = make(server)
    assert _acomplete(backend).value == _acomplete(backend).value  # the first loop's pool is gone
    assert isinstance(backend, AsyncBackend)
