"""Our briefs as MUC-4 response templates, so the 1992 scorer's rules can score them.

One template per incident of a brief, filled from the brief's fields as ``evals/MUC4.md``
documents slot by slot; slots the brief has nothing for stay null (``-``), and slots that do
not apply to the incident type are ``*`` as the template skeletons require. A brief that is not
an incident report, or whose incidents are all outside MUC-4's terrorist-incident types, gives
an irrelevant message (no templates).

The MUC-4 slots want strings "from the text"; a brief's targets and perpetrators are written as
in the article, so they are used as strings. Instruments are not: a brief keeps only a weapon
*category*, so INSTRUMENT ID stays null and INSTRUMENT TYPE refers to it as ``"-"``, as the task
documentation allows (template-doc-part1 7.8 note 7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from ...schema import Brief, Incident
from .export_incident import (
    incident_category,
    incident_date,
    incident_location,
    incident_stage,
    incident_type,
    instrument_types,
    organisation_confidence,
    perpetrators,
)
from .export_targets import filled, human_slots, is_physical, physical_slots
from .parse import Filler, Message, Slot, State, Template, Value
from .slots import SLOTS
from .text import fill_string

__all__ = ["brief_templates", "export_briefs", "format_templates"]

#: Slots the template skeletons mark ``*`` for an incident type (template-skeletons.v3).
_INAPPLICABLE = {"KIDNAPPING": {6, 7, 12, 13, 14, 15, 16, 17}, "ARSON": {6, 7}}


def _one(number: int, text: str | None) -> Slot:
    return filled(number, [Filler((Value(text),))] if text else [])


def _template(
    message_id: str, number: int, kind: str, incident: Incident, published: dt.date | None
) -> Template:
    individuals, organisations = perpetrators(incident)
    confidence = [
        Filler((Value(organisation_confidence(incident, name)),), (fill_string(name),))
        for name in organisations
    ]
    slots: dict[int, Slot] = {
        2: _one(2, incident_date(incident, published)),
        3: _one(3, incident_location(incident)),
        4: _one(4, kind),
        5: _one(5, incident_stage(incident)),
        7: filled(7, instrument_types(incident)),
        8: _one(8, incident_category(incident)),
        9: filled(9, [Filler((fill_string(name),)) for name in individuals]),
        10: filled(10, [Filler((fill_string(name),)) for name in organisations]),
        11: filled(11, confidence),
        **physical_slots([target for target in incident.targets if is_physical(target)]),
        **human_slots(incident, [target for target in incident.targets if not is_physical(target)]),
    }
    for slot_number in _INAPPLICABLE.get(kind, ()):
        slots[slot_number] = Slot(SLOTS[slot_number], State.INAPPLICABLE)
    ordered = tuple(slots.get(spec.number, Slot(spec, State.NULL)) for spec in SLOTS[2:])
    return Template(message_id, number, ordered)


def brief_templates(message_id: str, briefs: Sequence[Brief]) -> Message:
    """The response templates for one message: one per MUC-4 incident in its briefs.

    The dateline date a default incident date is anchored on is the brief's publication date.
    """
    templates: list[Template] = []
    for brief in briefs:
        if not brief.is_incident_report:
            continue
        for incident in brief.incidents:
            kind = incident_type(incident)
            if kind is not None:
                templates.append(
                    _template(message_id, len(templates) + 1, kind, incident, brief.article.published_at)
                )
    return Message(message_id, tuple(templates))


def export_briefs(briefs: Mapping[str, Sequence[Brief]]) -> dict[str, Message]:
    """Response templates for every message id in ``briefs``."""
    return {message_id: brief_templates(message_id, found) for message_id, found in briefs.items()}


def format_templates(messages: Iterable[Message]) -> str:
    """MUC-4 response-file text: the numbered slot lines, one filler per line, ``*`` for an
    irrelevant message. The file reads back with ``parse.parse_templates``."""
    blocks = []
    for message in messages:
        templates: Sequence[Template | None] = message.templates or [None]
        for template in templates:
            lines = [f"{'0.':<4}{SLOTS[0].name:<31}{message.id}"]
            lines.append(f"{'1.':<4}{SLOTS[1].name:<31}{template.number if template else '*'}")
            for spec in SLOTS[2:]:
                label = f"{str(spec.number) + '.':<4}{spec.name:<31}"
                slot = template.slot(spec.number) if template else Slot(spec, State.INAPPLICABLE)
                if slot.state is not State.FILLED:
                    lines.append(label + ("*" if slot.state is State.INAPPLICABLE else "-"))
                    continue
                for index, filler in enumerate(slot.fillers):
                    lines.append((label if index == 0 else " " * len(label)) + str(filler))
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
