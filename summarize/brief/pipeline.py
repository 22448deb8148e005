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
from collections.abc import Callable, Generator, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, TypeVar, cast

from pydantic import BaseModel, ValidationError

from ..backends import create_backend
from ..backends.base import AsyncBackend, Backend, Completion, Message, Usage
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
from .assembly import build_incident, candidate_events, context_facts, share_generic_claims, with_summary
from .cache import AnswerCache, AnswerKeys
from .checks import lead
from .extraction import IncidentDetail, Survey
from .prompts import PromptSet
from .wording import incident_headline

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


class _Ask(NamedTuple):
    """One question ``Briefer._steps`` needs answered: messages, the answer's class, whose cost it is."""

    messages: Sequence[Message]
    model: type[BaseModel]
    tally: _Tally


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

    def _cached(self, key: str, model: type[T], tally: _Tally) -> T | None:
        if self.cache is None or (hit := self.cache.get(key)) is None:
            return None
        try:
            value = model.model_validate(hit["value"])
        except (KeyError, TypeError, ValidationError):
            log.debug("ignoring stale cache entry %s", key[:12])
            return None
        tally.add(Usage(**hit["usage"]), hit=True)
        log.debug("cache hit %s for %s", key[:12], model.__name__)
        return value

    def _store(self, key: str, completion: Completion[T], tally: _Tally) -> T:
        tally.add(completion.usage, hit=False)
        if self.cache is not None:
            self.cache.set(
                key, {"value": completion.value.model_dump(mode="json"), "usage": asdict(completion.usage)}
            )
        return completion.value

    def _ask(self, messages: Sequence[Message], model: type[T], tally: _Tally) -> T:
        key = self._keys.key(messages, model)
        if (value := self._cached(key, model, tally)) is not None:
            return value
        return self._store(key, self.backend.complete(messages, model), tally)

    async def _aask(self, messages: Sequence[Message], model: type[T], tally: _Tally) -> T:
        key = self._keys.key(messages, model)
        if (value := self._cached(key, model, tally)) is not None:
            return value
        backend = cast(AsyncBackend, self.backend)
        return self._store(key, await backend.acomplete(messages, model), tally)

    # -- the brief -------------------------------------------------------------------------------

    @property
    def is_async(self) -> bool:
        """Whether ``abrief`` can be used: the backend answers on an event loop (``AsyncBackend``)."""
        return isinstance(self.backend, AsyncBackend)

    def brief(self, article: Article, progress: Callable[[str], None] | None = None) -> Brief:
        """Brief one article; ``progress`` hears a line before each model call."""
        steps = self._steps(article, progress)
        ask = next(steps)
        try:
            while True:
                ask = steps.send(self._ask(ask.messages, ask.model, ask.tally))
        except StopIteration as finished:
            return cast(Brief, finished.value)

    async def abrief(self, article: Article, progress: Callable[[str], None] | None = None) -> Brief:
        """``brief`` on an event loop: many articles at once in one thread (needs ``is_async``)."""
        steps = self._steps(article, progress)
        ask = next(steps)
        try:
            while True:
                ask = steps.send(await self._aask(ask.messages, ask.model, ask.tally))
        except StopIteration as finished:
            return cast(Brief, finished.value)

    def _steps(self, article: Article, progress: Callable[[str], None] | None) -> Generator[_Ask, Any, Brief]:
        """The brief without its I/O: yields each model question, is sent its answer, returns the brief.

        ``brief`` and ``abrief`` drive it, so the two cannot drift apart.
        """
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
        survey: Survey = yield _Ask(self.prompts.survey_messages(seen), Survey, tally)
        stubs, aggregates = candidate_events(survey, seen.text)
        incidents: list[Incident] = []
        for number, stub in enumerate(stubs, start=1):
            report(f"incident {number}/{len(stubs)}: {stub.what}")
            asked = _Ask(self.prompts.detail_messages(seen, stub), IncidentDetail, tally)
            detail: IncidentDetail = yield asked
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
