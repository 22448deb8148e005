"""The same command against llama.cpp's OpenAI-compatible server on 127.0.0.1 (slow).

``python -m llama_cpp.server`` serves the embedded model's GGUF; ``summarize brief
--base-url`` must produce a valid, grounded brief through it with the default
instructor mode (tools), unchanged.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarize.schema import Brief

from .conftest import SEED

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SEED.is_file(), reason="../shared/seeds is not beside the repository"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _model_path() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "summarize", "model", "path"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                _model_path(),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "8192",
                "--verbose",
                "False",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=5) as response:
                    json.load(response)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"llama_cpp.server did not start:\n{log.read_text()[-2000:]}")
                time.sleep(1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_brief_through_llama_cpp_server(server_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "SUMMARIZE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "summarize",
            "brief",
            str(SEED),
            "--base-url",
            server_url,
            "--published",
            "2023-12-11",
            "--timeout",
            "600",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    brief = Brief.model_validate_json(done.stdout)
    assert brief.provenance.backend == "openai"
    assert brief.is_incident_report
    assert brief.incidents
    assert {inc.location.country_code for inc in brief.incidents} & {"IRQ", "SYR"}
    assert all(inc.evidence for inc in brief.incidents)
    assert brief.grounding.verified >= len(brief.incidents)
