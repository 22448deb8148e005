"""The fake OpenAI server speaks the wire format the SDK expects, scripts replies, and scales.

These tests talk to it over plain ``urllib`` so a bug in the fake cannot hide
behind the SDK it is meant to exercise.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from summarize.testing import (
    Answer,
    FakeOpenAIServer,
    FaultRates,
    Hang,
    HTTPError,
    Raw,
    Truncated,
    always,
)

CHAT = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}]}
TOOLS = {
    **CHAT,
    "tools": [{"type": "function", "function": {"name": "Brief", "parameters": {}}}],
    "tool_choice": {"type": "function", "function": {"name": "Brief"}},
}


def call(
    server: FakeOpenAIServer,
    path: str,
    body: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """(status, headers, JSON body) of one request; errors are returned, not raised."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.base_url + path, data=data, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def message(payload: Mapping[str, Any]) -> dict[str, Any]:
    return dict(payload["choices"][0]["message"])


def test_lists_models_in_openai_format() -> None:
    with FakeOpenAIServer(models=["a", "b"]) as fake:
        status, _, payload = call(fake, "/models")
        assert status == 200
        assert payload["object"] == "list"
        assert [m["id"] for m in payload["data"]] == ["a", "b"]
        assert call(fake, "/models/b")[0] == 200
        assert call(fake, "/models/c")[0] == 404


def test_base_url_is_local_v1(server: FakeOpenAIServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"


def test_answer_is_a_tool_call_named_as_requested(server: FakeOpenAIServer) -> None:
    server.enqueue(Answer({"x": 1}, prompt_tokens=3, completion_tokens=4))
    status, _, payload = call(server, "/chat/completions", TOOLS)
    assert status == 200
    call_ = message(payload)["tool_calls"][0]["function"]
    assert call_["name"] == "Brief"
    assert json.loads(call_["arguments"]) == {"x": 1}
    assert payload["usage"] == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}


@pytest.mark.parametrize("kind", ["json_object", "json_schema"])
def test_answer_is_bare_json_for_response_format(server: FakeOpenAIServer, kind: str) -> None:
    server.enqueue(Answer({"x": 1}))
    _, _, payload = call(server, "/chat/completions", {**CHAT, "response_format": {"type": kind}})
    assert json.loads(message(payload)["content"]) == {"x": 1}
    assert payload["choices"][0]["finish_reason"] == "stop"


def test_answer_is_fenced_json_without_format(server: FakeOpenAIServer) -> None:
    server.enqueue(Answer({"x": 1}))
    _, _, payload = call(server, "/chat/completions", CHAT)
    content = message(payload)["content"]
    assert content.startswith("```json\n")
    assert json.loads(content.removeprefix("```json\n").removesuffix("\n```")) == {"x": 1}


def test_raw_goes_verbatim_into_content_or_tool_arguments(server: FakeOpenAIServer) -> None:
    server.enqueue(Raw("not json"), Raw("{broken"))
    assert message(call(server, "/chat/completions", CHAT)[2])["content"] == "not json"
    tool = message(call(server, "/chat/completions", TOOLS)[2])["tool_calls"][0]
    assert tool["function"]["arguments"] == "{broken"


def test_truncated_is_cut_json_with_length(server: FakeOpenAIServer) -> None:
    server.enqueue(Truncated({"text": "y" * 100}))
    _, _, payload = call(server, "/chat/completions", {**CHAT, "response_format": {"type": "json_object"}})
    assert payload["choices"][0]["finish_reason"] == "length"
    content = message(payload)["content"]
    assert json.dumps({"text": "y" * 100}).startswith(content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)


def test_replies_are_used_in_order_then_default(server: FakeOpenAIServer) -> None:
    server.enqueue(Answer({"n": 1}), Answer({"n": 2}))
    server.default = always(Answer({"n": 0}))
    got = [
        json.loads(
            message(
                call(server, "/chat/completions", {**CHAT, "response_format": {"type": "json_object"}})[2]
            )["content"]
        )["n"]
        for _ in range(4)
    ]
    assert got == [1, 2, 0, 0]
    assert server.pending == 0
    assert len(server.requests) == 4
    assert server.requests[0]["messages"] == CHAT["messages"]


def test_nothing_queued_fails_fast_with_a_clear_error(server: FakeOpenAIServer) -> None:
    status, _, payload = call(server, "/chat/completions", CHAT)
    assert status == 400
    assert "no reply queued" in payload["error"]["message"]


def test_http_error_has_openai_body_and_headers(server: FakeOpenAIServer) -> None:
    server.enqueue(HTTPError(429, "slow down", headers={"Retry-After": "1"}))
    status, headers, payload = call(server, "/chat/completions", CHAT)
    assert status == 429
    assert headers["Retry-After"] == "1"
    assert payload["error"]["message"] == "slow down"
    assert set(payload["error"]) == {"message", "type", "param", "code"}


def test_unknown_model_is_404_model_not_found(server: FakeOpenAIServer) -> None:
    server.enqueue(Answer({}))
    status, _, payload = call(server, "/chat/completions", {**CHAT, "model": "gpt-nope"})
    assert status == 404
    assert payload["error"]["code"] == "model_not_found"
    assert server.pending == 1  # the scripted reply is kept for the next valid request


def test_api_key_is_enforced_and_never_echoed() -> None:
    with FakeOpenAIServer(api_key="sk-right-key", default=always(Answer({}))) as fake:
        assert call(fake, "/models")[0] == 401
        status, _, payload = call(
            fake, "/chat/completions", CHAT, headers={"Authorization": "Bearer sk-wrong-key-123"}
        )
        assert status == 401
        assert payload["error"]["code"] == "invalid_api_key"
        assert "sk-wrong-key-123" not in json.dumps(payload)
        ok = call(fake, "/chat/completions", CHAT, headers={"Authorization": "Bearer sk-right-key"})
        assert ok[0] == 200


def test_hang_delays_the_answer(server: FakeOpenAIServer) -> None:
    server.enqueue(Hang(0.3, then=Answer({"late": True})))
    start = time.monotonic()
    status, _, _ = call(server, "/chat/completions", CHAT)
    assert status == 200
    assert time.monotonic() - start >= 0.28


def test_close_cuts_a_hang_short() -> None:
    fake = FakeOpenAIServer(default=always(Hang(30)))
    errors: list[Exception] = []

    def hang() -> None:
        try:
            call(fake, "/chat/completions", CHAT, timeout=10)
        except OSError as error:  # the server drops the connection on close
            errors.append(error)

    thread = threading.Thread(target=hang, daemon=True)
    thread.start()
    while not fake.requests:
        time.sleep(0.01)
    start = time.monotonic()
    fake.close()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert time.monotonic() - start < 3


def test_serves_concurrent_requests_in_parallel() -> None:
    with FakeOpenAIServer(latency=0.3, default=always(Answer({"ok": True}))) as fake:
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=32) as pool:
            statuses = list(pool.map(lambda _: call(fake, "/chat/completions", CHAT)[0], range(64)))
        elapsed = time.monotonic() - start
        assert statuses == [200] * 64
        assert len(fake.requests) == 64
        assert elapsed < 3.0  # 64 x 0.3 s = 19 s if requests were served one at a time


def outcomes(fake: FakeOpenAIServer, n: int) -> list[str]:
    result = []
    for _ in range(n):
        status, _, payload = call(fake, "/chat/completions", CHAT)
        if status != 200:
            result.append(str(status))
        else:
            result.append(payload["choices"][0]["finish_reason"] + ":" + message(payload)["content"][:12])
    return result


def test_fault_rates_are_seeded_and_roughly_right() -> None:
    faults = FaultRates(p429=0.2, p500=0.2, p_invalid=0.2, p_truncated=0.2, seed=7, retry_after=0.5)
    with FakeOpenAIServer(default=always(Answer({"a": "b" * 20})), faults=faults) as first:
        one = outcomes(first, 100)
    with FakeOpenAIServer(default=always(Answer({"a": "b" * 20})), faults=faults) as second:
        two = outcomes(second, 100)
    assert one == two
    for fault in ("429", "500"):
        assert 8 <= one.count(fault) <= 35
    assert 8 <= sum(o.startswith("length:") for o in one) <= 35
    assert 8 <= sum(o.startswith('stop:["fake') for o in one) <= 35
    assert 8 <= sum(o.startswith("stop:```json") for o in one) <= 35


def test_faults_never_touch_queued_replies() -> None:
    with FakeOpenAIServer(faults=FaultRates(p500=1.0)) as fake:
        fake.enqueue(Answer({"x": 1}))
        assert call(fake, "/chat/completions", CHAT)[0] == 200
        assert call(fake, "/chat/completions", CHAT)[0] == 500


def test_fault_probabilities_are_validated() -> None:
    with pytest.raises(ValueError, match="sum"):
        FaultRates(p429=0.6, p500=0.6)


def test_a_load_test_server_forgets_request_bodies() -> None:
    with FakeOpenAIServer(default=always(Answer({"n": 0})), keep_requests=False) as server:
        ids = [call(server, "/chat/completions", TOOLS)[2]["id"] for _ in range(3)]
        assert server.requests == []
    assert ids == ["chatcmpl-fake-1", "chatcmpl-fake-2", "chatcmpl-fake-3"]  # still counted
