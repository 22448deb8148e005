"""A brief for tools (JSON, the schema in ``schemas/``) and for people (Markdown)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

from ..brief.wording import FILTERS, GLOBALS
from ..schema import Brief
from ..templating import environment
from .registry import Format, Formats

__all__ = ["BRIEF_FORMATS", "to_json", "to_markdown"]


@cache
def _env() -> SandboxedEnvironment:
    return environment(Path(__file__).parent / "templates", filters=FILTERS, globals=GLOBALS)


def to_json(brief: Brief) -> str:
    """The brief as indented JSON (the schema in ``schemas/``)."""
    return brief.model_dump_json(indent=2) + "\n"


def to_markdown(brief: Brief) -> str:
    """A readable brief: headline, summary, one block per incident with its evidence."""
    text = _env().get_template("brief.md.j2").render(brief=brief)
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


BRIEF_FORMATS: Formats[Brief] = Formats(
    "brief",
    [
        Format("json", (".json",), to_json, "the incident-brief schema"),
        Format("md", (".md", ".markdown"), to_markdown, "Markdown for people"),
    ],
)
