"""The executive summary: written by the model through the cache, checked, or written without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.backends import MockBackend
from summarize.brief.cache import AnswerCache
from summarize.brief.pipeline import Briefer
from summarize.daily import DailyBrief, DailyOptions, daily_from_briefs
from summarize.daily.summary import SummaryDraft, SummaryWriter
from summarize.errors import BackendUnavailable
from tests.test_daily_linking import DAY, brief, incident

BRIEFS = [
    brief("a", incident("a", place="Kabul", killed=8, injured=25), title="Agency A"),
    brief("b", incident("b", place="Kabul", killed=8, injured=34), title="Agency B"),
    brief("c", incident("c", place="Herat", killed=2, targets=(("a mosque", "religious"),))),
]


def day_with(writer: SummaryWriter | None) -> DailyBrief:
    def make(_notes: list[str]) -> SummaryWriter:
        assert writer is not None
        return writer

    return daily_from_briefs(BRIEFS, DailyOptions(day=DAY), summary_writer=make if writer else None)


def test_model_sentences_are_kept_only_with_existing_ids_and_supported_numbers(tmp_path: Path) -> None:
    backend = MockBackend().enqueue(
        {
            "sentences": [
                {
                    "text": "A suicide bombing in Kabul killed 8 people and injured 25 to 34 [I1].",
                    "incident_ids": ["I1"],
                },
                {"text": "A bombing in Herat killed 2 people at a mosque.", "incident_ids": ["I2"]},
                {"text": "An attack in Kandahar killed 40 people.", "incident_ids": ["I9"]},
                {"text": "The Herat attack killed 12 worshippers.", "incident_ids": ["I2"]},
                {"text": "Kabul was hit. The blast, a suicide attack on the minis", "incident_ids": ["I1"]},
                {
                    "text": "The Herat attack, a bombing of a mosque in the west of the",
                    "incident_ids": ["I2"],
                },
            ]
        }
    )
    with AnswerCache(tmp_path / "answers") as cache:
        day = day_with(SummaryWriter(Briefer(backend, cache=cache)))
    summary = day.summary
    assert summary.written_by == "model"
    assert [(s.text, s.incident_ids) for s in summary.sentences] == [
        ("A suicide bombing in Kabul killed 8 people and injured 25 to 34.", ["I1"]),
        ("A bombing in Herat killed 2 people at a mosque.", ["I2"]),
        ("Kabul was hit.", ["I1"]),  # cut off by the length limit: its unfinished tail is dropped
    ]
    assert len(summary.dropped) == 3
    assert "I9" in summary.dropped[0] and "12" in summary.dropped[1]
    assert "not a complete sentence" in summary.dropped[2]
    assert any("dropped" in note for note in day.notes)
    messages, response_model = backend.calls[0]
    assert response_model is SummaryDraft
    assert "[I1]" in messages[1]["content"] and "Agency A says 25; Agency B says 34" in messages[1]["content"]


def test_the_summary_comes_from_the_answer_cache_the_second_time(tmp_path: Path) -> None:
    answer = {"sentences": [{"text": "Eight people were killed in Kabul.", "incident_ids": ["I1"]}]}
    with AnswerCache(tmp_path / "answers") as cache:
        first = day_with(SummaryWriter(Briefer(MockBackend().enqueue(answer), cache=cache))).summary
        empty = MockBackend()  # answers nothing: a model call would fail the test
        second = day_with(SummaryWriter(Briefer(empty, cache=cache))).summary
    assert not first.cache_hit and second.cache_hit
    assert second.sentences == first.sentences
    assert empty.calls == []


def test_without_a_model_the_summary_is_deterministic_and_cites_existing_entries() -> None:
    first, second = day_with(None), day_with(None)
    assert first.summary.written_by == "fallback"
    assert first.summary.sentences == second.summary.sentences
    ids = {e.id for e in first.incidents}
    assert all(s.incident_ids and set(s.incident_ids) <= ids for s in first.summary.sentences)
    text = " ".join(s.text for s in first.summary.sentences)
    assert "2 incidents were reported" in text
    assert "Sources disagree on the toll of I1 (25\u201334 injured)" in text


def test_a_summary_with_no_valid_sentence_falls_back_and_says_why() -> None:
    backend = MockBackend().enqueue(
        {"sentences": [{"text": "Something happened in Mosul.", "incident_ids": ["I7"]}]}
    )
    day = day_with(SummaryWriter(Briefer(backend)))
    assert day.summary.written_by == "fallback"
    assert day.summary.dropped
    assert any("without the model" in note for note in day.notes)


def test_a_failing_model_falls_back_with_a_note() -> None:
    backend = MockBackend().enqueue(BackendUnavailable("connection refused", backend="mock"))
    day = day_with(SummaryWriter(Briefer(backend)))
    assert day.summary.written_by == "fallback"
    assert any("could not write the summary" in note for note in day.notes)


@pytest.mark.parametrize("bad_id", ["1", "I-1", "incident 1", ""])
def test_the_response_model_only_accepts_entry_ids(bad_id: str) -> None:
    with pytest.raises(ValueError, match="incident_ids"):
        SummaryDraft.model_validate(
            {"sentences": [{"text": "Eight people were killed.", "incident_ids": [bad_id]}]}
        )
