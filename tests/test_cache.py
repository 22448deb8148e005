"""The answer cache: JSON only, private, keyed by exactly what changes the output."""

from __future__ import annotations

import pickle
import sqlite3
import stat
from pathlib import Path

import pytest

from summarize.backends import MockBackend
from summarize.backends.base import Message
from summarize.brief.cache import AnswerCache, AnswerKeys, cache_key
from summarize.brief.extraction import IncidentDetail, Survey
from summarize.brief.pipeline import Briefer
from summarize.inputs import article_from_text
from summarize.testing.canned import TEXT, detail, survey


def test_values_are_json_text_and_directory_is_private(tmp_path: Path) -> None:
    with AnswerCache(tmp_path / "answers") as cache:
        cache.set("k", {"value": {"a": 1}, "usage": {}})
        assert cache.get("k") == {"value": {"a": 1}, "usage": {}}
        assert cache.get("missing") is None
        assert cache.stats()["entries"] == 1
    mode = stat.S_IMODE((tmp_path / "answers").stat().st_mode)
    assert mode == 0o700
    rows = sqlite3.connect(tmp_path / "answers" / "cache.db").execute("SELECT value FROM Cache").fetchall()
    assert rows == [('{"value":{"a":1},"usage":{}}',)]


def test_a_planted_pickle_is_never_loaded(tmp_path: Path) -> None:
    with AnswerCache(tmp_path / "answers") as cache:
        cache.set("k", {"v": 1})
    db = sqlite3.connect(tmp_path / "answers" / "cache.db")
    payload = pickle.dumps({"v": 2})
    db.execute("UPDATE Cache SET value = ?, mode = 4 WHERE key = 'k'", (payload,))  # 4 = MODE_PICKLE
    db.commit()
    db.close()
    with AnswerCache(tmp_path / "answers") as cache, pytest.raises(ValueError, match="unpickle"):
        cache.get("k")


def test_non_json_values_are_refused(tmp_path: Path) -> None:
    with AnswerCache(tmp_path / "answers") as cache, pytest.raises(TypeError):
        cache._cache.set("k", object())


def test_key_is_canonical() -> None:
    assert cache_key({"a": 1, "b": [1, 2]}) == cache_key({"b": [1, 2], "a": 1})
    assert cache_key({"a": 1}) != cache_key({"a": 2})


def test_answer_keys_equal_cache_key_of_the_parts() -> None:
    identity = {"backend": "openai", "model": "m", "temperature": 0.0, "base_url": "http://h/v1"}
    keys = AnswerKeys(identity, "v1")
    system: Message = {"role": "system", "content": 'Brief it. "Quotes", \\ and ünïcode \u2014 \n lines'}
    for user in ("Gunmen attacked Gao.", 'He said "go" \u00e9\n\n</article>', ""):
        messages: list[Message] = [system, {"role": "user", "content": user}]
        for model in (Survey, IncidentDetail, Survey):  # the second Survey uses the kept tail
            parts = {
                "backend": identity,
                "messages": messages,
                "schema": model.model_json_schema(),
                "prompt_version": "v1",
            }
            assert keys.key(messages, model) == cache_key(parts)
    assert AnswerKeys(identity, "v2").key([system], Survey) != keys.key([system], Survey)
    assert keys.key([system], Survey) != keys.key([system], IncidentDetail)


def test_clear(tmp_path: Path) -> None:
    with AnswerCache(tmp_path / "answers") as cache:
        cache.set("a", {})
        cache.set("b", {})
        assert cache.clear() == 2
        assert cache.stats()["entries"] == 0


def _keys(briefer: Briefer, cache: AnswerCache) -> set[str]:
    briefer.brief(article_from_text(TEXT))
    return set(cache._cache.iterkeys())


def test_key_changes_with_model_and_prompt_version(tmp_path: Path) -> None:
    answers = (survey(), detail(), detail())
    with AnswerCache(tmp_path / "a") as cache:
        base = _keys(Briefer(MockBackend("m1").enqueue(*answers), cache=cache), cache)
    with AnswerCache(tmp_path / "b") as cache:
        other_model = _keys(Briefer(MockBackend("m2").enqueue(*answers), cache=cache), cache)
    assert len(base) == 3
    assert base.isdisjoint(other_model)
