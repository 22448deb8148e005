"""Test isolation: a private cache dir and a clean environment for every test.

No test may reach the network: real HTTP goes only to servers the tests start on
127.0.0.1 (see ``summarize.testing``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarize.testing import FakeOpenAIServer

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_3dd804058064a703.txt"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(var, raising=False)
    for var in list(os.environ):
        if var.startswith("SUMMARIZE_") and var != "SUMMARIZE_MODEL_PATH":
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    """The fake OpenAI-compatible server on 127.0.0.1, empty, closed after the test."""
    with FakeOpenAIServer() as fake:
        yield fake
