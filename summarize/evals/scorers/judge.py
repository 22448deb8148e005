"""The optional judge: does the article support each sentence the brief writes?

A model (the one that briefs, through the same client and answer cache) reads the article
and a numbered list of the brief's summary sentences (``prompts/eval/judge.*.j2``) and
answers, per number, whether the article states it. The score is the share supported;
a statement the judge gives no verdict on counts as unsupported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from ...backends.base import Message
from ...brief.pipeline import Briefer
from ...brief.prompts import PromptSet, for_model
from ...errors import SummarizeError
from ...inputs.articles import Article
from ...schema import Brief
from .base import Sample, Scores

__all__ = ["JudgeScorer", "JudgeVerdict", "judge_brief", "judge_messages"]

log = logging.getLogger(__name__)


class StatementVerdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(description="The statement's number.", ge=1, le=50)
    supported: bool = Field(description="True when the article states it.")


class JudgeVerdict(BaseModel):
    """The judge's answer: one verdict per numbered statement."""

    model_config = ConfigDict(extra="forbid")

    verdicts: list[StatementVerdict] = Field(description="One verdict per statement.", max_length=50)


def judge_messages(prompts: PromptSet, article: Article, statements: Sequence[str]) -> list[Message]:
    """The judge's question: which of ``statements`` does ``article`` support?"""
    user = prompts.render(
        "eval/judge.user.j2",
        title=for_model(article.title),
        text=for_model(article.text),
        statements=[for_model(s) for s in statements],
    )
    return [
        {"role": "system", "content": prompts.render("eval/judge.system.j2")},
        {"role": "user", "content": user},
    ]


def judge_brief(briefer: Briefer, article: Article, brief: Brief) -> float | None:
    """Share of the brief's summary sentences the judge finds supported (a missing verdict is not)."""
    statements = [brief.summary, *(incident.summary for incident in brief.incidents)]
    statements = [s for s in statements if s.strip()]
    if not statements:
        return None
    answer = briefer.client.ask(judge_messages(briefer.prompts, article, statements), JudgeVerdict)
    supported = {v.number for v in answer.value.verdicts if v.supported and v.number <= len(statements)}
    return len(supported) / len(statements)


class JudgeScorer:
    """The judge over a run: the mean share of supported sentences (``judge``), and each case's."""

    name = "judge"
    metrics = frozenset({"judge"})

    def __init__(self, briefer: Briefer, progress: Callable[[int, int, str], None] | None = None) -> None:
        self.briefer = briefer
        self.progress = progress

    def score(self, samples: Sequence[Sample]) -> Scores:
        judged: dict[str, float] = {}
        for done, sample in enumerate(samples):
            if self.progress:
                self.progress(done, len(samples), f"judge: {sample.case.id}")
            if sample.article is None or sample.brief is None:
                continue
            try:
                value = judge_brief(self.briefer, sample.article, sample.brief)
            except SummarizeError as exc:
                log.warning("case %s: judge failed: %s", sample.case.id, exc)
                continue
            if value is not None:
                judged[sample.case.id] = value
        metrics = {"judge": sum(judged.values()) / len(judged)} if judged else {}
        return Scores(metrics, judged)
