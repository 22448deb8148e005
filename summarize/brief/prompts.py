"""Render the chat messages for each extraction pass from ``prompts/*.j2``.

Prompts are files, not Python strings, so they can be read and diffed as prose.
They are rendered in a sandbox with ``StrictUndefined``: a misspelt variable is an
error, not an empty string. The article is only ever a *value* handed to a
template -- its text is never compiled as one -- so ``{{ 7*7 }}`` in an article
comes out literally.

The system message is the same for every call (instructions, field guide, no
article), and the article comes last, so a backend can reuse the evaluated
prefix across calls and articles. ``version`` hashes every template file; it goes
into provenance and into the cache key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, overload

from pydantic import BaseModel

from .._resources import prompts_dir
from ..backends.base import Message
from ..inputs.articles import Article
from ..schema import TargetType, Weapon
from ..templating import environment
from .extraction import EventStub, IncidentDetail, Survey

__all__ = ["PromptSet", "for_model"]


def _field_guide(model: type[BaseModel], prefix: str = "") -> list[dict[str, str]]:
    """Name and description of each field, in schema order: the model's reading of the schema."""
    return [
        {"name": prefix + name, "description": info.description or name.replace("_", " ")}
        for name, info in model.model_fields.items()
    ]


class PromptSet:
    """The templates in one directory, rendered into chat messages."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or prompts_dir()
        self._env = environment(self.directory)  # never reloaded: ``version`` hashed these bytes

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as its directory (a worker process renders the same templates)."""
        return (type(self), (self.directory,))

    @cached_property
    def version(self) -> str:
        """A short hash of the briefing templates: the ``*.j2`` files at the top of the directory.

        Other tasks keep their templates in subfolders (``eval/``, ``daily/``) and version them
        with ``version_of``, so a new judge prompt does not invalidate every cached brief.
        """
        return self.version_of(sorted(self.directory.glob("*.j2")))

    def version_of(self, paths: Sequence[Path | str]) -> str:
        """A short hash of some template files (names relative to the directory, and bytes)."""
        digest = hashlib.sha256()
        for given in paths:
            path = given if isinstance(given, Path) else self.directory / given
            digest.update(path.relative_to(self.directory).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
        return digest.hexdigest()[:12]

    @cached_property
    def system(self) -> str:
        """The static system message shared by every call."""
        return self.render(
            "brief.system.j2",
            survey_fields=_field_guide(Survey) + _field_guide(EventStub, prefix="events[]."),
            detail_fields=_field_guide(IncidentDetail),
            target_types=[t.value for t in TargetType],
            weapons=[w.value for w in Weapon],
        )

    def render(self, name: str, **values: Any) -> str:
        return self._env.get_template(name).render(**values).strip()

    def survey_messages(self, article: Article) -> list[Message]:
        """Pass 1: list the distinct incidents of ``article``."""
        return self._messages("survey.user.j2", article)

    def detail_messages(
        self, article: Article, event: EventStub, *, claims: Sequence[str] = (), blame: Sequence[str] = ()
    ) -> list[Message]:
        """Pass 2: the facts of one ``event`` of ``article``.

        ``claims`` and ``blame`` are the article's sentences that report claims of
        responsibility and accusations (``responsibility.responsibility_leads``), shown to the model
        labelled, so that it neither overlooks a claim made elsewhere nor takes blame for one.
        """
        return self._messages(
            "detail.user.j2",
            article,
            event=event,
            claims=[for_model(s) for s in claims],
            blame=[for_model(s) for s in blame],
        )

    def reask(self, errors: Sequence[str]) -> str:
        """The message that asks a model again after an answer failed validation with ``errors``."""
        return self.render("reask.user.j2", errors=list(errors))

    def _messages(self, template: str, article: Article, **values: Any) -> list[Message]:
        user = self.render(template, title=for_model(article.title), text=for_model(article.text), **values)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


# Double quotes inside the article end a JSON string early when a small model copies them
# into a quote field, so the model sees them as single quotes; grounding ignores the difference.
_DOUBLE_QUOTES = str.maketrans(dict.fromkeys('"\u201c\u201d\u201e\u00ab\u00bb', "'"))
# An article must not be able to close its own <article> block.
_DELIMITER = re.compile(r"</?\s*article\s*>", re.IGNORECASE)
# Sentences that address the model rather than the reader. A 1.5B model obeys "output an
# empty list" even when told that the article is data, so the model sees a marker instead;
# the brief (summary, quotes, offsets) still uses the article's own text.
_ADDRESSING = (
    r"\b(?:"
    r"(?:ignore|disregard|forget|override)\b[^.!?\n]{0,25}"
    r"\b(?:previous|prior|above|earlier|all|any|your|these|system)\b[^.!?\n]{0,15}"
    r"\b(?:instructions?|prompts?|rules|directions)"
    r"|(?:output|return|respond|reply|answer|print)\b[^.!?\n]{0,30}\b(?:empty|nothing|no incidents?|\[\])"
    r"|you are now\b|new instructions?\s*:|system prompt"
    r")"
)
# The whole sentence around such words. Searched for directly, its leading ``[^.!?\n]*``
# is tried at every position of every sentence (~17 ms on a 2,500-character article, per
# call); ``_mask_addressed`` finds the words first and matches the sentence from its start.
_ADDRESSED_TO_MODEL = re.compile(r"[^.!?\n]*" + _ADDRESSING + r"[^.!?\n]*[.!?]?", re.IGNORECASE)
_ADDRESSING_WORDS = re.compile(_ADDRESSING, re.IGNORECASE)
_SENTENCE_ENDS = ".!?\n"
_MARKER = "[text addressed to an AI assistant, not news: omitted]"


@overload
def for_model(text: str) -> str: ...
@overload
def for_model(text: None) -> None: ...
def for_model(text: str | None) -> str | None:
    """Article text as the model sees it: addressed-to-AI sentences masked, double quotes made single,
    and no ``<article>`` delimiter of its own. The brief itself always uses the article's own text."""
    if text is None:
        return None
    text = _mask_addressed(text)
    return _DELIMITER.sub("(article)", text.translate(_DOUBLE_QUOTES))


def _mask_addressed(text: str) -> str:
    """``_ADDRESSED_TO_MODEL.sub(_MARKER, text)``, in time linear in the text.

    Every match of the sentence pattern contains a match of its words, and the
    leftmost one starts where the sentence of the leftmost words starts (its
    lead cannot cross a sentence end), so matching the sentence pattern there
    gives the very match that ``sub`` would find.
    """
    pieces: list[str] = []
    pos = 0
    while (words := _ADDRESSING_WORDS.search(text, pos)) is not None:
        start = words.start()
        while start > pos and text[start - 1] not in _SENTENCE_ENDS:
            start -= 1
        sentence = _ADDRESSED_TO_MODEL.match(text, start)
        if sentence is None:  # cannot happen (see above); keep the text rather than loop
            break
        pieces += (text[pos:start], _MARKER)
        pos = sentence.end()
    pieces.append(text[pos:])
    return "".join(pieces)
