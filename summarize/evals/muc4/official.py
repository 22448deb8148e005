"""Read the official 1992 NRaD score reports, to check our scorer against them.

A report has one table per template (``TST4-MUC4-0006  key: 2  response: <NONE>  [missing]``;
SRI's TST4 report has one per message instead), then the ``TOTAL SLOT SCORES`` table: a row per
slot, the summary rows (MATCHED/MISSING, MATCHED/SPURIOUS, MATCHED ONLY, ALL TEMPLATES, SET and
STRING FILLS ONLY) and the F-measures (P&R, 2P&R, P&2R).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError
from .tally import Tally

__all__ = ["OfficialReport", "OfficialSection", "parse_official", "read_official"]

_ROW = re.compile(
    r"^(?P<label>[A-Za-z][A-Za-z/ -]*?)\s+(?P<pos>\d+)\s+(?P<act>\d+)\|\s*(?P<cor>\d+)\s+(?P<par>\d+)\s+"
    r"(?P<inc>\d+)\|\s*(?P<icr>\d+)\s+(?P<ipa>\d+)\|\s*(?P<spu>\d+)\s+(?P<mis>\d+)\s+(?P<non>\d+)\|"
    r"\s*(?P<rec>\d+|\*)\s+(?P<pre>\d+|\*)"
)
_SECTION = re.compile(
    r"^(?P<message>(?:TST\d|DEV)-MUC\d-\d{4})\s*"
    r"(?:key:\s*(?P<key>\S+)\s+response:\s*(?P<response>\S+)\s*(?:\[(?P<status>\w+)\])?)?\s*$"
)
_F = re.compile(r"^F-MEASURES\s+(?P<pr>[\d.]+)\s+(?P<p2r>[\d.]+)\s+(?P<pr2>[\d.]+)")


@dataclass(frozen=True)
class OfficialSection:
    """One table of a report: a template pair (or, in SRI's TST4 report, a whole message)."""

    message_id: str
    key: str | None
    response: str | None
    status: str | None
    rows: dict[str, Tally]


@dataclass(frozen=True)
class OfficialReport:
    """One system's official report: per-template sections, total rows and F-measures."""

    sections: list[OfficialSection] = field(default_factory=list)
    totals: dict[str, Tally] = field(default_factory=dict)
    #: F for P&R, 2P&R and P&2R as printed.
    f_measures: tuple[float, float, float] | None = None
    #: Recall and precision of each total row as printed (whole percents; None for ``*``). The
    #: printed figures do not always round the tallies' ratio the usual way.
    printed: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def all_templates(self) -> Tally:
        return self.totals["ALL TEMPLATES"]


def _tally(found: re.Match[str]) -> Tally:
    names = ("pos", "act", "cor", "par", "inc", "icr", "ipa", "spu", "mis", "non")
    return Tally(**{name: int(found[name]) for name in names})


def _percent(text: str) -> int | None:
    return None if text == "*" else int(text)


def parse_official(text: str) -> OfficialReport:
    """Parse the text of an official score report."""
    report = OfficialReport()
    rows: dict[str, Tally] | None = None
    for line in text.splitlines():
        if "TOTAL SLOT SCORES" in line:
            rows = report.totals
            continue
        section = _SECTION.match(line)
        if section:
            rows = {}
            report.sections.append(
                OfficialSection(
                    section["message"], section["key"], section["response"], section["status"], rows
                )
            )
            continue
        found = _ROW.match(line)
        if found and rows is not None:
            rows[found["label"].strip()] = _tally(found)
            if rows is report.totals:
                report.printed[found["label"].strip()] = (_percent(found["rec"]), _percent(found["pre"]))
            continue
        measures = _F.match(line)
        if measures and rows is report.totals:
            object.__setattr__(
                report, "f_measures", (float(measures["pr"]), float(measures["p2r"]), float(measures["pr2"]))
            )
    if "ALL TEMPLATES" not in report.totals:
        raise InputError("not an official MUC-4 score report: no ALL TEMPLATES total row")
    return report


def read_official(path: Path) -> OfficialReport:
    """Parse an official score report file."""
    try:
        return parse_official(path.read_text(encoding="latin-1"))
    except InputError as exc:
        raise InputError(f"{path}: {exc}", path=str(path)) from exc
