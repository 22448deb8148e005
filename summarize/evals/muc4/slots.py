"""The 25 slots of a MUC-4 template, and what kind of fill each one takes.

One table, read by the parser (which slots carry cross-reference tags), the scorer (how a
mismatch is judged) and the exporter (which slots we fill). Numbers, names and kinds follow
section 6.0 of ``template-doc-part1.v7``; the report labels (``inc-date``, ...) follow the
official NRaD score reports so our rows line up with theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["SCORED_SLOTS", "SLOTS", "SLOT_BY_NAME", "Kind", "SlotSpec"]


class Kind(Enum):
    """How a slot is filled and so how a mismatch is scored."""

    ID = "id"  # slot 0, the message id: an index, never scored
    TEMPLATE = "template"  # slot 1, the template number
    DATE = "date"  # "DD MMM YY", "- DD MMM YY", "DD MMM YY - DD MMM YY"
    LOCATION = "location"  # "COUNTRY: PLACE (TYPE): ..." (not a set fill for the scorer)
    SET = "set"  # one item of a set list
    STRING = "string"  # a quoted string from the text
    NUMBER = "number"  # a digit, range, "~N", or PLURAL


@dataclass(frozen=True)
class SlotSpec:
    """One slot: its number, its name in templates, its label in score reports, its fill."""

    number: int
    name: str
    label: str
    kind: Kind
    #: Fillers of this slot carry a cross-reference tag (``VALUE: "REFERENT"``).
    tagged: bool = False
    #: Size of the set list, used for the fallout column of set-fill slots.
    set_size: int = 0


SLOTS: tuple[SlotSpec, ...] = (
    SlotSpec(0, "MESSAGE: ID", "message-id", Kind.ID),
    SlotSpec(1, "MESSAGE: TEMPLATE", "template-id", Kind.TEMPLATE),
    SlotSpec(2, "INCIDENT: DATE", "inc-date", Kind.DATE),
    SlotSpec(3, "INCIDENT: LOCATION", "inc-loc", Kind.LOCATION),
    SlotSpec(4, "INCIDENT: TYPE", "inc-type", Kind.SET, set_size=7),
    SlotSpec(5, "INCIDENT: STAGE OF EXECUTION", "inc-stage", Kind.SET, set_size=3),
    SlotSpec(6, "INCIDENT: INSTRUMENT ID", "inc-instr-id", Kind.STRING),
    SlotSpec(7, "INCIDENT: INSTRUMENT TYPE", "inc-instr-type", Kind.SET, tagged=True, set_size=20),
    SlotSpec(8, "PERP: INCIDENT CATEGORY", "perp-inc-cat", Kind.SET, set_size=2),
    SlotSpec(9, "PERP: INDIVIDUAL ID", "perp-ind-id", Kind.STRING),
    SlotSpec(10, "PERP: ORGANIZATION ID", "perp-org-id", Kind.STRING),
    SlotSpec(11, "PERP: ORGANIZATION CONFIDENCE", "perp-org-conf", Kind.SET, tagged=True, set_size=6),
    SlotSpec(12, "PHYS TGT: ID", "phys-tgt-id", Kind.STRING),
    SlotSpec(13, "PHYS TGT: TYPE", "phys-tgt-type", Kind.SET, tagged=True, set_size=15),
    SlotSpec(14, "PHYS TGT: NUMBER", "phys-tgt-num", Kind.NUMBER, tagged=True),
    SlotSpec(15, "PHYS TGT: FOREIGN NATION", "phys-tgt-nation", Kind.SET, tagged=True),
    SlotSpec(16, "PHYS TGT: EFFECT OF INCIDENT", "phys-tgt-effect", Kind.SET, tagged=True, set_size=6),
    SlotSpec(17, "PHYS TGT: TOTAL NUMBER", "phys-tgt-total-num", Kind.NUMBER),
    SlotSpec(18, "HUM TGT: NAME", "hum-tgt-name", Kind.STRING),
    SlotSpec(19, "HUM TGT: DESCRIPTION", "hum-tgt-desc", Kind.STRING, tagged=True),
    SlotSpec(20, "HUM TGT: TYPE", "hum-tgt-type", Kind.SET, tagged=True, set_size=10),
    SlotSpec(21, "HUM TGT: NUMBER", "hum-tgt-num", Kind.NUMBER, tagged=True),
    SlotSpec(22, "HUM TGT: FOREIGN NATION", "hum-tgt-nation", Kind.SET, tagged=True),
    SlotSpec(23, "HUM TGT: EFFECT OF INCIDENT", "hum-tgt-effect", Kind.SET, tagged=True, set_size=9),
    SlotSpec(24, "HUM TGT: TOTAL NUMBER", "hum-tgt-total-num", Kind.NUMBER),
)

SLOT_BY_NAME: dict[str, SlotSpec] = {spec.name: spec for spec in SLOTS}

#: The slots whose tallies add up to the summary rows (2-24; the template id is reported apart).
SCORED_SLOTS: tuple[SlotSpec, ...] = SLOTS[2:]
