"""``summarize eval`` end to end against the fake OpenAI server: tables, reports, gates, baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from summarize._resources import prompts_dir
from summarize.cli import main
from summarize.evals import EvalReport
from summarize.testing import Answer, FakeOpenAIServer
from summarize.testing.canned import TEXT, detail, survey

from .test_cli import KIDAL

GOLD = {
    "id": "gao-kidal",
    "labelled_by": "by hand, for this test",
    "article": {"text": TEXT, "published_at": "2024-03-07"},
    "expected": {
        "is_incident_report": True,
        "incidents": [
            {
                "label": "Gao checkpoint",
                "sub_event_type": "armed_clash",
                "date": "2024-03-05",
                "location": {"place": "Gao", "country": "Mali"},
                "fatalities": 2,
                "claimed_by": ["JNIM"],
            },
            {
                "label": "Kidal IED",
                "sub_event_type": "remote_explosive_landmine_ied",
                "date": "2024-03-06",
                "location": {"place": "Kidal", "country": "MLI"},
                "fatalities": 0,
                "injured": 0,
                "weapons": ["ied"],
            },
        ],
    },
}


@pytest.fixture
def case(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(GOLD), encoding="utf-8")
    return path


def good(server: FakeOpenAIServer) -> None:
    server.enqueue(
        Answer(survey()),
        Answer(detail(claimed_by=["JNIM"], claim_quote="The group JNIM said it carried out the Gao attack.")),
        Answer(KIDAL),
    )


def damaged(server: FakeOpenAIServer) -> None:
    """What a prompt that asks for one incident only would get: Kidal is lost."""
    one = survey()
    one["events"] = one["events"][:1]
    server.enqueue(Answer(one), Answer(detail()))


def run_eval(server: FakeOpenAIServer, *args: str | Path) -> Result:
    flags = ["--base-url", server.base_url, "--model", "fake-model", "--http-retries", "0", "-q"]
    return CliRunner().invoke(main, ["eval", *map(str, args), *flags])


def test_eval_prints_fields_detection_and_a_case_diff(
    server: FakeOpenAIServer, case: Path, tmp_path: Path
) -> None:
    good(server)
    html, report = tmp_path / "run.html", tmp_path / "run.json"
    result = run_eval(server, case, "--report", html, "--report", report)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "| 2 | 0 | 0 | 100.0 | 100.0 | 100.0 |" in out  # found, missed, spurious, P, R, F1
    assert "| fatalities | count | 2 | 100.0 |" in out
    assert "| weapons | set | 1 | 100.0 | 100.0 | 100.0 |" in out
    assert "### gao-kidal" in out and "every scored field matches" in out
    parsed = EvalReport.model_validate_json(report.read_text())
    assert parsed.metrics()["detection_f1"] == 1.0
    page = html.read_text()
    assert "<mark" in page and "Kidal" in page
    assert "http://" not in page and "https://" not in page  # self-contained: nothing to fetch


def test_the_second_run_costs_no_model_call(server: FakeOpenAIServer, case: Path) -> None:
    good(server)
    assert run_eval(server, case).exit_code == 0
    asked = len(server.requests)
    assert run_eval(server, case).exit_code == 0
    assert len(server.requests) == asked


def test_an_unmet_minimum_exits_1_and_says_which(server: FakeOpenAIServer, case: Path) -> None:
    damaged(server)
    result = run_eval(server, case, "--min", "detection_recall=0.9", "--min-score", "0.1")
    assert result.exit_code == 1
    assert "FAILED: detection_recall: 0.500 < minimum 0.90" in result.stderr
    assert "- missed: Kidal IED" in result.stdout


def test_a_damaged_prompt_regresses_against_the_baseline(
    server: FakeOpenAIServer, case: Path, tmp_path: Path
) -> None:
    good(server)
    baseline = tmp_path / "good.json"
    assert run_eval(server, case, "--report", baseline).exit_code == 0
    damaged(server)
    result = run_eval(server, case, "--baseline", baseline, "--no-cache")
    assert result.exit_code == 1
    assert "| detection_recall | 100.0 | 50.0 | -50.0 | REGRESSED |" in result.stdout
    assert "FAILED: detection_recall: 1.000 -> 0.500" in result.stderr


def test_bad_arguments_are_clear_errors(server: FakeOpenAIServer, case: Path, tmp_path: Path) -> None:
    result = run_eval(server, case, "--min", "place")
    assert result.exit_code == 2 and "is not METRIC=X" in result.stderr
    result = run_eval(server, case, "--min", "no_such_metric=0.5")
    assert result.exit_code == 2 and "unknown metric 'no_such_metric'" in result.stderr
    result = run_eval(server, tmp_path / "missing")
    assert result.exit_code == 3 and "no such dataset" in result.stderr
    result = run_eval(server, "nosuch:thing")
    assert result.exit_code == 3 and "unknown dataset" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = run_eval(server, case, "--baseline", bad)
    assert result.exit_code == 3 and "not an eval report" in result.stderr


def test_prompts_dir_evaluates_a_changed_prompt(server: FakeOpenAIServer, case: Path, tmp_path: Path) -> None:
    changed = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), changed)
    survey_template = changed / "survey.user.j2"
    survey_template.write_text(
        survey_template.read_text() + "\nReport only the single most important incident.\n"
    )
    good(server)
    assert run_eval(server, case).exit_code == 0
    damaged(server)
    result = run_eval(server, case, "--prompts-dir", changed)
    assert result.exit_code == 0, result.stderr
    last_survey = server.requests[-2]["messages"][-1]["content"]
    assert "single most important incident" in last_survey  # a new prompt: asked, not read from the cache
    assert "| 1 | 1 | 0 |" in result.stdout
    result = run_eval(server, case, "--prompts-dir", tmp_path)
    assert result.exit_code == 2 and "is not a prompts directory" in result.stderr


MUC4 = Path(__file__).resolve().parents[2] / "shared" / "evaldata" / "muc4"


@pytest.mark.skipif(not MUC4.is_dir(), reason="MUC-4 corpus not in ../shared")
def test_eval_muc4_prints_our_row_beneath_the_1992_table(server: FakeOpenAIServer) -> None:
    nothing = survey(events=[], headline="Nothing to report")
    server.enqueue(Answer(nothing), Answer(nothing))
    result = run_eval(server, "muc4", "--set", "tst4", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "MUC-4 TST4: our briefs scored by the 1992 rules (2 of 100 messages)" in out
    table = out[out.index("ALL TEMPLATES, 1992") :]
    assert table.index("GE ") < table.index("summarize (2 of 100 messages)")  # our row last
    assert "57.15" in table  # GE's official F


@pytest.mark.skipif(not MUC4.is_dir(), reason="MUC-4 corpus not in ../shared")
def test_eval_muc4_honours_only_report_baseline_min_and_judge(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    nothing = survey(events=[], headline="Nothing to report")
    verdict = {"verdicts": [{"number": 1, "supported": True}]}
    server.enqueue(Answer(nothing), Answer(verdict))
    report = tmp_path / "muc4.json"
    page = tmp_path / "muc4.md"
    only = ("--only", "muc4-tst4-muc4-0001")  # a message with key templates
    result = run_eval(server, "muc4", "--limit", "3", *only, "--judge", "--report", report, "--report", page)
    assert result.exit_code == 0, result.stderr
    assert "our briefs scored by the 1992 rules (1 of 100 messages)" in result.stdout  # --only
    assert "| judge |" in result.stdout  # --judge
    saved = json.loads(report.read_text())
    assert [c["case_id"] for c in saved["cases"]] == ["muc4-tst4-muc4-0001"]
    assert saved["cases"][0]["scores"] == {"judge": 1.0}
    assert saved["scores"]["muc4_recall"] == 0.0 and saved["scores"]["judge"] == 1.0  # nothing found
    assert "## MUC-4 TST4" in page.read_text()  # --report
    # the same run again, from the cache, against its own report and a gate it cannot meet
    result = run_eval(server, "muc4", "--limit", "3", *only, "--baseline", report, "--min", "muc4_recall=0.5")
    assert result.exit_code == 1
    assert "| muc4_recall | 0.0 | 0.0 |" in result.stdout  # the baseline's table has the MUC-4 figures
    assert "FAILED: muc4_recall: 0.000 < minimum 0.50" in result.stderr


def test_set_without_the_muc4_dataset_is_refused(server: FakeOpenAIServer, case: Path) -> None:
    result = run_eval(server, case, "--set", "tst3")
    assert result.exit_code == 2
    assert "--set" in result.stderr and "only goes with the dataset 'muc4'" in result.stderr
    assert server.requests == []
