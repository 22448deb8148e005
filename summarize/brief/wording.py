"""Text for people, from templates in ``templates/``: Markdown briefs and incident sentences.

An incident's one-sentence summary is written from its checked fields rather than by
the model, so it can never say more than the brief does.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..schema import Brief, Casualties, Incident, Location, Responsibility

__all__ = [
    "casualties_text",
    "incident_headline",
    "incident_sentence",
    "to_json",
    "to_markdown",
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


@cache
def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # shipped with the package: no stat() of every template on every render
    )
    env.globals["casualties"] = casualties_text
    env.filters["first_upper"] = lambda text: text[:1].upper() + text[1:]
    env.filters["label"] = type_label
    return env


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


def to_markdown(brief: Brief) -> str:
    """A readable brief: headline, summary, one block per incident with its evidence."""
    text = _env().get_template("brief.md.j2").render(brief=brief)
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


def to_json(brief: Brief) -> str:
    """The brief as indented JSON (the schema in ``schemas/``)."""
    return brief.model_dump_json(indent=2) + "\n"


def incident_headline(incidents: Sequence[Incident]) -> str:
    """A headline written from the incidents themselves: the worst one, and how many more."""
    return _env().get_template("headline.j2").render(incidents=incidents, worst=_worst(incidents)).strip()


def _worst(incidents: Sequence[Incident]) -> Incident:
    return max(incidents, key=lambda i: ((i.fatalities.count or 0), (i.injured.count or 0)))
