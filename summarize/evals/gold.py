"""The gold format: one case is an article plus the brief a careful reader would write.

Gold is written in the brief's own field names (``summarize.schema.Incident``), so a
``summarize brief`` output and a gold case compare field by field. Three additions make
hand labels honest rather than brittle:

* a field left out of a gold incident is *unscored* (the labeller, or the source key, does
  not code it); an explicit ``null`` is scored and means "the article does not report it";
* any value may be ``{"any_of": [...]}``: each alternative is acceptable (a casualty count
  that one source gives as 25 and a later one as 34; "Ain al-Assad" or "Ain al-Asad air base");
* a list item (a perpetrator, a target) may be ``{"any_of": [...], "optional": true}``: found
  it counts, missed it costs nothing (MUC-4's ``?`` fills).

A case file is JSON (one case) or JSONL (one case per line); the article is given inline
(``text``) or by a ``path`` relative to the case file, so corpora stay where they are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InputError
from ..inputs import Article, article_from_text, load_article
from ..schema import DatePrecision, EventType, Outcome, Responsibility, SubEventType, Weapon

__all__ = [
    "AnyOf",
    "Case",
    "CaseArticle",
    "GoldBrief",
    "GoldIncident",
    "GoldLocation",
    "Item",
    "alternatives",
    "load_cases",
]

T = TypeVar("T")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnyOf(_Strict, Generic[T]):
    """Acceptable alternatives for one value."""

    any_of: list[T] = Field(min_length=1, description="Each of these is a correct answer.")


class Item(_Strict):
    """One member of a gold name list, with its aliases; optional members cost nothing when missed."""

    any_of: list[str] = Field(min_length=1, description="Names that all denote this member.")
    optional: bool = Field(default=False, description="Finding it counts; missing it is not an error.")


NameItem = str | Item
Count = int | None


def alternatives(value: T | AnyOf[T]) -> list[T]:
    """The acceptable values of a gold field, whether or not it was written with ``any_of``."""
    return list(value.any_of) if isinstance(value, AnyOf) else [value]


class GoldLocation(_Strict):
    place: str | AnyOf[str | None] | None = None
    admin1: str | AnyOf[str | None] | None = None
    country: str | None = Field(default=None, description="Country name or ISO-3 code.")


class GoldIncident(_Strict):
    """One expected incident; fields left out are not scored."""

    label: str | None = Field(default=None, description="A few words for people reading the report.")
    optional: bool = Field(default=False, description="Finding it counts; missing it is not an error.")
    event_type: EventType | AnyOf[EventType] | None = None
    sub_event_type: SubEventType | AnyOf[SubEventType] | None = None
    date: dt.date | AnyOf[dt.date | None] | None = None
    date_precision: DatePrecision = "day"
    location: GoldLocation | None = None
    perpetrators: list[NameItem] | None = None
    responsibility: Responsibility | AnyOf[Responsibility] | None = None
    claimed_by: list[NameItem] | None = None
    targets: list[NameItem] | None = None
    weapons: list[Weapon] | AnyOf[list[Weapon]] | None = None
    fatalities: Count | AnyOf[Count] = None
    injured: Count | AnyOf[Count] = None
    outcome: Outcome | AnyOf[Outcome] | None = None

    @field_validator("fatalities", "injured", mode="before")
    @classmethod
    def _casualties_object(cls, value: Any) -> Any:
        # accept the brief's own shape ({"count": 3, "qualifier": "exact"}) as well as a bare count
        if isinstance(value, dict) and "count" in value:
            return value["count"]
        return value

    def scored(self, name: str) -> bool:
        """True when the labeller gave this field (``null`` included)."""
        return name in self.model_fields_set


class GoldBrief(_Strict):
    is_incident_report: bool | None = Field(
        description="False for an article that reports no incident; null when the source does not code it "
        "(then predicted incidents count neither for nor against)."
    )
    incidents: list[GoldIncident] = Field(default_factory=list)
    uncoded_event_types: list[EventType] = Field(
        default_factory=list,
        description="Event types the labels do not cover (MUC-4 codes no battles): a predicted incident "
        "of such a type that matches no gold incident is not counted as spurious.",
    )

    @model_validator(mode="after")
    def _negatives_have_no_incidents(self) -> GoldBrief:
        if self.is_incident_report is False and self.incidents:
            raise ValueError("a case with is_incident_report false cannot list incidents")
        return self


class CaseArticle(_Strict):
    text: str | None = None
    path: str | None = Field(default=None, description="Article file, relative to the case file.")
    muc4: str | None = Field(
        default=None,
        description='A MUC-4 message id ("TST4-MUC4-0008"), read from the corpus in ../shared at run time; '
        "its dateline date is the publication date unless published_at is given.",
    )
    published_at: dt.date | None = None
    title: str | None = None
    url: str | None = None
    licence: str | None = Field(
        default=None,
        description='Whose text it is and on what terms ("CC BY 2.5, Wikinews", "public domain, VOA").',
    )

    @model_validator(mode="after")
    def _one_source(self) -> CaseArticle:
        if sum(value is not None for value in (self.text, self.path, self.muc4)) != 1:
            raise ValueError("give the article as exactly one of text, path or muc4")
        return self


class Case(_Strict):
    """An article and its expected brief."""

    id: str
    labelled_by: str = Field(description="Who labelled it and how (by hand, imported from a key, ...).")
    notes: str | None = None
    article: CaseArticle
    expected: GoldBrief
    origin: Path | None = Field(default=None, exclude=True, description="Where the case was read from.")

    def load_article(self) -> Article:
        """The article, read from its path or built from the inline text."""
        if self.article.path is not None:
            base = self.origin.parent if self.origin is not None else Path.cwd()
            loaded = load_article(base / self.article.path, published=self.article.published_at)
            if self.article.title is not None:
                loaded = article_from_text(
                    loaded.text,
                    title=self.article.title,
                    url=self.article.url,
                    published_at=loaded.published_at,
                    source=loaded.source,
                )
            return loaded
        text, published = self.article.text, self.article.published_at
        if self.article.muc4 is not None:
            from .muc4.texts import message_text  # the corpus is read only when a case needs it

            message = message_text(self.article.muc4)
            text, published = message.text, published or message.date
        assert text is not None
        return article_from_text(
            text,
            title=self.article.title,
            url=self.article.url,
            published_at=published,
            source=f"case:{self.id}",
        )


def _case(obj: Any, origin: Path, where: str) -> Case:
    try:
        case = Case.model_validate(obj)
    except ValidationError as exc:
        raise InputError(
            f"{where}: not a valid gold case: {exc}", path=str(origin), reason="bad-case"
        ) from exc
    return case.model_copy(update={"origin": origin})


def _read(path: Path) -> Iterator[Case]:
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", path=str(path), reason="unreadable") from exc
    if path.suffix == ".jsonl":
        for number, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                yield _case(_json(line, f"{path}:{number}", path), path, f"{path}:{number}")
    else:
        yield _case(_json(raw, str(path), path), path, str(path))


def _json(raw: str, where: str, path: Path) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON: {exc.msg}", path=str(path), reason="bad-json") from exc


def load_cases(paths: Sequence[str | Path]) -> list[Case]:
    """Gold cases from case files (``.json``/``.jsonl``) or folders of them, in a stable order."""
    cases: list[Case] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in {".json", ".jsonl"} and p.is_file())
            if not files:
                raise InputError(f"no .json or .jsonl case files in {path}", path=str(path), reason="empty")
            for file in files:
                cases.extend(_read(file))
        elif path.is_file():
            cases.extend(_read(path))
        else:
            raise InputError(f"no such dataset: {path}", path=str(path), reason="missing")
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise InputError(f"duplicate case id {case.id!r}", path=str(case.origin), reason="duplicate")
        seen.add(case.id)
    return cases
