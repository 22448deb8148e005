"""Plain-text tables in the layout of the 1992 score reports, for a terminal or a log.

The library builds the text; only a command line prints it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .reproduce import Disagreement, SystemResult
from .tally import Tally

__all__ = ["HEADER", "format_disagreements", "format_reproduction", "format_row", "format_table"]

HEADER = "SLOT                   POS  ACT| COR  PAR  INC| ICR  IPA| SPU  MIS  NON| REC PRE OVG"


def _percent(value: float | None) -> str:
    return "  *" if value is None else f"{round(value):3d}"


def _printed(value: int | None) -> str:
    return "  *" if value is None else f"{value:3d}"


def format_row(label: str, tally: Tally) -> str:
    """One row: ``label  POS ACT|COR PAR INC|ICR IPA|SPU MIS NON|REC PRE OVG``."""
    t = tally
    return (
        f"{label:<20}{t.pos:5d}{t.act:5d}|{t.cor:4d}{t.par:5d}{t.inc:5d}|{t.icr:4d}{t.ipa:5d}|"
        f"{t.spu:4d}{t.mis:5d}{t.non:5d}|{_percent(t.recall)} {_percent(t.precision)} "
        f"{_percent(t.overgeneration)}"
    )


def format_table(rows: Mapping[str, Tally]) -> str:
    """A header and one row per entry, as in the reports' TOTAL SLOT SCORES table."""
    lines = [HEADER, "-" * len(HEADER)]
    lines += [format_row(label, tally) for label, tally in rows.items()]
    return "\n".join(lines) + "\n"


def format_reproduction(results: Sequence[SystemResult], set_name: str) -> str:
    """Official and our ALL TEMPLATES recall, precision and F per system, with the difference."""
    lines = [
        f"MUC-4 {set_name.upper()} ALL TEMPLATES: official (1992 report) vs this scorer",
        f"{'system':<9} {'R':>4} {'P':>4} {'F':>7}   {'R':>4} {'P':>4} {'F':>7}   {'diff':>6}",
        f"{'':<9} {'official':^17}   {'ours':^17}",
    ]
    for result in results:
        ours, recall, precision = result.ours, result.official_recall, result.official_precision
        lines.append(
            f"{result.system:<9} {_printed(recall):>4} {_printed(precision):>4} "
            f"{result.official_f:7.2f}   {_percent(ours.recall):>4} {_percent(ours.precision):>4} "
            f"{result.ours_f:7.2f}   {result.difference:+6.2f}"
        )
    if results:
        worst = max(results, key=lambda result: abs(result.difference))
        within = sum(abs(result.difference) <= 1.0 for result in results)
        lines.append(
            f"{within} of {len(results)} systems within 1.0 F; largest difference {worst.difference:+.2f} "
            f"({worst.system})"
        )
    return "\n".join(lines) + "\n"


def format_disagreements(found: Sequence[Disagreement]) -> str:
    """Each disagreeing slot: the official and our counts, then the fillers as we paired them."""
    lines = []
    for item in found:
        lines.append(f"{item.message_id} key {item.key} response {item.response}  {item.label}")
        lines.append("  " + format_row("official", item.official))
        lines.append("  " + format_row("ours", item.ours))
        for pair in item.pairs:
            judged = "-" if pair.judgement is None else f"{pair.judgement.credit:g}"
            asked = " (asked)" if pair.judgement is not None and pair.judgement.interactive else ""
            lines.append(
                f"      key {pair.key or '-'}  |  response {pair.response or '-'}  ->  {judged}{asked}"
            )
    lines.append(f"{len(found)} slot rows disagree")
    return "\n".join(lines) + "\n"
