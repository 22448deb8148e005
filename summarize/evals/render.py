"""Eval reports for people (Markdown on stdout, one self-contained HTML file) and machines (JSON).

The HTML page carries its CSS inline and fetches nothing, so it can be attached to a CI run
and opened anywhere; each case shows the article with the evidence quotes highlighted
beside gold and predicted values.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ..formats.registry import Format, Formats
from ..schema import Brief
from ..templating import environment
from .report import EvalReport
from .run import Outcome

__all__ = ["EVAL_FORMATS", "Segment", "highlight", "to_html", "to_json", "to_markdown"]


@dataclass(frozen=True)
class Segment:
    """A run of article text, with the evidence fields that quote it (none: plain text)."""

    text: str
    fields: tuple[str, ...] = ()


def highlight(text: str, brief: Brief | None) -> list[Segment]:
    """Cut ``text`` at every verified evidence span so each piece knows which fields quote it."""
    spans = [
        (ev.start, ev.end, ev.field)
        for incident in (brief.incidents if brief else [])
        for ev in incident.evidence
        if ev.verified and ev.start is not None and ev.end is not None and 0 <= ev.start < ev.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments = []
    for start, end in itertools.pairwise(cuts):
        fields = tuple(sorted({f for s, e, f in spans if s <= start and end <= e}))
        segments.append(Segment(text[start:end], fields))
    return segments


@cache
def _env() -> SandboxedEnvironment:
    return environment(
        Path(__file__).resolve().parent / "templates",
        filters={
            "pct": lambda v: "n/a" if v is None else f"{100 * v:.1f}",
            "signed": lambda v: "n/a" if v is None else f"{100 * v:+.1f}",
        },
    )


def _view(outcome: Outcome) -> dict[str, Any]:
    run = outcome.run
    report = run.report
    gold = {case.id: case for case in run.cases}
    return {
        "report": report,
        "metrics": report.metrics(),
        "totals": report.totals(),
        "negatives": report.negatives,
        "deltas": outcome.deltas,
        "failures": outcome.failures,
        "cases": [
            {
                "result": result,
                "case": gold.get(result.case_id),
                "brief": run.briefs.get(result.case_id),
                "segments": highlight(run.texts.get(result.case_id, ""), run.briefs.get(result.case_id)),
                "misses": [f for pair in result.pairs for f in pair.fields if f.score < 1.0],
            }
            for result in report.cases
        ],
    }


def to_markdown(outcome: Outcome) -> str:
    """The per-field table, incident P/R/F1, costs, baseline changes and a per-case diff."""
    return _env().get_template("eval.md.j2").render(**_view(outcome)).rstrip() + "\n"


def to_html(outcome: Outcome) -> str:
    """One self-contained page: the tables, and every case's article with its evidence highlighted."""
    return _env().get_template("eval.html.j2").render(**_view(outcome))


def to_json(report: EvalReport) -> str:
    """The report as JSON: the input of a later ``--baseline``."""
    return report.model_dump_json(indent=2) + "\n"


EVAL_FORMATS: Formats[Outcome] = Formats(
    "eval report",
    [
        Format("md", (".md", ".markdown"), to_markdown, "the tables and a per-case diff"),
        Format("html", (".html", ".htm"), to_html, "a page with each article's evidence highlighted"),
        Format("json", (".json",), lambda outcome: to_json(outcome.run.report), "the input of --baseline"),
    ],
)
