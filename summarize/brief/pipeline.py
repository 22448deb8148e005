"""The one path every command takes: article -> prompts -> model -> validate -> ground -> brief.

``Briefer.brief`` asks the model twice over (a survey of the article's distinct
incidents, then the details of each), each answer through the ``client`` and its
cache, and leaves everything the model is not trusted with to ``assembly``. What was
cut, dropped or not found is said in the brief itself (``grounding``, ``warnings``).

The brief is written once, without I/O (``Briefer._steps``, a generator that yields
each model question and is sent its answer); ``brief`` answers with blocking calls,
``abrief`` with awaited ones, so the two cannot drift apart.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple, cast

from pydantic import BaseModel

from ..backends import create_backend
from ..backends.base import Backend, Message, Usage
from ..config import Settings
from ..inputs.articles import Article, truncate
from ..schema import (
    SCHEMA_VERSION,
    ArticleMeta,
    Brief,
    Grounding,
    Incident,
    Provenance,
    TokenUsage,
)
from ..text.sentences import lead
from .assembly import build_incident, candidate_events, context_facts, share_generic_claims, with_summary
from .cache import AnswerCache, cache_key
from .client import Answer, ModelClient
from .extraction import IncidentDetail, Survey
from .prompts import PromptSet
from .responsibility import responsibility_leads
from .wording import incident_headline

__all__ = ["Briefer", "brief_article"]


@dataclass
class _Tally:
    """What one brief cost: summed usage and whether every answer was cached."""

    usage: Usage = field(default_factory=Usage)
    calls: int = 0
    hits: int = 0

    def add(self, answer: Answer[Any]) -> Any:
        self.usage += answer.usage
        self.calls += 1
        self.hits += int(answer.cached)
        return answer.value


class _Ask(NamedTuple):
    """One question ``Briefer._steps`` needs answered: messages, and the answer's class."""

    messages: Sequence[Message]
    model: type[BaseModel]


class Briefer:
    """Turns articles into briefs with one backend, one prompt set and one cache."""

    def __init__(
        self,
        backend: Backend,
        *,
        prompts: PromptSet | None = None,
        cache: AnswerCache | None = None,
        strict_grounding: bool = False,
        max_article_chars: int = 20_000,
    ) -> None:
        self.prompts = prompts or PromptSet()
        self.client = ModelClient(backend, cache, self.prompts.version)
        self.strict_grounding = strict_grounding
        self.max_article_chars = max_article_chars

    @classmethod
    def from_settings(cls, settings: Settings) -> Briefer:
        prompts = PromptSet(settings.prompts_dir)
        return cls(
            create_backend(settings, reask=prompts.reask),
            prompts=prompts,
            cache=AnswerCache(settings.cache_dir / "answers") if settings.use_cache else None,
            strict_grounding=settings.strict_grounding,
            max_article_chars=settings.max_article_chars,
        )

    @property
    def backend(self) -> Backend:
        return self.client.backend

    @property
    def cache(self) -> AnswerCache | None:
        return self.client.cache

    def with_backend(self, backend: Backend) -> Briefer:
        """A copy of this briefer (its class, prompts, cache and settings) asking ``backend``."""
        other = copy.copy(self)
        other.client = ModelClient(backend, self.cache, self.prompts.version)
        return other

    def close(self) -> None:
        """Release the cache and the backend (its HTTP pool or model)."""
        if self.cache is not None:
            self.cache.close()
        self.backend.close()

    def __enter__(self) -> Briefer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fingerprint(self) -> tuple[str, dict[str, Any]]:
        """A short hash of everything that changes a brief, and what it is made of.

        The backend identity (as in the answer cache key), the prompt and schema versions,
        and the pipeline settings: a batch resumes only briefs written under the same one.
        """
        config: dict[str, Any] = {
            "backend": dict(self.client.identity),
            "prompt_version": self.prompts.version,
            "schema_version": SCHEMA_VERSION,
            "strict_grounding": self.strict_grounding,
            "max_article_chars": self.max_article_chars,
        }
        return cache_key(config)[:16], config

    # -- the brief -------------------------------------------------------------------------------

    @property
    def is_async(self) -> bool:
        """Whether ``abrief`` can be used: the backend answers on an event loop (``AsyncBackend``)."""
        return self.client.is_async

    def brief(self, article: Article, progress: Callable[[str], None] | None = None) -> Brief:
        """Brief one article; ``progress`` hears a line before each model call."""
        tally = _Tally()
        steps = self._steps(article, tally, progress)
        ask = next(steps)
        try:
            while True:
                ask = steps.send(tally.add(self.client.ask(ask.messages, ask.model)))
        except StopIteration as finished:
            return cast(Brief, finished.value)

    async def abrief(self, article: Article, progress: Callable[[str], None] | None = None) -> Brief:
        """``brief`` on an event loop: many articles at once in one thread (needs ``is_async``)."""
        tally = _Tally()
        steps = self._steps(article, tally, progress)
        ask = next(steps)
        try:
            while True:
                ask = steps.send(tally.add(await self.client.aask(ask.messages, ask.model)))
        except StopIteration as finished:
            return cast(Brief, finished.value)

    def _steps(
        self, article: Article, tally: _Tally, progress: Callable[[str], None] | None
    ) -> Generator[_Ask, Any, Brief]:
        """The brief without its I/O: yields each model question, is sent its answer, returns the brief."""
        report = progress or (lambda _msg: None)
        started = time.monotonic()
        seen, was_cut = truncate(article, self.max_article_chars)
        report("listing incidents")
        survey: Survey = yield _Ask(self.prompts.survey_messages(seen), Survey)
        stubs, aggregates = candidate_events(survey, seen)
        claims, blame = responsibility_leads(seen.text) if stubs else ([], [])
        incidents: list[Incident] = []
        for number, stub in enumerate(stubs, start=1):
            report(f"incident {number}/{len(stubs)}: {stub.what}")
            messages = self.prompts.detail_messages(seen, stub, claims=claims, blame=blame)
            detail: IncidentDetail = yield _Ask(messages, IncidentDetail)
            incidents.append(build_incident(f"{article.id}#{number}", stub, detail, seen))
        incidents = [
            with_summary(incident, stub.what)
            for incident, stub in zip(share_generic_claims(incidents, seen.text), stubs, strict=True)
        ]
        summary = lead(seen.text)
        grounded = self._grounded(
            incidents, truncated=(len(seen.text), len(article.text)) if was_cut else None
        )
        kept: list[Incident] = grounded["incidents"]
        return Brief(
            article=_meta(article, seen, was_cut),
            headline=incident_headline(kept) if kept else survey.headline,
            summary=summary,
            is_incident_report=bool(kept),
            context=context_facts(aggregates, seen.text, summary),
            **grounded,
            provenance=self._provenance(tally, started),
        )

    def _grounded(self, incidents: list[Incident], truncated: tuple[int, int] | None) -> dict[str, Any]:
        """The incidents kept, how their quotes were found, and what the reader should be warned of."""
        warnings: list[str] = []
        if truncated is not None:
            warnings.append(
                f"article truncated to {truncated[0]} of {truncated[1]} characters "
                "(max_article_chars); incidents after the cut are not briefed"
            )
        quotes = [ev for inc in incidents for ev in inc.evidence]
        dropped = 0
        if self.strict_grounding:
            kept = [inc for inc in incidents if any(ev.verified for ev in inc.evidence)]
            dropped = len(incidents) - len(kept)
            incidents = kept
        unverified = [ev.quote for ev in quotes if not ev.verified]
        if unverified:
            warnings.append(
                f"{len(unverified)} of {len(quotes)} evidence quotes were not found in the article"
            )
        if dropped:
            warnings.append(f"{dropped} incident(s) dropped for lack of verified evidence (strict grounding)")
        grounding = Grounding(
            quotes=len(quotes),
            verified=len(quotes) - len(unverified),
            unverified=unverified,
            incidents_dropped=dropped,
        )
        return {"incidents": incidents, "grounding": grounding, "warnings": warnings}

    def _provenance(self, tally: _Tally, started: float) -> Provenance:
        return Provenance(
            model=self.backend.model_id,
            backend=str(self.client.identity.get("backend", "unknown")),
            prompt_version=self.prompts.version,
            schema_version=SCHEMA_VERSION,
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            usage=TokenUsage(**asdict(tally.usage), requests=tally.calls),
            cache_hit=tally.calls > 0 and tally.hits == tally.calls,
            elapsed_s=round(time.monotonic() - started, 3),
        )


def _meta(article: Article, seen: Article, was_cut: bool) -> ArticleMeta:
    """What the brief says of its article: everything ``Article`` holds but the text, and its length."""
    described = {name: value for name, value in asdict(article).items() if name != "text"}
    return ArticleMeta(**described, chars=len(article.text), truncated_at=len(seen.text) if was_cut else None)


def brief_article(
    article: Article, settings: Settings | None = None, progress: Callable[[str], None] | None = None
) -> Brief:
    """Brief one article with the given (or environment's) settings; ``progress`` hears each step."""
    with Briefer.from_settings(settings or Settings.resolve()) as briefer:
        return briefer.brief(article, progress)
