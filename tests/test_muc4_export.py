"""Our briefs as MUC-4 response templates, and their score by the 1992 rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from summarize.errors import InputError
from summarize.evals.muc4.benchmark import format_benchmark, official_scores, score_briefs
from summarize.evals.muc4.corpus import data_root
from summarize.evals.muc4.export import brief_templates, export_briefs, format_templates
from summarize.evals.muc4.export_incident import incident_type
from summarize.evals.muc4.parse import State, parse_templates
from summarize.schema import Brief, Incident

needs_corpus = pytest.mark.skipif(
    not (data_root() / "official-results").is_dir(), reason="no MUC-4 corpus in ../shared"
)
PUBLISHED = dt.date(1988, 8, 25)


def incident(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "a#1",
        "event_type": "explosions_remote_violence",
        "sub_event_type": "remote_explosive_landmine_ied",
        "date": "1988-08-24",
        "date_text": "yesterday",
        "date_precision": "day",
        "location": {"place": "San Marcos Lempa", "country": "El Salvador", "geo_precision": 1},
        "perpetrators": ["FMLN"],
        "responsibility": "attributed",
        "claimed_by": [],
        "targets": [{"name": "La Noria bridge", "type": "infrastructure"}],
        "weapons": ["ied"],
        "fatalities": {"count": None},
        "injured": {"count": None},
        "outcome": "hit",
        "summary": "The FMLN blew up the La Noria bridge.",
        "evidence": [],
    }
    return base | fields


def brief(*incidents: dict[str, Any], report: bool = True) -> Brief:
    return Brief.model_validate(
        {
            "article": {"id": "sha256:0123456789abcdef", "chars": 100, "published_at": PUBLISHED.isoformat()},
            "headline": "h",
            "summary": "s",
            "is_incident_report": report,
            "incidents": list(incidents),
            "context": [],
            "grounding": {"quotes": 0, "verified": 0, "unverified": [], "incidents_dropped": 0},
            "provenance": {
                "model": "m",
                "backend": "mock",
                "prompt_version": "p",
                "schema_version": "incident-brief/1",
                "created_at": "2024-01-01T00:00:00",
                "usage": {},
                "cache_hit": False,
                "elapsed_s": 0.0,
            },
        }
    )


def fills(message_id: str, *incidents: dict[str, Any]) -> dict[int, list[str]]:
    (template,) = brief_templates(message_id, [brief(*incidents)]).templates
    return {slot.number: [str(filler) for filler in slot.fillers] for slot in template.slots}


def test_a_bombing_fills_type_date_place_perpetrator_instrument_and_target() -> None:
    got = fills("TST4-MUC4-0006", incident())
    assert got[2] == ["24 AUG 88"]
    assert got[3] == ["EL SALVADOR: SAN MARCOS LEMPA (CITY)"]
    assert got[4] == ["BOMBING"]
    assert got[5] == ["ACCOMPLISHED"]
    assert got[6] == []  # no instrument string from the text
    assert got[7] == ['BOMB: "-"']
    assert got[8] == ["TERRORIST ACT"]
    assert got[10] == ['"FMLN"']
    assert got[11] == ['REPORTED AS FACT: "FMLN"']
    assert got[12] == ['"LA NORIA BRIDGE"']
    assert got[13] == ['TRANSPORTATION ROUTE: "LA NORIA BRIDGE"']
    assert got[14] == ['1: "LA NORIA BRIDGE"']
    assert got[18] == got[19] == got[23] == []


def test_people_casualties_and_claims() -> None:
    got = fills(
        "TST4-MUC4-0005",
        incident(
            sub_event_type="attack",
            event_type="violence_against_civilians",
            weapons=["firearm"],
            perpetrators=["unidentified gunmen"],
            claimed_by=["Shining Path"],
            responsibility="claimed",
            targets=[{"name": "Mayor Hector Arevalo", "type": "government"}],
            fatalities={"count": 1},
            injured={"count": 0},
            date=None,
            date_precision="unknown",
        ),
    )
    assert got[2] == ["- 25 AUG 88"]  # default: on or before the dateline
    assert got[4] == ["ATTACK"]
    assert got[7] == ['GUN: "-"']
    assert got[9] == ['"UNIDENTIFIED GUNMEN"']
    assert got[10] == ['"SHINING PATH"']
    assert got[11] == ['CLAIMED OR ADMITTED: "SHINING PATH"']
    assert got[12] == []
    assert got[18] == ['"HECTOR AREVALO"']
    assert got[19] == ['"MAYOR": "HECTOR AREVALO"']
    assert got[20] == ['GOVERNMENT OFFICIAL: "HECTOR AREVALO"']
    assert got[21] == ['1: "HECTOR AREVALO"']
    assert got[23] == ['DEATH: "HECTOR AREVALO"', 'NO INJURY: "HECTOR AREVALO"']


def test_a_kidnapping_has_no_instrument_or_physical_target_slots() -> None:
    (template,) = brief_templates(
        "TST4-MUC4-0002",
        [brief(incident(sub_event_type="abduction_forced_disappearance", targets=[], weapons=[]))],
    ).templates
    assert template.slot(4).fillers[0].values[0].text == "KIDNAPPING"
    for number in (6, 7, 12, 13, 14, 15, 16, 17):
        assert template.slot(number).state is State.INAPPLICABLE


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"sub_event_type": "armed_clash", "targets": [{"name": "army patrol", "type": "military"}]}, None),
        (
            {
                "sub_event_type": "armed_clash",
                "weapons": [],
                "targets": [{"name": "peasants", "type": "civilians"}],
            },
            "ATTACK",
        ),
        ({"sub_event_type": "disrupted_weapons_use"}, "BOMBING"),
        ({"sub_event_type": "peaceful_protest", "weapons": []}, None),
        (
            {
                "sub_event_type": "looting_property_destruction",
                "weapons": [],
                "summary": "Rebels torched a bus.",
            },
            "ARSON",
        ),
        (
            {
                "sub_event_type": "looting_property_destruction",
                "weapons": [],
                "summary": "Men robbed a bank.",
            },
            "ROBBERY",
        ),
        ({"sub_event_type": "shelling_artillery_missile_attack", "weapons": ["mortar"]}, "ATTACK"),
    ],
)
def test_incident_types(fields: dict[str, Any], expected: str | None) -> None:
    assert incident_type(Incident.model_validate(incident(**fields))) == expected


def test_a_brief_with_no_terrorist_incident_is_an_irrelevant_message() -> None:
    assert brief_templates("TST4-MUC4-0002", [brief(incident(), report=False)]).irrelevant
    clash = incident(sub_event_type="armed_clash", targets=[{"name": "troops", "type": "military"}])
    assert brief_templates("TST4-MUC4-0002", [brief(clash)]).irrelevant


def test_exported_templates_write_out_and_read_back_unchanged() -> None:
    messages = export_briefs(
        {
            "TST4-MUC4-0001": [
                brief(incident(), incident(id="a#2", sub_event_type="abduction_forced_disappearance"))
            ],
            "TST4-MUC4-0002": [brief(report=False)],
        }
    )
    text = format_templates(messages.values())
    assert "1.  MESSAGE: TEMPLATE              *" in text
    assert parse_templates(text) == messages


@needs_corpus
def test_briefs_are_scored_against_the_key_and_set_beneath_the_1992_table() -> None:
    result = score_briefs(
        {"TST4-MUC4-0006": [brief(incident())], "TST4-MUC4-0002": [brief(report=False)]}, "tst4"
    )
    assert (result.messages, result.of) == (2, 100)
    ours = result.all_templates
    assert ours.cor >= 6  # date-free slots: type, stage, category, organisation, its confidence, the bridge
    rows = result.rows()
    assert rows["inc-type"].cor == 1 and rows["perp-org-id"].cor == 1 and rows["phys-tgt-id"].cor == 1
    official = official_scores("tst4")
    assert [score.system for score in official[:2]] == ["GE", "GE-CMU"]
    table = format_benchmark(result, official)
    assert any(line.split() == ["GE", "62", "53", "57.15"] for line in table.splitlines())
    assert table.splitlines()[-1].startswith("summarize (2 of 100 messages)")


@needs_corpus
def test_briefs_of_unknown_messages_are_refused() -> None:
    with pytest.raises(InputError, match="not in the tst4 key"):
        score_briefs({"TST3-MUC4-0001": []}, "tst4")
