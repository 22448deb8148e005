"""How a daily brief says things: counts over sources, places, blame, an entry's title.

The merged entries (``merge``), the summary written without a model (``summary``) and the
pages (``render``) all say a toll, a place or who was blamed the same way, from here. The
templates are in ``templates/``; their vocabulary extends the brief's (``brief.wording``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2.sandbox import SandboxedEnvironment

from ..brief.wording import FILTERS, GLOBALS
from ..schema import Location, SubEventType
from ..templating import environment
from .model import CountRange

__all__ = [
    "BLAME_WORDS",
    "TEMPLATES",
    "Bar",
    "bars",
    "count_text",
    "entry_title",
    "env",
    "macros",
    "where_text",
]

#: The daily brief's templates (and the page's CSS and script).
TEMPLATES = Path(__file__).resolve().parent / "templates"


def count_text(value: CountRange) -> str:
    """A count over sources: "8", "at least 5", "6-8", or "not reported"."""
    if value.low is None or value.high is None:
        return "not reported"
    if value.agreed:
        qualifiers = {r.qualifier for r in value.reports}
        only = qualifiers.pop() if len(qualifiers) == 1 else "exact"
        return {"at_least": "at least ", "approximate": "about "}.get(only, "") + str(value.low)
    return f"{value.low}\u2013{value.high}"


def where_text(location: Location) -> str:
    """Place, region and country, without repeats."""
    parts = [location.place, location.admin1, location.country]
    return ", ".join(dict.fromkeys(p for p in parts if p))


def _safe_url(url: str | None) -> str | None:
    """Only web links are rendered as links (no ``javascript:`` or ``file:`` from an article)."""
    if not url:
        return None
    return url if urlsplit(url).scheme in {"http", "https"} else None


#: How each kind of responsibility is said before the actor's name.
BLAME_WORDS = {
    "claimed": "claimed by",
    "attributed": "blamed on",
    "suspected": "suspected:",
    "denied": "denied by",
    "unknown": "named:",
}


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    y: int


def bars(counts: Mapping[str, int], width: float = 260.0, step: int = 26) -> list[Bar]:
    """Horizontal bars for an SVG chart, largest first."""
    top = max(counts.values(), default=0) or 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        Bar(label=label, value=value, width=round(width * value / top, 1), y=n * step)
        for n, (label, value) in enumerate(ranked)
    ]


_FILTERS: Mapping[str, Callable[..., Any]] = {
    **FILTERS,
    "count": count_text,
    "where": where_text,
    "safe_url": _safe_url,
    "oneline": lambda text: " ".join(str(text).split()),
}


@cache
def env() -> SandboxedEnvironment:
    """The environment of the daily brief's templates."""
    return environment(
        TEMPLATES, filters=_FILTERS, globals={**GLOBALS, "bars": bars, "blame_words": BLAME_WORDS}
    )


def macros(name: str) -> Any:
    """The macros of a template, callable from Python (the summary written without a model)."""
    return env().get_template(name).module


def entry_title(sub: SubEventType, location: Location, fatalities: CountRange, injured: CountRange) -> str:
    """Kind, place and toll of a merged entry, from its fields."""
    template = env().get_template("daily.title.j2")
    return template.render(sub=sub.value, location=location, fatalities=fatalities, injured=injured).strip()
