"""The one path every command takes: article -> prompts -> model -> validate -> ground -> brief.

``Briefer.brief`` asks the model twice over (a survey of the article's distinct
incidents, then the details of each), each answer through the cache, and leaves
everything the model is not trusted with to ``assembly``. What was cut, dropped
or not found is said in the brief itself (``grounding``, ``warnings``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .articles import Article, truncate
from .assembly import build_incident, candidate_events, context_facts, share_generic_claims, with_summary
from .backends import create_backend
from .backends.base import Backend, Message, Usage
from .cache import AnswerCache, AnswerKeys
from .config import Settings
from .consistency import lead
from .extraction import IncidentDetail, Survey
from .prompts import PromptSet
from .render import incident_headline
from .schema import (
    SCHEMA_VERSION,
    ArticleMeta,
    Brief,
    Grounding,
    Incident,
    Provenance,
    TokenUsage,
)

__all__ = ["Briefer", "brief_article"]

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)


@dataclass
class _Tally:
    """What one brief cost: summed usage and whether every answer was cached."""

    usage: Usage = field(default_factory=Usage)
    calls: int = 0
    hits: int = 0

    def add(self, usage: Usage, hit: bool) -> None:
        self.usage += usage
        self.calls += 1
        self.hits += int(hit)


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
        self.backend = backend
        self.prompts = prompts or PromptSet()
        self.cache = cache
        self.strict_grounding = strict_grounding
        self.max_article_chars = max_article_chars

    @classmethod
    def from_settings(cls, settings: Settings) -> Briefer:
        prompts = PromptSet(settings.prompts_dir)
        return cls(
            create_backend(settings, prompts),
            prompts=prompts,
            cache=AnswerCache(settings.cache_dir / "answers") if settings.use_cache else None,
            strict_grounding=settings.strict_grounding,
            max_article_chars=settings.max_article_chars,
        )

    def close(self) -> None:
        """Release the cache and the backend (its HTTP pool or model)."""
        if self.cache is not None:
            self.cache.close()
        self.backend.close()

    @cached_property
    def _identity(self) -> dict[str, Any]:
        return dict(self.backend.identity())

    @cached_property
    def _keys(self) -> AnswerKeys:
        return AnswerKeys(self._identity, self.prompts.version)

    # -- model calls -----------------------------------------------------------------------------

    def ask(self, messages: Sequence[Message], model: type[T]) -> tuple[T, bool]:
        """One structured answer through this briefer's backend and cache (for tasks beside briefing),
        and whether it came from the cache."""
        tally = _Tally()
        value = self._ask(messages, model, tally)
        return value, tally.hits == 1

    def _ask(self, messages: Sequence[Message], model: type[T], tally: _Tally) -> T:
        key = self._keys.key(messages, model)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            try:
                value = model.model_validate(hit["value"])
                tally.add(Usage(**hit["usage"]), hit=True)
                log.debug("cache hit %s for %s", key[:12], model.__name__)
                return value
            except (KeyError, TypeError, ValidationError):
                log.debug("ignoring stale cache entry %s", key[:12])
        completion = self.backend.complete(messages, model)
        tally.add(completion.usage, hit=False)
        if self.cache is not None:
            self.cache.set(
                key, {"value": completion.value.model_dump(mode="json"), "usage": asdict(completion.usage)}
            )
        return completion.value

    # -- the brief -------------------------------------------------------------------------------

    def brief(self, article: Article, progress: Callable[[str], None] | None = None) -> Brief:
        """Brief one article; ``progress`` hears a line before each model call."""
        report = progress or (lambda _msg: None)
        started = time.monotonic()
        warnings: list[str] = []
        seen, was_cut = truncate(article, self.max_article_chars)
        if was_cut:
            warnings.append(
                f"article truncated to {len(seen.text)} of {len(article.text)} characters "
                "(max_article_chars); incidents after the cut are not briefed"
            )
        tally = _Tally()
        report("listing incidents")
        survey = self._ask(self.prompts.survey_messages(seen), Survey, tally)
        stubs, aggregates = candidate_events(survey, seen.text)
        incidents: list[Incident] = []
        for number, stub in enumerate(stubs, start=1):
            report(f"incident {number}/{len(stubs)}: {stub.what}")
            detail = self._ask(self.prompts.detail_messages(seen, stub), IncidentDetail, tally)
            incidents.append(build_incident(f"{article.id}#{number}", stub, detail, seen))
        incidents = [
            with_summary(incident, stub.what)
            for incident, stub in zip(share_generic_claims(incidents, seen.text), stubs, strict=True)
        ]

        summary = lead(seen.text)
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

        return Brief(
            article=ArticleMeta(
                id=article.id,
                title=article.title,
                url=article.url,
                published_at=article.published_at,
                source=article.source,
                chars=len(article.text),
                truncated_at=len(seen.text) if was_cut else None,
            ),
            headline=incident_headline(incidents) if incidents else survey.headline,
            summary=summary,
            is_incident_report=bool(incidents),
            incidents=incidents,
            context=context_facts([*survey.context, *aggregates], seen.text, summary),
            grounding=Grounding(
                quotes=len(quotes),
                verified=len(quotes) - len(unverified),
                unverified=unverified,
                incidents_dropped=dropped,
            ),
            warnings=warnings,
            provenance=Provenance(
                model=self.backend.model_id,
                backend=str(self._identity.get("backend", "unknown")),
                prompt_version=self.prompts.version,
                schema_version=SCHEMA_VERSION,
                created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                usage=TokenUsage(**asdict(tally.usage), requests=tally.calls),
                cache_hit=tally.calls > 0 and tally.hits == tally.calls,
                elapsed_s=round(time.monotonic() - started, 3),
            ),
        )


def brief_article(article: Article, settings: Settings | None = None) -> Brief:
    """Brief one article with the given (or environment's) settings."""
    briefer = Briefer.from_settings(settings or Settings.resolve())
    try:
        return briefer.brief(article)
    finally:
        briefer.close()
