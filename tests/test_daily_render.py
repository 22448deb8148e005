"""Daily brief outputs (Markdown, self-contained HTML, JSON), day over day, and the `daily` command."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from click.testing import CliRunner

from summarize.backends import MockBackend
from summarize.brief.pipeline import Briefer
from summarize.cli import main
from summarize.daily import (
    DailyBrief,
    DailyOptions,
    build_daily,
    daily_from_briefs,
    to_html,
    to_json,
    to_markdown,
)
from summarize.schema import TargetType
from tests.test_daily_linking import DAY, brief, incident

NEXT = DAY + dt.timedelta(days=1)


def day_one() -> DailyBrief:
    return daily_from_briefs(
        [
            brief("a", incident("a", place="Kabul", killed=8, injured=25), title="Agency A"),
            brief("b", incident("b", place="Kabul", killed=8, injured=34), title="Agency B"),
            brief(
                "c",
                incident(
                    "c", place="Gao", country="Mali", killed=3, targets=(("soldiers", TargetType.military),)
                ),
                title="Agency C",
            ),
        ],
        DailyOptions(day=DAY),
    )


def write_briefs(path: Path, *briefs_: object) -> Path:
    path.write_text("".join(b.model_dump_json() + "\n" for b in briefs_), encoding="utf-8")  # type: ignore[attr-defined]
    return path


def test_markdown_shows_summary_groups_sources_and_totals() -> None:
    text = to_markdown(day_one())
    assert text.startswith("# Daily brief: Tuesday 2024-03-05")
    assert "## Summary" in text and "## Afghanistan (1)" in text and "## Mali (1)" in text
    assert text.index("## Afghanistan") < text.index("## Mali")  # the group with the worst entry first
    assert "### I1. Suicide bomb in Kabul, Afghanistan: 8 killed, 25\u201334 injured" in text
    assert "Sources (2):" in text and "Agency A" in text and "Agency B" in text
    assert "| Afghanistan | 1 |" in text
    assert "Why these reports were merged" not in text
    assert "Why these reports were merged" in to_markdown(day_one(), explain=True)


def test_html_is_one_self_contained_page() -> None:
    page = to_html(day_one(), explain=True)
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing to fetch, no external link
    assert '<table id="incidents">' in page and page.count('<tr data-id="') == 2
    assert page.count('<svg class="chart"') == 2
    assert "<script>" in page and "aria-sort" in page
    assert "Why these reports were merged" in page


def test_html_escapes_article_text_and_drops_non_web_links() -> None:
    hostile = brief(
        "x",
        incident("x", place="<script>alert(1)</script>", killed=1),
        title="<img src=x onerror=alert(1)>",
    )
    hostile.article.url = "javascript:alert(1)"
    page = to_html(daily_from_briefs([hostile], DailyOptions(day=DAY)))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert "javascript:" not in page


def test_json_round_trips_and_drives_the_next_day(tmp_path: Path) -> None:
    previous = tmp_path / "day1.json"
    previous.write_text(to_json(day_one()), encoding="utf-8")
    assert DailyBrief.model_validate_json(previous.read_text()) == day_one().model_copy(
        update={"created_at": DailyBrief.model_validate_json(previous.read_text()).created_at}
    )
    follow = brief("d", incident("d", day=None, place="Kabul", killed=11, injured=40), published=NEXT)
    new = brief("e", incident("e", day=NEXT, place="Herat", killed=1))
    day = daily_from_briefs([follow, new], DailyOptions(day=NEXT, previous=previous))
    status = {
        e.location.place: (e.status, e.follow_up.previous_id if e.follow_up else None) for e in day.incidents
    }
    assert status == {"Kabul": ("follow_up", "I1"), "Herat": ("new", None)}
    assert day.previous_date == DAY
    text = to_markdown(day)
    assert "**Follow-up** of I1 in the 2024-03-05 brief" in text and "**New**" in text


def test_cli_writes_each_format_from_briefs_jsonl(tmp_path: Path) -> None:
    briefs = write_briefs(
        tmp_path / "briefs.jsonl",
        brief("a", incident("a", killed=8)),
        brief("b", incident("b", killed=8)),
        brief("c", incident("c", day=DAY - dt.timedelta(days=3), place="Herat")),
    )
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(
        main,
        [
            "daily",
            str(briefs),
            "--date",
            "2024-03-05",
            "--no-model",
            "-o",
            str(out / "b.md"),
            "-o",
            str(out / "b.html"),
            "-o",
            str(out / "b.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    day = json.loads((out / "b.json").read_text())
    assert len(day["incidents"]) == 1 and len(day["incidents"][0]["sources"]) == 2
    assert "# Daily brief" in (out / "b.md").read_text()
    assert (out / "b.html").read_text().startswith("<!DOCTYPE html>")


def test_cli_prints_markdown_without_output_files_and_takes_the_latest_day(tmp_path: Path) -> None:
    briefs = write_briefs(
        tmp_path / "briefs.jsonl",
        brief("a", incident("a")),
        brief("b", incident("b", day=DAY - dt.timedelta(days=2))),
    )
    result = CliRunner().invoke(main, ["daily", str(briefs), "--no-model"])
    assert result.exit_code == 0, result.output
    assert "# Daily brief: Tuesday 2024-03-05" in result.stdout
    assert "latest day with incidents" in result.stderr


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    briefs = write_briefs(tmp_path / "briefs.jsonl", brief("a", incident("a")))
    runner = CliRunner()
    bad_suffix = runner.invoke(main, ["daily", str(briefs), "-o", str(tmp_path / "b.pdf"), "--no-model"])
    assert bad_suffix.exit_code == 2 and ".md, .html or .json" in bad_suffix.output
    missing = runner.invoke(main, ["daily", str(tmp_path / "nope.jsonl"), "--no-model"])
    assert missing.exit_code == 3 and "does not exist" in missing.stderr
    bad_previous = tmp_path / "prev.json"
    bad_previous.write_text("{}", encoding="utf-8")
    result = runner.invoke(main, ["daily", str(briefs), "--previous", str(bad_previous), "--no-model"])
    assert result.exit_code == 3 and "not a daily brief" in result.stderr


def test_articles_are_briefed_through_the_pipeline_and_its_cache(tmp_path: Path) -> None:
    from summarize.testing.canned import detail, survey

    folder = tmp_path / "articles"
    folder.mkdir()
    text = "Gunmen stormed a checkpoint in Gao on Tuesday, killing two soldiers, the army said."
    for name in ("one", "two"):
        (folder / f"{name}.json").write_text(
            json.dumps({"text": f"{text} ({name})", "published_at": "2024-03-06", "title": name}),
            encoding="utf-8",
        )
    stub = {
        "what": "checkpoint attack",
        "place": "Gao",
        "country": "Mali",
        "when": "Tuesday",
        "quote": "Gunmen stormed a checkpoint in Gao on Tuesday, killing two soldiers",
    }
    backend = MockBackend()
    for _ in range(2):
        backend.enqueue(survey(events=[stub]), detail())
    backend.enqueue({"sentences": [{"text": "Two soldiers were killed in Gao.", "incident_ids": ["I1"]}]})
    from summarize.brief.cache import AnswerCache

    with AnswerCache(tmp_path / "cache") as cache:
        briefer = Briefer(backend, cache=cache)
        day = build_daily([folder], DailyOptions(day=DAY), briefer=briefer)
        again = build_daily([folder], DailyOptions(day=DAY), briefer=Briefer(MockBackend(), cache=cache))
    assert len(day.incidents) == 1 and {s.title for s in day.incidents[0].sources} == {"one", "two"}
    assert day.summary.written_by == "model"
    assert again.incidents[0].sources == day.incidents[0].sources and again.summary.cache_hit
