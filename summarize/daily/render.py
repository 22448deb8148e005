"""A daily brief for people: Markdown, one self-contained HTML page, and JSON.

The HTML page fetches nothing: its CSS and the few lines of script that sort the
table are inlined, the charts are SVG drawn here, and a Content-Security-Policy
forbids any other source, so it opens the same from a mail attachment, a shared
drive or a machine without network. Links to the source articles are ordinary
links (only ``http``/``https`` ones are kept), followed only when clicked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from markupsafe import Markup

from ..formats.registry import Format, Formats
from .model import DailyBrief, DailyIncident
from .wording import TEMPLATES, env

__all__ = ["daily_formats", "render", "to_html", "to_json", "to_markdown", "write"]


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
    return _tidy(env().get_template("daily.md.j2").render(**_context(brief, explain)))


def to_html(brief: DailyBrief, *, explain: bool = False) -> str:
    """The brief as one self-contained HTML page."""
    assets = {
        name: Markup((TEMPLATES / f"daily.{name}").read_text(encoding="utf-8")) for name in ("css", "js")
    }
    return _tidy(env().get_template("daily.html.j2").render(**_context(brief, explain), **assets))


def to_json(brief: DailyBrief) -> str:
    """The brief as indented JSON (what ``--previous`` reads back)."""
    return brief.model_dump_json(indent=2) + "\n"


def daily_formats(*, explain: bool = False) -> Formats[DailyBrief]:
    """The formats of a daily brief; ``explain`` adds the reasons for merging to the pages."""
    return Formats(
        "daily brief",
        [
            Format("md", (".md", ".markdown"), lambda b: to_markdown(b, explain=explain), "Markdown"),
            Format("html", (".html", ".htm"), lambda b: to_html(b, explain=explain), "a self-contained page"),
            Format("json", (".json",), to_json, "JSON, what --previous reads"),
        ],
    )


def render(brief: DailyBrief, fmt: str, *, explain: bool = False) -> str:
    """Render ``brief`` as ``md``, ``html`` or ``json``."""
    return daily_formats(explain=explain).get(fmt).render(brief)


def write(brief: DailyBrief, path: Path, *, explain: bool = False) -> None:
    """Write ``brief`` to ``path`` in the format its suffix names (.md, .html, .json), atomically."""
    daily_formats(explain=explain).write(brief, path)
