"""What the model is asked to fill: two lean schemas, one per pass.

A small model asked for the whole brief at once reports exactly one incident per
article (see shared/design/embedded-model.md), so extraction runs in two passes:

1. ``Survey``: the list of distinct events, each with a quote, and a headline;
2. ``IncidentDetail``: the facts of one event, asked once per event.

Everything that code can derive is left out of these schemas -- event type from
sub-event type, country codes, ISO dates, quote offsets, ids, the extractive
summary, the incident sentences, background context -- because every field costs
generated tokens (on two cores, about 50 ms each) and gives the model one more
chance to be wrong. For the same reason the detail's quotes are only the opening
words of a sentence: code finds them in the article and makes the whole sentence the
evidence (``assembly``). Every string is bounded: under constrained decoding an unbounded
string lets a small model copy the whole article into one field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..schema import Casualties, Outcome, SubEventType, TargetType, Weapon

__all__ = ["EventStub", "IncidentDetail", "LeanTarget", "Survey"]

Name = Annotated[str, Field(min_length=1, max_length=80)]
# the opening words of a sentence: enough to find it, few tokens to generate
Quote = Annotated[str, Field(min_length=1, max_length=160)]
# an incident's own sentence, copied whole: asked for opening words, the model lists fragments
# of one event's facts instead of distinct events (measured on the dev split)
Sentence = Annotated[str, Field(min_length=1, max_length=300)]


class _Lean(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventStub(_Lean):
    quote: Sentence = Field(
        description="The sentence of the article that reports this incident, copied exactly."
    )
    what: str = Field(
        min_length=3,
        max_length=120,
        description="What happened, in a few words of your own (kind of attack and its target).",
    )
    place: str | None = Field(
        max_length=80, description="The most precise place named for this incident (town, base, district)."
    )
    country: str | None = Field(max_length=60, description="The country where it happened.")
    when: str | None = Field(
        max_length=60,
        description='The day as the article writes it ("Monday", "on 3 May", "yesterday"); '
        "null if not given.",
    )


class Survey(_Lean):
    events: list[EventStub] = Field(
        max_length=8,
        description="Every distinct violent or security incident reported, one entry per place and day; "
        "empty if the article reports none.",
    )
    headline: str = Field(min_length=3, max_length=120, description="A neutral headline of at most 15 words.")


class LeanTarget(_Lean):
    name: Name = Field(description="Who or what was attacked, as written.")
    type: TargetType


class IncidentDetail(_Lean):
    sub_event_type: SubEventType = Field(description="One of the sub-event types listed above.")
    weapons: list[Weapon] = Field(
        max_length=3, description="Only weapons the article names for this incident; empty if none named."
    )
    targets: list[LeanTarget] = Field(max_length=3, description="Who or what was attacked.")
    claim_quote: Quote | None = Field(
        description="The first words (up to 12) of the sentence reporting that a group claimed "
        "responsibility for this attack (or for attacks that include it), copied exactly; null if no group "
        "claimed it."
    )
    claimed_by: list[Name] = Field(
        max_length=3, description="The groups that claimed it, as named in claim_quote; empty if none."
    )
    accusation_quote: Quote | None = Field(
        description="The first words (up to 12) of the sentence where others (officials, police, witnesses) "
        "blame a group for this attack, copied exactly; null if nobody is blamed."
    )
    accused: list[Name] = Field(
        max_length=3, description="The groups blamed, as named in accusation_quote; empty if none."
    )
    casualty_quote: Quote | None = Field(
        description="The first words (up to 12) of the sentence that gives the dead or injured of this "
        "incident, or says there were none, copied exactly; null if the article does not say."
    )
    fatalities: Casualties = Field(description="People killed in this incident.")
    injured: Casualties = Field(description="People injured in this incident.")
    outcome: Outcome = Field(
        description="hit if the attack struck, intercepted if shot down or stopped, failed if it missed, "
        "unknown if not said."
    )
    admin1: str | None = Field(
        max_length=60, description="Province, state or governorate, only if the article names it."
    )
