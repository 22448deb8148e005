"""Eval scoring: every comparator, the alignment and the aggregation, against hand-computed expectations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from summarize.backends import MockBackend
from summarize.brief.pipeline import Briefer
from summarize.errors import ConfigError, InputError
from summarize.evals import Case, Matching, check_thresholds, compare_reports, load_cases, score_case
from summarize.evals.assign import assign
from summarize.evals.compare import (
    compare_count,
    compare_country,
    compare_date,
    compare_enum,
    compare_names,
    compare_place,
    compare_weapons,
    normalise_name,
)
from summarize.evals.gold import Item, alternatives
from summarize.evals.muc4.importer import import_cases
from summarize.evals.report import build_report
from summarize.evals.run import load_report
from summarize.evals.scorers.judge import judge_brief
from summarize.inputs import article_from_text
from summarize.schema import Brief, Casualties, Weapon
from summarize.testing.canned import TEXT, detail, survey

from .test_cli import KIDAL as KIDAL_ANSWER

REPO = Path(__file__).resolve().parents[1]

# -- assignment -------------------------------------------------------------------------------------


def test_assignment_is_optimal_where_greedy_is_not() -> None:
    # greedy takes (0, 0) = 0.9 and is left with (1, 1) = 0.1: 1.0 in all; the optimum is 0.8 + 0.85
    assert assign([[0.9, 0.8], [0.85, 0.1]]) == [(0, 1), (1, 0)]


def test_assignment_is_rectangular_and_drops_pairs_below_the_minimum() -> None:
    assert assign([[0.9], [0.95], [0.2]]) == [(1, 0)]
    assert assign([[0.2, 0.9, 0.1]], minimum=0.5) == [(0, 1)]
    assert assign([[0.1, 0.2]], minimum=0.5) == []
    assert assign([]) == []


def test_a_poor_forced_pair_does_not_cost_a_good_one() -> None:
    # row 1 scores below the minimum everywhere: it stays unpaired, row 0 keeps its best partner
    assert assign([[0.6, 0.9], [0.1, 0.4]], minimum=0.5) == [(0, 1)]


# -- comparators ------------------------------------------------------------------------------------


def test_names_normalise_case_accents_punctuation_and_articles() -> None:
    assert normalise_name("The “Islamic Resistance in Iraq”") == "islamic resistance in iraq"
    assert normalise_name("Farabundo Martí") == "farabundo marti"


def test_names_score_as_a_set_f1() -> None:
    iri = Item(any_of=["Islamic Resistance in Iraq", "Islamic Resistance"])
    score = compare_names(["Islamic Resistance in Iraq", "Kataeb Hezbollah", "al-Nujaba"], [iri])
    assert (score.tp, score.fp, score.fn) == (1, 2, 0)
    assert score.f1 == pytest.approx(0.5)  # 2*1 / (2*1 + 2 + 0)
    assert compare_names([], ["Hamas"]).f1 == 0.0
    assert compare_names([], []).f1 == 1.0  # "nobody" answered right


def test_optional_names_count_when_found_and_cost_nothing_when_missed() -> None:
    kh = Item(any_of=["Kataeb Hezbollah"], optional=True)
    assert compare_names([], [kh]).f1 == 1.0
    both = compare_names(["Kataeb Hezbollah", "al-Nujaba"], [kh])
    assert (both.tp, both.fp, both.fn) == (1, 1, 0)


def test_names_match_by_alias_and_by_fuzzy_spelling() -> None:
    matching = Matching(aliases={"FMLN": ["Farabundo Marti National Liberation Front"]})
    assert compare_names(["Farabundo Martí National Liberation Front"], ["FMLN"], matching).tp == 1
    assert compare_names(["Farabundo Marti National Liberation Front"], ["FMLN"]).tp == 0  # no alias
    assert compare_names(["Ain al-Asad air base"], ["Ain al-Assad air base"]).tp == 1
    assert compare_names(["US military"], ["US embassy"]).tp == 0


def test_names_pair_one_to_one() -> None:
    # two predictions cannot both claim the one gold name
    score = compare_names(["Hamas", "Hamas movement"], ["Hamas"])
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)


def test_place_matches_any_alternative_and_null_only_null() -> None:
    assert compare_place("Ain al-Asad", ["Ain al-Assad air base", "Ain al-Assad"]) == 1.0
    assert compare_place(None, [None]) == 1.0
    assert compare_place("Baghdad", [None]) == 0.0
    assert compare_place(None, ["Baghdad"]) == 0.0


def test_counts_keep_null_and_zero_apart_and_honour_alternatives() -> None:
    assert compare_count(Casualties(count=0), [0]) == 1.0
    assert compare_count(Casualties(count=None), [0]) == 0.0
    assert compare_count(Casualties(count=0), [None]) == 0.0
    assert compare_count(Casualties(count=None), [None]) == 1.0
    assert compare_count(Casualties(count=34), [25, 34]) == 1.0
    assert compare_count(Casualties(count=30), [25, 34]) == 0.0


def test_dates_compare_at_the_precision_the_text_allows() -> None:
    monday = dt.date(2023, 12, 11)
    assert compare_date(monday, "day", [monday]) == 1.0
    assert compare_date(dt.date(2023, 12, 10), "day", [monday]) == 0.0
    # "last week": a vaguer prediction that covers the gold day earns half
    assert compare_date(monday, "week", [dt.date(2023, 12, 13)]) == 0.5
    assert compare_date(dt.date(2023, 12, 4), "week", [monday]) == 0.0
    # gold known only to the month: any day of that month is right
    assert compare_date(dt.date(1989, 11, 16), "day", [dt.date(1989, 11, 1)], "month") == 1.0
    assert compare_date(None, "unknown", [None], "unknown") == 1.0
    assert compare_date(monday, "day", [None], "unknown") == 0.0
    assert compare_date(None, "unknown", [monday]) == 0.0


def test_country_compares_iso_codes() -> None:
    assert compare_country("IRQ", "Iraq") == 1.0
    assert compare_country("Iraq", "IRQ") == 1.0
    assert compare_country("SYR", "Iraq") == 0.0
    assert compare_country(None, None) == 1.0


def test_enums_are_exact_unless_configured_equivalent() -> None:
    assert compare_enum("outcome", "hit", ["hit"]) == 1.0
    assert compare_enum("outcome", "hit", ["unknown", "failed"]) == 0.0
    loose = Matching(equivalences={"responsibility": [{"attributed", "suspected"}]})
    assert compare_enum("responsibility", "attributed", ["suspected"], loose) == 1.0
    assert compare_enum("responsibility", "claimed", ["suspected"], loose) == 0.0


def test_weapons_score_against_the_best_alternative() -> None:
    assert compare_weapons(["rocket"], [["rocket"]]).f1 == 1.0
    score = compare_weapons(["rocket", "drone"], [["missile"], ["rocket"]])
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)


# -- one case ---------------------------------------------------------------------------------------


def _brief() -> Brief:
    """A real brief of the Gao/Kidal text, produced by the pipeline on scripted answers."""
    backend = MockBackend().enqueue(
        survey(),
        detail(claimed_by=["JNIM"], claim_quote="The group JNIM said it carried out the Gao attack."),
        KIDAL_ANSWER,
    )
    return Briefer(backend).brief(article_from_text(TEXT, published_at=dt.date(2024, 3, 7)))


def _case(incidents: list[dict[str, Any]], *, negative: bool = False) -> Case:
    return Case.model_validate(
        {
            "id": "gao-kidal",
            "labelled_by": "test",
            "article": {"text": TEXT, "published_at": "2024-03-07"},
            "expected": {"is_incident_report": not negative, "incidents": incidents},
        }
    )


KIDAL = {
    "label": "Kidal IED",
    "sub_event_type": "remote_explosive_landmine_ied",
    "date": "2024-03-06",
    "location": {"place": "Kidal", "country": "Mali"},
    "fatalities": 0,
    "injured": 0,
    "claimed_by": [],
}
GAO = {
    "label": "Gao checkpoint",
    "sub_event_type": "armed_clash",
    "date": "2024-03-05",
    "location": {"place": "Gao", "country": "MLI"},
    "claimed_by": ["JNIM"],
    "responsibility": "claimed",
    "fatalities": {"any_of": [2, 3]},
    "injured": 0,  # wrong on purpose: the text does not say, the brief says null
}


def test_incidents_align_whatever_their_order() -> None:
    result = score_case(_case([KIDAL, GAO]), _brief())
    assert result.found == 2 and not result.missed and not result.spurious
    by_label = {pair.label: {f.field: f for f in pair.fields} for pair in result.pairs}
    assert by_label["Gao checkpoint"]["claimed_by"].score == 1.0
    assert by_label["Gao checkpoint"]["fatalities"].score == 1.0
    assert by_label["Gao checkpoint"]["injured"].score == 0.0
    assert by_label["Kidal IED"]["fatalities"].score == 1.0
    assert "weapons" not in by_label["Kidal IED"]  # not given in gold: unscored


def test_missed_and_spurious_incidents() -> None:
    elsewhere = {
        **KIDAL,
        "label": "Timbuktu",
        "location": {"place": "Timbuktu", "country": "Niger"},
        "date": "2024-01-01",
    }
    result = score_case(_case([GAO, elsewhere]), _brief())
    assert result.found == 1
    assert result.missed == ["Timbuktu"]
    assert len(result.spurious) == 1 and "Kidal" in result.spurious[0]


def test_a_negative_case_counts_predicted_incidents_as_spurious() -> None:
    result = score_case(_case([], negative=True), _brief())
    assert result.negative and not result.is_incident_report_ok
    assert len(result.spurious) == 2


def test_an_error_scores_as_missing_everything() -> None:
    result = score_case(_case([GAO]), None, error="ValidationFailed: no")
    assert result.error and result.missed == ["Gao checkpoint"]


# -- the report -------------------------------------------------------------------------------------


def _report(brief: Brief | None, incidents: list[dict[str, Any]]) -> Any:
    result = score_case(_case(incidents), brief)
    return build_report([result], model="m", prompt_version="p", datasets=["d"], wall_s=1.0)


def test_report_aggregates_detection_and_fields() -> None:
    report = _report(_brief(), [KIDAL, GAO])
    metrics = report.metrics()
    assert (report.detection.tp, report.detection.fp, report.detection.fn) == (2, 0, 0)
    assert metrics["detection_f1"] == 1.0
    assert metrics["injured"] == 0.5  # Kidal right, Gao wrong
    assert metrics["fatalities"] == 1.0
    assert "weapons" not in metrics  # never scored
    assert metrics["schema_validity"] == 1.0
    assert metrics["evidence_verified"] == 1.0
    assert report.totals()["attempts"] == 3


def test_gates_report_each_unmet_minimum() -> None:
    report = _report(_brief(), [KIDAL, GAO])
    assert check_thresholds(report, {"fatalities": 1.0, "detection_f1": 0.9}) == []
    failures = check_thresholds(report, {"injured": 0.8, "overall": 0.99})
    assert [line.split(":")[0] for line in failures] == ["injured", "overall"]
    assert check_thresholds(report, {"weapons": 0.5}) == [
        "weapons: not measured (no case scores it), minimum 0.50"
    ]
    with pytest.raises(ConfigError):
        check_thresholds(report, {"no_such_field": 0.5})


def test_a_worse_run_regresses_against_its_baseline() -> None:
    good = _report(_brief(), [KIDAL, GAO])
    worse = _report(None, [KIDAL, GAO])  # the run failed
    deltas = {d.metric: d for d in compare_reports(worse, good)}
    assert deltas["detection_f1"].regressed and deltas["detection_f1"].change == -1.0
    assert deltas["fatalities"].regressed and deltas["fatalities"].after is None
    assert not any(d.regressed for d in compare_reports(good, good))
    # the JSON report is its own baseline format
    again = type(good).model_validate_json(good.model_dump_json())
    assert not any(d.regressed for d in compare_reports(good, again))


# -- gold files -------------------------------------------------------------------------------------


def test_gold_distinguishes_unscored_from_not_reported(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**_case([{"fatalities": None}]).model_dump(mode="json", exclude_unset=True)}))
    (gold,) = load_cases([path])[0].expected.incidents
    assert gold.scored("fatalities") and gold.fatalities is None
    assert not gold.scored("injured")


def test_bad_gold_is_one_clear_input_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text(
        '{"id": "x", "labelled_by": "me", "article": {"text": "t"}, "expected": {}}'
    )
    with pytest.raises(InputError, match=r"bad.json: not a valid gold case"):
        load_cases([tmp_path])
    negative_with_incidents = {
        "id": "y",
        "labelled_by": "me",
        "article": {"text": "t"},
        "expected": {"is_incident_report": False, "incidents": [{}]},
    }
    (tmp_path / "bad.json").write_text(json.dumps(negative_with_incidents))
    with pytest.raises(InputError, match="cannot list incidents"):
        load_cases([tmp_path])
    with pytest.raises(InputError, match="no such dataset"):
        load_cases([tmp_path / "missing"])


def test_the_committed_gold_cases_load_and_label_the_seed() -> None:
    cases = {case.id: case for case in load_cases([REPO / "evals" / "cases"])}
    for case in cases.values():
        assert case.labelled_by.strip()
    seed = cases["seed-published"].expected.incidents
    assert len(seed) == 3
    assert [g.scored("fatalities") for g in seed] == [True, True, True]
    assert [g.fatalities for g in seed] == [0, None, None]  # "no casualties" vs never mentioned
    assert all(g.date is None for g in cases["seed-undated"].expected.incidents)


# -- the judge --------------------------------------------------------------------------------------


def test_the_judge_scores_the_share_of_supported_sentences() -> None:
    brief = _brief()
    statements = 1 + len(brief.incidents)  # the summary and one sentence per incident
    backend = MockBackend().enqueue(
        {"verdicts": [{"number": 1, "supported": True}, {"number": 2, "supported": False}]}
    )
    score = judge_brief(Briefer(backend), article_from_text(TEXT), brief)
    assert score == pytest.approx(1 / statements)  # statement 3 got no verdict: not supported
    ((messages, _model),) = backend.calls
    assert "1. " + brief.summary in messages[-1]["content"]


def test_a_report_of_version_1_is_read_with_its_judge_scores(tmp_path: Path) -> None:
    """Reports written before scorers kept the judge's share per case as ``judge``: still a baseline."""
    saved = json.loads(_report(_brief(), [KIDAL, GAO]).model_dump_json())
    old = {**saved, "version": "summarize-eval/1"}
    del old["scores"], old["sections"]
    old["cases"] = [{**{k: v for k, v in c.items() if k != "scores"}, "judge": 0.5} for c in saved["cases"]]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    report = load_report(path)
    assert report.metrics()["judge"] == 0.5
    assert report.cases[0].scores == {"judge": 0.5}


# -- the MUC-4 importer (reads the corpus from ../shared at run time) -------------------------------

MUC4 = REPO.parent / "shared" / "evaldata" / "muc4"
needs_muc4 = pytest.mark.skipif(not MUC4.is_dir(), reason="MUC-4 corpus not in ../shared")


@needs_muc4
@pytest.mark.parametrize(
    ("part", "articles", "relevant", "incidents"), [("tst3", 100, 69, 123), ("tst4", 100, 57, 86)]
)
def test_muc4_keys_import_as_gold_cases(part: str, articles: int, relevant: int, incidents: int) -> None:
    cases = import_cases(part, MUC4)
    assert len(cases) == articles
    assert sum(1 for c in cases if c.expected.is_incident_report) == relevant
    assert sum(len(c.expected.incidents) for c in cases) == incidents
    # irrelevant messages are uncoded, not negatives: MUC leaves army-guerrilla combat out
    assert all(c.expected.is_incident_report is None for c in cases if not c.expected.incidents)


@needs_muc4
def test_muc4_template_maps_field_by_field() -> None:
    case = next(c for c in import_cases("tst4", MUC4) if c.id == "muc4-tst4-muc4-0001")
    assert case.article.published_at == dt.date(1988, 8, 23)  # from the dateline
    (bombing,) = case.expected.incidents
    assert "remote_explosive_landmine_ied" in [s.value for s in alternatives(bombing.sub_event_type)]
    assert not bombing.scored("date")  # "- 23 AUG 88": on or before, not a day
    assert bombing.location is not None and bombing.location.country == "CHL"
    assert alternatives(bombing.location.place) == ["TALCAHUANO"]
    assert bombing.weapons == [Weapon.ied]  # BOMB and EXPLOSIVE
    assert alternatives(bombing.fatalities) == [0] and alternatives(bombing.injured) == [
        0
    ]  # NO INJURY OR DEATH
    assert bombing.claimed_by == [] and not bombing.scored("responsibility")
    assert [item.optional for item in bombing.perpetrators or []] == [True]  # "UNIDENTIFIED INDIVIDUALS"
