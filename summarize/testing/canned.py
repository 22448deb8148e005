"""Canned answers: a short article and what a good model answers about it, for tests and benchmarks.

``TEXT`` reports two incidents in northern Mali (Gao, Kidal) and a claim; ``survey()`` and
``detail()`` are the survey and detail answers a careful model would give, as JSON-ready
dicts, with keyword overrides for the field a test is about. Queue them on a
``MockBackend`` or, wrapped in ``Answer``, on the ``FakeOpenAIServer``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TEXT", "detail", "survey"]

TEXT = (
    "Gunmen stormed a checkpoint in Gao on Tuesday, killing two soldiers, the army said.\n\n"
    "In Kidal, a roadside bomb hit a UN convoy on Wednesday. Nobody was hurt.\n\n"
    "The group JNIM said it carried out the Gao attack."
)


def survey(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "headline": "Attacks in northern Mali",
        "events": [
            {
                "what": "checkpoint attack",
                "place": "Gao",
                "country": "Mali",
                "when": "Tuesday",
                "quote": "Gunmen stormed a checkpoint in Gao on Tuesday, killing two soldiers",
            },
            {
                "what": "roadside bomb",
                "place": "Kidal",
                "country": "Mali",
                "when": "on Wednesday",
                "quote": "In Kidal, a roadside bomb hit a UN convoy on Wednesday.",
            },
        ],
    }
    value.update(overrides)
    return value


def detail(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "sub_event_type": "armed_clash",
        "weapons": ["firearm"],
        "targets": [{"name": "soldiers", "type": "military"}],
        "claimed_by": [],
        "claim_quote": None,
        "accused": [],
        "accusation_quote": None,
        "fatalities": {"count": 2, "qualifier": "exact"},
        "injured": {"count": None, "qualifier": None},
        "casualty_quote": "killing two soldiers",
        "outcome": "hit",
        "admin1": None,
    }
    value.update(overrides)
    return value
