"""Where a daily brief's incidents come from: existing briefs, or articles briefed on the way.

``INPUT`` may be brief files (``briefs.jsonl`` from ``summarize batch``, or one
``summarize brief`` JSON) or articles (files, folders, globs, ``.jsonl`` records),
told apart by content: a JSON object with the incident-brief schema version is a
brief, anything else an article. Articles go through the ordinary pipeline and
its answer cache, so a second daily run over the same folder costs no model call.

The same article briefed twice (a batch re-run under another configuration
appends a second brief) counts once: the last brief read wins.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, ModelUnavailable, SummarizeError
from ..inputs.articles import Article
from ..inputs.discover import MAX_INPUT_BYTES, Unreadable, iter_articles, resolve_inputs
from ..schema import SCHEMA_VERSION, ArticleMeta, Brief, Incident
from .model import DateBasis

__all__ = ["BriefSource", "Loaded", "Reported", "load_briefs", "reports_of"]

log = logging.getLogger(__name__)


#: Something that briefs one article (``Briefer.brief``), made only when an article needs it.
BriefSource = Callable[[], Callable[[Article], Brief]]


@dataclass(frozen=True)
class Reported:
    """One incident as one article reports it, filed under a day."""

    incident: Incident
    article: ArticleMeta
    day: dt.date
    basis: DateBasis

    @property
    def precise(self) -> bool:
        """True when the article itself dates the incident to the day."""
        return self.basis == "reported" and self.incident.date_precision == "day"

    @property
    def label(self) -> str:
        """How the source is named to a reader."""
        if self.article.title:
            return self.article.title
        if self.article.source and self.article.source != "-":
            return Path(self.article.source).name
        return self.article.id


@dataclass
class Loaded:
    """The briefs read, and what could not be read or briefed."""

    briefs: list[Brief] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _first_json(path: Path) -> Any:
    """The first JSON value of a .json file or the first line of a .jsonl file (None if unreadable)."""
    try:
        with open(path, encoding="utf-8") as stream:
            if path.suffix.lower() == ".jsonl":
                for line in stream:
                    if line.strip():
                        return json.loads(line)
                return None
            return json.loads(stream.read(MAX_INPUT_BYTES))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _is_brief_file(path: Path) -> bool:
    if not path.is_file() or path.suffix.lower() not in {".json", ".jsonl"}:
        return False
    first = _first_json(path)
    return isinstance(first, dict) and first.get("schema_version") == SCHEMA_VERSION


def _read_brief_file(path: Path, loaded: Loaded) -> Iterator[Brief]:
    with open(path, encoding="utf-8") as stream:
        lines = stream if path.suffix.lower() == ".jsonl" else [stream.read()]
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield Brief.model_validate_json(line)
            except ValidationError as exc:
                where = f"{path}:{number}" if path.suffix.lower() == ".jsonl" else str(path)
                loaded.failures.append(f"{where}: not a valid brief ({exc.error_count()} errors)")


def load_briefs(
    inputs: Sequence[str | Path],
    brief_source: BriefSource,
    progress: Callable[[str], None] | None = None,
) -> Loaded:
    """Read brief files and brief the articles among ``inputs``; one brief per article id.

    Raises ``InputError`` when an input names nothing, and the first error when no
    article could be briefed at all (a missing model fails every article alike).
    """
    report = progress or (lambda _msg: None)
    loaded = Loaded()
    by_id: dict[str, Brief] = {}
    article_inputs: list[str] = []
    for raw in resolve_inputs(inputs):
        path = Path(raw)
        if _is_brief_file(path):
            for brief in _read_brief_file(path, loaded):
                by_id[brief.article.id] = brief
        else:
            article_inputs.append(raw)
    if article_inputs:
        briefed, first_error = 0, None
        brief_one: Callable[[Article], Brief] | None = None
        for item in iter_articles(article_inputs, max_bytes=MAX_INPUT_BYTES):
            if isinstance(item, Unreadable):
                loaded.failures.append(f"{item.source}: {item.error}")
                continue
            if brief_one is None:
                brief_one = brief_source()
            report(f"briefing {item.source or item.id}")
            try:
                brief = brief_one(item)
            except ModelUnavailable:
                raise
            except SummarizeError as exc:
                first_error = first_error or exc
                loaded.failures.append(f"{item.source or item.id}: {exc}")
                continue
            briefed += 1
            by_id[brief.article.id] = brief
        if first_error is not None and not briefed:
            raise first_error
    loaded.briefs = list(by_id.values())
    if not loaded.briefs and not loaded.failures:
        raise InputError(f"no article or brief found in {', '.join(map(str, inputs))}", reason="empty")
    return loaded


def reports_of(briefs: Sequence[Brief]) -> tuple[list[Reported], int]:
    """Every incident filed under its day, and how many had no date at all (left out)."""
    reports: list[Reported] = []
    undated = 0
    for brief in briefs:
        for incident in brief.incidents:
            if incident.date is not None:
                reports.append(Reported(incident, brief.article, incident.date, "reported"))
            elif brief.article.published_at is not None:
                reports.append(Reported(incident, brief.article, brief.article.published_at, "publication"))
            else:
                undated += 1
    return reports, undated
