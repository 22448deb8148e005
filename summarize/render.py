"""Briefs for people: Markdown rendered from ``templates/brief.md.j2``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from .schema import Brief, Casualties

__all__ = ["to_json", "to_markdown"]


def _casualties(value: Casualties) -> str:
    if value.count is None:
        return "not reported"
    prefix = {"at_least": "at least ", "approximate": "about "}.get(value.qualifier or "exact", "")
    return f"{prefix}{value.count}"


@cache
def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["casualties"] = _casualties
    return env


def to_markdown(brief: Brief) -> str:
    """A readable brief: headline, summary, one block per incident with its evidence."""
    text = _env().get_template("brief.md.j2").render(brief=brief)
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def to_json(brief: Brief) -> str:
    """The brief as indented JSON (the schema in ``schemas/``)."""
    return brief.model_dump_json(indent=2) + "\n"
