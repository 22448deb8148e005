"""The sentences people read that code writes: an incident's summary sentence and a brief's headline.

Both are written from an incident's checked fields (templates in ``templates/``), not by the
model, so they can never say more than the brief does. The filters here (``FILTERS``,
``GLOBALS``: casualty figures, ACLED's labels) are the vocabulary every template for people
shares, the daily page's and the Markdown brief's included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ..schema import Casualties, Incident, Location, Responsibility
from ..templating import environment

__all__ = [
    "FILTERS",
    "GLOBALS",
    "casualties_text",
    "first_upper",
    "incident_headline",
    "incident_sentence",
    "type_label",
]


def casualties_text(value: Casualties) -> str:
    """A casualty figure for people: "at least 5", "about 20", "not reported"."""
    if value.count is None:
        return "not reported"
    prefix = {"at_least": "at least ", "approximate": "about "}.get(value.qualifier or "exact", "")
    return f"{prefix}{value.count}"


_LABELS = {
    "air_drone_strike": "air/drone strike",
    "shelling_artillery_missile_attack": "shelling/artillery/missile attack",
    "remote_explosive_landmine_ied": "remote explosive/landmine/IED",
    "abduction_forced_disappearance": "abduction/forced disappearance",
    "explosions_remote_violence": "explosions/remote violence",
}


def type_label(value: str) -> str:
    """ACLED's own wording for a snake_case type."""
    return _LABELS.get(value, value.replace("_", " "))


def first_upper(text: str) -> str:
    """``text`` with its first letter in upper case (the rest as it is)."""
    return text[:1].upper() + text[1:]


#: Filters and globals of every template for people.
FILTERS: Mapping[str, Callable[..., Any]] = {"first_upper": first_upper, "label": type_label}
GLOBALS: Mapping[str, Any] = {"casualties": casualties_text}


@cache
def _env() -> SandboxedEnvironment:
    return environment(Path(__file__).parent / "templates", filters=FILTERS, globals=GLOBALS)


def incident_sentence(
    what: str,
    location: Location,
    when: str | None,
    responsibility: Responsibility,
    perpetrators: Sequence[str],
    claimed_by: Sequence[str],
    fatalities: Casualties,
    injured: Casualties,
) -> str:
    """One sentence: what, where, when, who (as claimed or blamed), and the toll."""
    return (
        _env()
        .get_template("incident_summary.j2")
        .render(
            what=what.strip().rstrip("."),
            location=location,
            when=when,
            responsibility=responsibility.value,
            perpetrators=list(perpetrators),
            claimed_by=list(claimed_by),
            fatalities=fatalities,
            injured=injured,
        )
        .strip()
    )


def incident_headline(incidents: Sequence[Incident]) -> str:
    """A headline written from the incidents themselves: the worst one, and how many more."""
    return _env().get_template("headline.j2").render(incidents=incidents, worst=_worst(incidents)).strip()


def _worst(incidents: Sequence[Incident]) -> Incident:
    return max(incidents, key=lambda i: ((i.fatalities.count or 0), (i.injured.count or 0)))
