"""The sentence helpers: evidence is the whole sentence a quote's opening words begin."""

from __future__ import annotations

import pytest

from summarize.text.sentences import sentence_around

TEXT = (
    "Gunmen stormed a checkpoint in Gao on Tuesday, killing two soldiers, the army said.\n\n"
    "In Kidal, a roadside bomb hit a UN convoy on Wednesday. Nobody was hurt.\n"
    "No group claimed it"
)


@pytest.mark.parametrize(
    ("words", "sentence"),
    [
        (
            "Gunmen stormed",
            "Gunmen stormed a checkpoint in Gao on Tuesday, killing two soldiers, the army said.",
        ),
        (
            "killing two",
            "Gunmen stormed a checkpoint in Gao on Tuesday, killing two soldiers, the army said.",
        ),
        ("In Kidal, a roadside", "In Kidal, a roadside bomb hit a UN convoy on Wednesday."),
        ("Nobody", "Nobody was hurt."),
        ("No group", "No group claimed it"),  # the last line has no end mark
    ],
)
def test_a_quote_grows_to_its_sentence(words: str, sentence: str) -> None:
    start = TEXT.index(words)
    begin, end = sentence_around(TEXT, start, start + len(words))
    assert TEXT[begin:end] == sentence


def test_a_quote_over_two_sentences_covers_both() -> None:
    start = TEXT.index("Wednesday")
    begin, end = sentence_around(TEXT, start, TEXT.index("was hurt") + 3)
    assert TEXT[begin:end] == "In Kidal, a roadside bomb hit a UN convoy on Wednesday. Nobody was hurt."
