"""A daily brief for people: Markdown, one self-contained HTML page, and JSON.

The HTML page fetches nothing: its CSS and the few lines of script that sort the
table are inlined, the charts are SVG drawn here, and a Content-Security-Policy
forbids any other source, so it opens the same from a mail attachment, a shared
drive or a machine without network. Links to the source articles are ordinary
links (only ``http``/``https`` ones are kept), followed only when clicked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..batch.ledger import atomic_write_text
from ..brief.wording import casualties_text, type_label
from ..errors import ConfigError, SummarizeError
from ..schema import Location, SubEventType
from .model import CountRange, DailyBrief, DailyIncident

__all__ = [
    "BLAME_WORDS",
    "FORMATS",
    "Bar",
    "bars",
    "count_text",
    "entry_title",
    "macros",
    "render",
    "to_html",
    "to_json",
    "to_markdown",
    "where_text",
    "write",
]

_TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Output formats by file suffix.
FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


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


@cache
def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(_TEMPLATES),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = type_label
    env.filters["first_upper"] = lambda text: text[:1].upper() + text[1:]
    env.filters["count"] = count_text
    env.filters["where"] = where_text
    env.filters["safe_url"] = _safe_url
    env.filters["oneline"] = lambda text: " ".join(str(text).split())
    env.globals["casualties"] = casualties_text
    env.globals["bars"] = bars
    env.globals["blame_words"] = BLAME_WORDS
    return env


def macros(name: str) -> Any:
    """The macros of a template, callable from Python (the summary written without a model)."""
    return _env().get_template(name).module


def entry_title(sub: SubEventType, location: Location, fatalities: CountRange, injured: CountRange) -> str:
    """Kind, place and toll of a merged entry, from its fields."""
    template = _env().get_template("daily.title.j2")
    return template.render(sub=sub.value, location=location, fatalities=fatalities, injured=injured).strip()


def _groups(brief: DailyBrief) -> list[tuple[str, list[DailyIncident]]]:
    grouped: dict[str, list[DailyIncident]] = {}
    for entry in brief.incidents:
        grouped.setdefault(entry.location.country or "Country not reported", []).append(entry)
    return list(grouped.items())


def _context(brief: DailyBrief, explain: bool) -> dict[str, object]:
    return {
        "brief": brief,
        "groups": _groups(brief),
        "explain": explain,
        "weekday": brief.date.strftime("%A"),
        "created": brief.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def to_markdown(brief: DailyBrief, *, explain: bool = False) -> str:
    """The brief as Markdown; ``explain`` adds why each entry was merged and what was kept apart."""
    return _tidy(_env().get_template("daily.md.j2").render(**_context(brief, explain)))


def to_html(brief: DailyBrief, *, explain: bool = False) -> str:
    """The brief as one self-contained HTML page."""
    assets = {
        name: Markup((_TEMPLATES / f"daily.{name}").read_text(encoding="utf-8")) for name in ("css", "js")
    }
    return _tidy(_env().get_template("daily.html.j2").render(**_context(brief, explain), **assets))


def to_json(brief: DailyBrief) -> str:
    """The brief as indented JSON (what ``--previous`` reads back)."""
    return brief.model_dump_json(indent=2) + "\n"


def render(brief: DailyBrief, fmt: str, *, explain: bool = False) -> str:
    """Render ``brief`` as ``md``, ``html`` or ``json``."""
    if fmt == "md":
        return to_markdown(brief, explain=explain)
    if fmt == "html":
        return to_html(brief, explain=explain)
    if fmt == "json":
        return to_json(brief)
    raise ValueError(f"unknown format {fmt!r}")


def write(brief: DailyBrief, path: Path, *, explain: bool = False) -> None:
    """Write ``brief`` to ``path`` in the format its suffix names (.md, .html, .json), atomically."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"cannot tell the format of {path}: use .md, .html or .json", path=str(path))
    try:
        atomic_write_text(path, render(brief, fmt, explain=explain))
    except OSError as exc:
        raise SummarizeError(f"cannot write {path}: {exc.strerror or exc}", path=str(path)) from exc
