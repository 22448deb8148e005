"""A scriptable fake of the OpenAI chat-completions API, served over real HTTP on 127.0.0.1.

Why a real server rather than a mocked SDK: the OpenAI backend's job is mostly
what happens *around* the JSON -- the SDK's retries and ``Retry-After``
handling, timeouts, status-code mapping, instructor's re-asks -- and only a real
socket exercises all of it. The server is stdlib-only, threaded (every request
gets its own thread and no lock is ever held while sleeping), so the same fake
serves unit tests, load tests and fault-matrix benchmarks.

Scripting follows simonw/llm's ``MockModel.enqueue``: queued replies are used
in order by ``POST /v1/chat/completions``; once the queue is empty the
``default`` responder answers (optionally perturbed by seeded ``FaultRates``).
An ``Answer`` is rendered the way the request asks for it: as a tool call when
the request carries ``tools`` (instructor's TOOLS mode), as bare JSON content
for ``response_format`` json_object / json_schema (JSON, JSON_SCHEMA modes) and
as a fenced ```json block otherwise (MD_JSON mode).
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeAlias, cast

JSONObject: TypeAlias = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class _Tokens:
    """Token counts reported in the ``usage`` block of a successful reply."""

    prompt_tokens: int = 10
    completion_tokens: int = 5


@dataclass(frozen=True)
class Answer(_Tokens):
    """A well-formed answer carrying ``data`` as JSON, in whatever form the request's mode expects."""

    data: Mapping[str, Any]


@dataclass(frozen=True)
class Raw(_Tokens):
    """``content`` sent verbatim (as the tool-call arguments when the request has tools)."""

    content: str


@dataclass(frozen=True)
class Truncated(_Tokens):
    """The first ``keep`` fraction of ``data``'s JSON with ``finish_reason="length"``."""

    data: Mapping[str, Any]
    keep: float = 0.5


@dataclass(frozen=True)
class HTTPError:
    """An HTTP error with an OpenAI-style ``{"error": {...}}`` body and optional headers."""

    status: int
    message: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    code: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class Hang:
    """Wait ``seconds`` before answering with ``then`` (or the default responder when ``None``)."""

    seconds: float
    then: Reply | None = None


Reply: TypeAlias = Answer | Raw | Truncated | HTTPError | Hang
Responder: TypeAlias = Callable[[JSONObject], Reply]


def always(reply: Reply) -> Responder:
    """A responder that answers every request with ``reply``."""

    def respond(_request: JSONObject) -> Reply:
        return reply

    return respond


def _no_script(_request: JSONObject) -> Reply:
    # 400 is not retried by the OpenAI client, so a forgotten enqueue fails fast and says why.
    return HTTPError(400, "fake server: no reply queued and no default responder set", code="fake_no_script")


@dataclass(frozen=True)
class FaultRates:
    """Seeded random faults applied to replies from the default responder (never to queued ones).

    One uniform draw per request picks at most one fault; the probabilities must sum to <= 1.
    """

    seed: int = 0
    p429: float = 0.0
    #: ``Retry-After`` seconds sent with injected 429s (``None``: no header)
    retry_after: float | None = None
    p500: float = 0.0
    p_hang: float = 0.0
    hang_seconds: float = 30.0
    p_invalid: float = 0.0
    p_truncated: float = 0.0

    def __post_init__(self) -> None:
        probabilities = (self.p429, self.p500, self.p_hang, self.p_invalid, self.p_truncated)
        if any(p < 0 for p in probabilities) or sum(probabilities) > 1.0 + 1e-9:
            raise ValueError("fault probabilities must be >= 0 and sum to <= 1")

    def pick(self, draw: float, reply: Reply) -> Reply:
        """Replace ``reply`` by the fault that ``draw`` (uniform in [0, 1)) falls on, if any."""
        threshold = 0.0
        for probability, make in (
            (self.p429, self._rate_limited),
            (self.p500, lambda _: HTTPError(500, "fake server: injected server error")),
            (self.p_hang, lambda r: Hang(self.hang_seconds, then=r)),
            (self.p_invalid, lambda _: Raw('["fake-invalid"]')),
            (self.p_truncated, _truncate),
        ):
            threshold += probability
            if draw < threshold:
                return make(reply)
        return reply

    def _rate_limited(self, _reply: Reply) -> Reply:
        headers = {} if self.retry_after is None else {"retry-after": f"{self.retry_after:g}"}
        return HTTPError(429, "fake server: injected rate limit", headers=headers)


def _truncate(reply: Reply) -> Reply:
    data = reply.data if isinstance(reply, Answer) else {"text": "x" * 64}
    return Truncated(data)


_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_error",
    404: "invalid_request_error",
    429: "rate_limit_exceeded",
}


def _error_body(error: HTTPError) -> JSONObject:
    message = error.message or f"fake server: HTTP {error.status}"
    kind = error.type or _ERROR_TYPES.get(error.status, "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": error.code}}


def _tool_name(request: JSONObject) -> str | None:
    """The function a tools-mode request forces (or its first tool), ``None`` without tools."""
    tools = request.get("tools") or []
    if not tools:
        return None
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return str(choice["function"].get("name", ""))
    return str(tools[0].get("function", {}).get("name", ""))


def _wants_bare_json(request: JSONObject) -> bool:
    response_format = request.get("response_format")
    return isinstance(response_format, dict) and response_format.get("type") in ("json_object", "json_schema")


def _message(request: JSONObject, text: str, *, fence: bool) -> JSONObject:
    """An assistant message carrying ``text`` the way ``request`` expects structured output."""
    name = _tool_name(request)
    if name is not None:
        call = {"id": "call_fake", "type": "function", "function": {"name": name, "arguments": text}}
        return {"role": "assistant", "content": None, "tool_calls": [call]}
    if fence and not _wants_bare_json(request):
        text = f"```json\n{text}\n```"
    return {"role": "assistant", "content": text}


def _completion(request: JSONObject, reply: Answer | Raw | Truncated, number: int) -> JSONObject:
    if isinstance(reply, Answer):
        message = _message(request, json.dumps(reply.data), fence=True)
        finish = "tool_calls" if "tool_calls" in message else "stop"
    elif isinstance(reply, Raw):
        message = _message(request, reply.content, fence=False)
        finish = "tool_calls" if "tool_calls" in message else "stop"
    else:
        text = json.dumps(reply.data)
        message = _message(request, text[: max(1, int(len(text) * reply.keep))], fence=False)
        finish = "length"
    return {
        "id": f"chatcmpl-fake-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", ""),
        "system_fingerprint": "fake",
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, fake: FakeOpenAIServer, address: tuple[str, int]) -> None:
        self.fake = fake
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real endpoints, so clients pool connections
    # headers and body go out in two writes; without this Nagle's algorithm holds the second
    # back ~40 ms on a kept-alive connection, which would dominate any throughput benchmark
    disable_nagle_algorithm = True

    @property
    def fake(self) -> FakeOpenAIServer:
        return cast(_Server, self.server).fake

    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, add=True)

    def finish(self) -> None:
        self.fake._track(self.connection, add=False)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # the fake stays quiet
        pass

    def do_GET(self) -> None:
        self._drain()
        path = self.path.split("?", 1)[0].rstrip("/")
        if not self._authorized():
            return
        if path == "/v1/models":
            data = [_model_card(name) for name in self.fake.models]
            self._send(200, {"object": "list", "data": data})
        elif path.startswith("/v1/models/") and path[len("/v1/models/") :] in self.fake.models:
            self._send(200, _model_card(path[len("/v1/models/") :]))
        else:
            self._send_error(HTTPError(404, f"fake server: no route GET {path}", code="unknown_url"))

    def do_POST(self) -> None:
        body = self._drain()
        path = self.path.split("?", 1)[0].rstrip("/")
        if path != "/v1/chat/completions":
            self._send_error(HTTPError(404, f"fake server: no route POST {path}", code="unknown_url"))
            return
        try:
            request = json.loads(body)
        except ValueError:
            self._send_error(HTTPError(400, "fake server: body is not JSON"))
            return
        if not isinstance(request, dict):
            self._send_error(HTTPError(400, "fake server: body is not a JSON object"))
            return
        number = self.fake._record(request)
        self.fake._pause(self.fake.latency)
        if not self._authorized():
            return
        model = request.get("model")
        if model not in self.fake.models:
            self._send_error(
                HTTPError(
                    404,
                    f"The model `{model}` does not exist or you do not have access to it.",
                    code="model_not_found",
                )
            )
            return
        if request.get("stream"):
            self._send_error(HTTPError(400, "fake server: streaming is not supported"))
            return
        self._answer(request, self.fake._next_reply(request), number)

    def _answer(self, request: JSONObject, reply: Reply, number: int) -> None:
        while isinstance(reply, Hang):
            self.fake._pause(reply.seconds)
            reply = reply.then if reply.then is not None else self.fake.default(request)
        if isinstance(reply, HTTPError):
            self._send_error(reply)
        else:
            self._send(200, _completion(request, reply, number))

    def _authorized(self) -> bool:
        key = self.fake.api_key
        given = self.headers.get("Authorization", "")
        if key is None or given == f"Bearer {key}":
            return True
        shown = given.removeprefix("Bearer ")
        masked = f"{shown[:3]}***{shown[-2:]}" if len(shown) > 6 else "***"
        self._send_error(HTTPError(401, f"Incorrect API key provided: {masked}.", code="invalid_api_key"))
        return False

    def _drain(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send_error(self, error: HTTPError) -> None:
        self._send(error.status, _error_body(error), error.headers)

    def _send(self, status: int, payload: JSONObject, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client gave up (timeout) or the server is closing
            self.close_connection = True


def _model_card(name: str) -> JSONObject:
    return {"id": name, "object": "model", "created": 0, "owned_by": "fake"}


class FakeOpenAIServer:
    """An OpenAI-compatible chat endpoint on ``127.0.0.1``, scripted by ``enqueue`` and ``default``.

    ``latency`` delays every chat request; ``api_key`` (when set) makes requests
    without ``Authorization: Bearer <key>`` fail with 401; ``faults`` perturbs
    replies of the default responder. ``keep_requests=False`` forgets request
    bodies once answered (``requests`` stays empty): a load test of thousands of
    requests would otherwise grow the server's heap, and its garbage collector's
    pauses, until they delayed every answer.
    """

    def __init__(
        self,
        models: Sequence[str] = ("fake-model",),
        *,
        latency: float = 0.0,
        api_key: str | None = None,
        default: Responder = _no_script,
        faults: FaultRates | None = None,
        port: int = 0,
        keep_requests: bool = True,
    ) -> None:
        self.models: tuple[str, ...] = tuple(models)
        self.latency = latency
        self.api_key = api_key
        self.default: Responder = default
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._queue: deque[Reply] = deque()
        self._requests: list[JSONObject] = []
        self._keep_requests = keep_requests
        self._received = 0
        self._connections: set[socket.socket] = set()
        self._faults = faults
        self._rng = random.Random(faults.seed if faults else 0)
        self._httpd = _Server(self, ("127.0.0.1", port))
        self._thread = threading.Thread(target=self._serve, name="fake-openai", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI ``base_url`` for clients: ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[JSONObject]:
        """A copy of every chat-completions request body received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def pending(self) -> int:
        """How many queued replies are still unused."""
        with self._lock:
            return len(self._queue)

    @property
    def faults(self) -> FaultRates | None:
        """Random faults applied to default replies; setting it reseeds the generator."""
        return self._faults

    @faults.setter
    def faults(self, faults: FaultRates | None) -> None:
        with self._lock:
            self._faults = faults
            self._rng = random.Random(faults.seed if faults else 0)

    def enqueue(self, *replies: Reply) -> None:
        """Queue replies for the next chat requests, used first-in first-out."""
        with self._lock:
            self._queue.extend(replies)

    def close(self) -> None:
        """Stop serving, wake any hanging handlers and drop open connections."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FakeOpenAIServer(base_url={self.base_url!r}, models={list(self.models)!r})"

    # -- used by the request handler -------------------------------------------------

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.05)  # short poll: close() returns quickly

    def _record(self, request: JSONObject) -> int:
        with self._lock:
            if self._keep_requests:
                self._requests.append(request)
            self._received += 1
            return self._received

    def _next_reply(self, request: JSONObject) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            faults, draw = self._faults, self._rng.random()
        reply = self.default(request)  # outside the lock: responders may be slow
        return faults.pick(draw, reply) if faults else reply

    def _pause(self, seconds: float) -> None:
        """Sleep without holding any lock; ``close()`` cuts it short."""
        if seconds > 0:
            self._closing.wait(seconds)

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)
