"""The eval gate: the embedded model must keep its measured quality on a fixed subset (``ci.toml``).

This is ``summarize eval`` with the same datasets and minimums, run by ``pytest evals/`` and so
by ``.ci/run``: a prompt or model change that makes briefs worse fails the build. The HTML report
of the run is written next to pytest's temporary files and its path printed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from summarize.config import Settings
from summarize.errors import InputError
from summarize.evals import evaluate
from summarize.evals.render import to_html, to_markdown

HERE = Path(__file__).resolve().parent
CONFIG = tomllib.loads((HERE / "ci.toml").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_embedded_model_meets_the_eval_gate(tmp_path_factory: pytest.TempPathFactory) -> None:
    try:
        outcome = evaluate(
            [str(HERE.parent / spec) if spec.startswith("evals/") else spec for spec in CONFIG["datasets"]],
            Settings.resolve(),
            only=CONFIG["only"],
            minimums=CONFIG["minimums"],
        )
    except InputError as exc:  # the corpus lives in ../shared, which CI provides
        pytest.skip(f"eval data not available: {exc}")
    report = tmp_path_factory.mktemp("eval") / "gate.html"
    report.write_text(to_html(outcome), encoding="utf-8")
    print(f"eval report: {report}")
    assert outcome.passed, "\n".join(outcome.failures) + "\n\n" + to_markdown(outcome)
