"""The brief schema: strict, described, exported without drift, null kept apart from 0."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from summarize._resources import schema_path
from summarize.brief.extraction import IncidentDetail, Survey
from summarize.schema import Brief, Casualties, EventType, SubEventType, event_type_of, json_schema


def test_committed_schema_matches_the_models() -> None:
    committed = schema_path().read_text(encoding="utf-8")
    assert committed == json_schema(), "schema drifted: run `python -m summarize.schema` and commit"


def _walk(node: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_walk(value))
    return found


def test_every_object_forbids_unknown_keys() -> None:
    schema = json.loads(json_schema())
    objects = [n for n in _walk(schema) if n.get("type") == "object" and "properties" in n]
    assert len(objects) > 5
    assert all(n.get("additionalProperties") is False for n in objects)


@pytest.mark.parametrize("model", [Survey, IncidentDetail])
def test_model_facing_strings_are_bounded(model: type[Survey] | type[IncidentDetail]) -> None:
    # an unbounded string lets a small model copy the whole article into one field
    strings = [n for n in _walk(model.model_json_schema()) if n.get("type") == "string" and "enum" not in n]
    assert strings
    assert all("maxLength" in n for n in strings), strings


def test_brief_fields_are_described() -> None:
    described = [name for name, info in Brief.model_fields.items() if info.description]
    assert {"headline", "summary", "is_incident_report", "incidents", "context"} <= set(described)


def test_null_means_not_reported_and_zero_means_none() -> None:
    assert Casualties(count=None).qualifier is None
    assert Casualties(count=0).qualifier == "exact"
    with pytest.raises(ValidationError):
        Casualties(count=None, qualifier="at_least")
    with pytest.raises(ValidationError):
        Casualties(count=-1)
    with pytest.raises(ValidationError):
        Casualties.model_validate({"count": 1, "qualifier": "exact", "note": "x"})


def test_every_sub_event_type_has_one_event_type() -> None:
    assert event_type_of(SubEventType.air_drone_strike) is EventType.explosions_remote_violence
    assert event_type_of(SubEventType.armed_clash) is EventType.battles
    assert event_type_of(SubEventType.attack) is EventType.violence_against_civilians
    assert {event_type_of(s) for s in SubEventType} == set(EventType)
