"""The incident brief: the product's output contract.

Downstream tools read these names, so they change only with ``SCHEMA_VERSION``.
Every model is strict (unknown keys are errors) and every field is described,
because descriptions are documentation for people and prompt text for models.
``null`` always means "not reported"; ``0`` appears only where the text says none.

The exported JSON Schema lives in ``schemas/incident_brief.v1.json``; a test
fails when it drifts from these classes (``python -m summarize.schema`` rewrites it).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SCHEMA_VERSION",
    "ArticleMeta",
    "Brief",
    "Casualties",
    "DatePrecision",
    "EventType",
    "Evidence",
    "EvidenceField",
    "Grounding",
    "Incident",
    "Location",
    "Outcome",
    "Provenance",
    "Responsibility",
    "SubEventType",
    "Target",
    "TargetType",
    "TokenUsage",
    "Weapon",
    "event_type_of",
    "json_schema",
]

SCHEMA_VERSION: Final = "incident-brief/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class EventType(StrEnum):
    """ACLED event types."""

    battles = "battles"
    explosions_remote_violence = "explosions_remote_violence"
    violence_against_civilians = "violence_against_civilians"
    protests = "protests"
    riots = "riots"
    strategic_developments = "strategic_developments"


class SubEventType(StrEnum):
    """ACLED sub-event types; each belongs to exactly one event type (see ``event_type_of``)."""

    # battles
    armed_clash = "armed_clash"
    government_regains_territory = "government_regains_territory"
    non_state_actor_overtakes_territory = "non_state_actor_overtakes_territory"
    # explosions / remote violence
    chemical_weapon = "chemical_weapon"
    air_drone_strike = "air_drone_strike"
    suicide_bomb = "suicide_bomb"
    shelling_artillery_missile_attack = "shelling_artillery_missile_attack"
    remote_explosive_landmine_ied = "remote_explosive_landmine_ied"
    grenade = "grenade"
    # violence against civilians
    sexual_violence = "sexual_violence"
    attack = "attack"
    abduction_forced_disappearance = "abduction_forced_disappearance"
    # protests
    peaceful_protest = "peaceful_protest"
    protest_with_intervention = "protest_with_intervention"
    excessive_force_against_protesters = "excessive_force_against_protesters"
    # riots
    violent_demonstration = "violent_demonstration"
    mob_violence = "mob_violence"
    # strategic developments
    agreement = "agreement"
    arrests = "arrests"
    change_to_group_activity = "change_to_group_activity"
    disrupted_weapons_use = "disrupted_weapons_use"
    headquarters_or_base_established = "headquarters_or_base_established"
    looting_property_destruction = "looting_property_destruction"
    non_violent_transfer_of_territory = "non_violent_transfer_of_territory"
    other = "other"


_SUB_TO_EVENT: dict[SubEventType, EventType] = {
    **dict.fromkeys(
        [
            SubEventType.armed_clash,
            SubEventType.government_regains_territory,
            SubEventType.non_state_actor_overtakes_territory,
        ],
        EventType.battles,
    ),
    **dict.fromkeys(
        [
            SubEventType.chemical_weapon,
            SubEventType.air_drone_strike,
            SubEventType.suicide_bomb,
            SubEventType.shelling_artillery_missile_attack,
            SubEventType.remote_explosive_landmine_ied,
            SubEventType.grenade,
        ],
        EventType.explosions_remote_violence,
    ),
    **dict.fromkeys(
        [SubEventType.sexual_violence, SubEventType.attack, SubEventType.abduction_forced_disappearance],
        EventType.violence_against_civilians,
    ),
    **dict.fromkeys(
        [
            SubEventType.peaceful_protest,
            SubEventType.protest_with_intervention,
            SubEventType.excessive_force_against_protesters,
        ],
        EventType.protests,
    ),
    **dict.fromkeys([SubEventType.violent_demonstration, SubEventType.mob_violence], EventType.riots),
    **dict.fromkeys(
        [
            SubEventType.agreement,
            SubEventType.arrests,
            SubEventType.change_to_group_activity,
            SubEventType.disrupted_weapons_use,
            SubEventType.headquarters_or_base_established,
            SubEventType.looting_property_destruction,
            SubEventType.non_violent_transfer_of_territory,
            SubEventType.other,
        ],
        EventType.strategic_developments,
    ),
}


def event_type_of(sub: SubEventType) -> EventType:
    """The ACLED event type a sub-event type belongs to."""
    return _SUB_TO_EVENT[sub]


class Weapon(StrEnum):
    drone = "drone"
    rocket = "rocket"
    missile = "missile"
    artillery = "artillery"
    mortar = "mortar"
    ied = "ied"
    vehicle_bomb = "vehicle_bomb"
    suicide_vest = "suicide_vest"
    firearm = "firearm"
    grenade = "grenade"
    airstrike = "airstrike"
    other = "other"


class Responsibility(StrEnum):
    """Who says who did it: the perpetrator itself, someone else, or nobody."""

    claimed = "claimed"
    attributed = "attributed"
    suspected = "suspected"
    denied = "denied"
    unknown = "unknown"


class Outcome(StrEnum):
    hit = "hit"
    intercepted = "intercepted"
    failed = "failed"
    unknown = "unknown"


class TargetType(StrEnum):
    military = "military"
    security_forces = "security_forces"
    government = "government"
    diplomatic = "diplomatic"
    civilians = "civilians"
    infrastructure = "infrastructure"
    commercial = "commercial"
    religious = "religious"
    media = "media"
    humanitarian = "humanitarian"
    other = "other"


DatePrecision = Literal["day", "week", "month", "year", "unknown"]

EvidenceField = Literal[
    "event",
    "date",
    "location",
    "perpetrators",
    "responsibility",
    "targets",
    "weapons",
    "fatalities",
    "injured",
    "outcome",
]


class Casualties(_Strict):
    """A casualty figure as the text gives it."""

    count: int | None = Field(
        description="Number of people; null when the text does not say, 0 only when it says none.",
        ge=0,
    )
    qualifier: Literal["exact", "at_least", "approximate"] | None = Field(
        default=None,
        description='How the text states the number: "exact", "at_least" ("at least 5"), '
        '"approximate" ("about 20"); null when count is null.',
    )

    @model_validator(mode="after")
    def _qualifier_needs_count(self) -> Casualties:
        if self.count is None and self.qualifier is not None:
            raise ValueError("qualifier must be null when count is null")
        if self.count is not None and self.qualifier is None:
            self.qualifier = "exact"
        return self


class Location(_Strict):
    place: str | None = Field(description="Most precise place named (town, base, district), as written.")
    admin1: str | None = Field(default=None, description="First-level region (province, governorate, state).")
    country: str | None = Field(description="Country name.")
    country_code: str | None = Field(
        default=None,
        description="ISO 3166-1 alpha-3 code, derived from the country name.",
        pattern=r"^[A-Z]{3}$",
    )
    geo_precision: Literal[1, 2, 3] = Field(
        description="ACLED geo precision: 1 = the place itself, 2 = a region or district, "
        "3 = only the country."
    )


class Target(_Strict):
    name: str = Field(description="Who or what was attacked, as written.")
    type: TargetType = Field(description="Kind of target.")


class Evidence(_Strict):
    """A quote from the article supporting one field of an incident, located by the pipeline."""

    field: EvidenceField = Field(description="The incident field this quote supports.")
    quote: str = Field(
        description="The supporting words: the article's own text when verified, the model's otherwise."
    )
    start: int | None = Field(description="Character offset of the matched span in the article text.")
    end: int | None = Field(description="End offset (exclusive) of the matched span.")
    verified: bool = Field(description="True when the quote was found in the article.")
    match: Literal["exact", "normalized", "fuzzy"] | None = Field(
        default=None, description="How the quote was found; null when it was not."
    )


class Incident(_Strict):
    """One event: one place, one day, one kind of attack."""

    id: str = Field(description="Stable id: the article id and the incident's position.")
    event_type: EventType = Field(description="ACLED event type (derived from sub_event_type).")
    sub_event_type: SubEventType = Field(description="ACLED sub-event type.")
    date: dt.date | None = Field(description="ISO date; null when it cannot be resolved from the text.")
    date_text: str | None = Field(description='The date as written ("Monday", "last week").')
    date_precision: DatePrecision = Field(description="Granularity of the date as written.")
    location: Location = Field(description="Where it happened.")
    perpetrators: list[str] = Field(description="Actors said to have carried it out (claimed or accused).")
    responsibility: Responsibility = Field(
        description="claimed: the perpetrator itself says it did it; attributed: a third party "
        "(officials, another state) says who did it; suspected: hedged attribution; denied: the "
        "accused denies it; unknown: nobody is named."
    )
    claimed_by: list[str] = Field(description="Groups that claimed this incident themselves.")
    targets: list[Target] = Field(description="Who or what was attacked.")
    weapons: list[Weapon] = Field(description="Weapons the article names.")
    fatalities: Casualties = Field(description="People killed.")
    injured: Casualties = Field(description="People injured.")
    outcome: Outcome = Field(
        description="hit: the attack struck; intercepted: shot down or stopped; failed: missed "
        "or did not go off; unknown: not said."
    )
    summary: str = Field(description="One sentence: who did what to whom, where, when.")
    evidence: list[Evidence] = Field(description="Quotes from the article supporting the fields.")


class ArticleMeta(_Strict):
    id: str = Field(description='Content hash of the article text ("sha256:" + 16 hex digits).')
    title: str | None = None
    url: str | None = None
    published_at: dt.date | None = Field(default=None, description="Publication date, when known.")
    source: str | None = Field(default=None, description="Where the article was read from.")
    chars: int = Field(description="Length of the article text in characters.")
    truncated_at: int | None = Field(
        default=None, description="If the article was too long, the character offset it was cut at."
    )


class TokenUsage(_Strict):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = Field(default=0, description="Model calls made, re-asks included.")
    requests: int = Field(
        default=0, description="Answers asked for (one per prompt); attempts beyond these were re-asks."
    )


class Provenance(_Strict):
    model: str = Field(description="Model that produced the brief.")
    backend: str = Field(description='Which backend ran the model ("embedded", "openai").')
    prompt_version: str = Field(description="Hash of the prompt templates.")
    schema_version: str
    created_at: dt.datetime
    usage: TokenUsage = Field(description="Tokens spent when the answers were first produced.")
    cache_hit: bool = Field(description="True when every model answer came from the cache.")
    elapsed_s: float = Field(description="Wall time to produce this brief.")


class Grounding(_Strict):
    quotes: int = Field(description="Evidence quotes given by the model.")
    verified: int = Field(description="Quotes found in the article.")
    unverified: list[str] = Field(description="Quotes not found in the article.")
    incidents_dropped: int = Field(
        default=0, description="Incidents removed by strict grounding for lack of verified evidence."
    )


class Brief(_Strict):
    """A structured, source-grounded summary of one article."""

    schema_version: Literal["incident-brief/1"] = SCHEMA_VERSION
    article: ArticleMeta
    headline: str = Field(description="A neutral headline of at most 15 words.")
    summary: str = Field(description="2-3 sentences on what the article reports.")
    is_incident_report: bool = Field(
        description="False when the article reports no violent or security incident."
    )
    incidents: list[Incident] = Field(description="One entry per event (place, day, kind of attack).")
    context: list[str] = Field(
        description='Background facts that are not incidents ("92 attacks since 17 October").'
    )
    grounding: Grounding
    warnings: list[str] = Field(default_factory=list, description="Anything the reader should know.")
    provenance: Provenance


def json_schema() -> str:
    """The brief's JSON Schema as committed in ``schemas/`` (stable key order, trailing newline)."""
    return json.dumps(Brief.model_json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    from ._resources import schema_path

    schema_path().write_text(json_schema(), encoding="utf-8")
