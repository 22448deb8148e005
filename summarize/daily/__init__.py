"""Daily briefs: one readable, sourced digest of a day's incidents over many articles.

The same event reported by several outlets becomes one entry listing all its
sources (``linking``, ``merge``); disagreements stay visible as ranges and
who-said-what. Entries are ordered by severity and grouped by country
(``assemble``), summarised by the model with citations that are checked
(``summary``), compared with the previous day (``previous``), and rendered as
Markdown, a self-contained HTML page, or JSON (``render``).

    >>> from summarize.daily import DailyOptions, build_daily, to_markdown
    >>> brief = build_daily(["out/briefs.jsonl"], DailyOptions(day=date(1989, 11, 16)))  # doctest: +SKIP
    >>> print(to_markdown(brief))  # doctest: +SKIP
"""

from .assemble import DailyOptions, build_daily, daily_from_briefs
from .linking import LinkOptions, link_incidents
from .model import DailyBrief, DailyIncident
from .render import daily_formats, render, to_html, to_json, to_markdown
from .render import write as write_daily
from .summary import SummaryWriter

__all__ = [
    "DailyBrief",
    "DailyIncident",
    "DailyOptions",
    "LinkOptions",
    "SummaryWriter",
    "build_daily",
    "daily_formats",
    "daily_from_briefs",
    "link_incidents",
    "render",
    "to_html",
    "to_json",
    "to_markdown",
    "write_daily",
]
