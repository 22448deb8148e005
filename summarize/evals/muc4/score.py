"""Score response templates against an answer key, as the official MUC-4 scorer did.

Per message, response templates are mapped to key templates (``scoring-guidelines.v7`` 3.2.1):
a pair may map only if the incident types match at least partially and at least one perpetrator
slot (individual or organisation id), physical target slot (id or type) or human target slot
(name, description or type) matches at least partially; among the allowed pairings the one with
the most credit wins. Unmapped response templates are spurious, unmapped key templates missing
(unless marked OPTIONAL, which then count for nothing). Within a mapped pair each slot pairs its
response fillers with its key fillers for the most credit (``judge``); unpaired key fillers are
missing (unless optional, ``?``), unpaired response fillers spurious, and where both are left
over they pair up as incorrect.

The summary rows follow the reports: MATCHED/MISSING leaves out spurious templates,
MATCHED/SPURIOUS leaves out missing ones, MATCHED ONLY both, ALL TEMPLATES neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from ..assign import assign
from .judge import Judgement, judge_filler
from .parse import Message, Slot, State, Template
from .slots import SCORED_SLOTS, Kind, SlotSpec
from .tally import Tally

__all__ = [
    "FillerPair",
    "Scores",
    "SlotScore",
    "Status",
    "TemplateScore",
    "score_message",
    "score_messages",
    "score_slot",
]

#: Slots of which at least one must match (partially) for two templates to map (3.2.1).
_MAPPING_SLOTS = (9, 10, 12, 13, 18, 19, 20)
_INCIDENT_TYPE = 4


class Status(Enum):
    """How a template took part in the scoring; the words of the reports' section headers."""

    MATCHED = "matched"
    MISSING = "missing"
    SPURIOUS = "spurious"
    OPTIONAL = "optional"  # an OPTIONAL key template nothing mapped to: not scored


@dataclass(frozen=True)
class FillerPair:
    """A key filler and the response filler paired with it (either may be absent)."""

    key: str | None
    response: str | None
    judgement: Judgement | None


@dataclass(frozen=True)
class SlotScore:
    """The tally of one slot of one template pair, with the fillers as they were paired."""

    spec: SlotSpec
    tally: Tally
    pairs: tuple[FillerPair, ...] = ()

    @property
    def credit(self) -> float:
        return self.tally.credit


@dataclass(frozen=True)
class TemplateScore:
    """One key template, one response template, or a mapped pair of them."""

    message_id: str
    status: Status
    key: Template | None
    response: Template | None
    slots: tuple[SlotScore, ...]

    @property
    def template_id(self) -> Tally:
        """The MESSAGE: TEMPLATE row: is there a template where the key has one?"""
        if self.status is Status.MATCHED:
            return Tally(pos=1, act=1, cor=1)
        if self.status is Status.MISSING:
            return Tally(pos=1, mis=1)
        if self.status is Status.SPURIOUS:
            return Tally(act=1, spu=1)
        return Tally()

    @property
    def total(self) -> Tally:
        return Tally.total(slot.tally for slot in self.slots)

    def slot(self, number: int) -> SlotScore:
        return self.slots[number - 2]


def score_slot(
    spec: SlotSpec, key: Slot | None, response: Slot | None, *, automatic: bool = False
) -> SlotScore:
    """Pair the fillers of one slot for the most credit and tally the result.

    ``automatic`` scores as the 1992 program did before it asked anyone: every judgement that
    needs a person counts as incorrect.
    """
    keys = key.fillers if key is not None and key.state is State.FILLED else ()
    given = response.fillers if response is not None and response.state is State.FILLED else ()
    judgements = [[judge_filler(spec, k, r) for r in given] for k in keys]
    if automatic:
        judgements = [[j if not j.interactive else Judgement(0.0) for j in row] for row in judgements]
    pairs = assign([[j.credit for j in row] for row in judgements])
    paired_keys = {k for k, _ in pairs}
    paired_given = {r for _, r in pairs}
    cor = par = icr = ipa = 0
    shown: list[FillerPair] = []
    for k, r in pairs:
        judgement = judgements[k][r]
        cor += judgement.correct
        par += judgement.partial
        icr += judgement.correct and judgement.interactive
        ipa += judgement.partial and judgement.interactive
        shown.append(FillerPair(str(keys[k]), str(given[r]), judgement))
    # Fillers left over on both sides pair up as incorrect; an optional key filler paired so
    # counts as possible (the response tried it), one left alone does not.
    left_keys = sorted((k for k in range(len(keys)) if k not in paired_keys), key=lambda k: keys[k].optional)
    left_given = [r for r in range(len(given)) if r not in paired_given]
    inc = min(len(left_keys), len(left_given))
    for k, r in zip(left_keys, left_given, strict=False):
        shown.append(FillerPair(str(keys[k]), str(given[r]), judgements[k][r]))
    missing = [k for k in left_keys[inc:] if not keys[k].optional]
    shown += [FillerPair(str(keys[k]), None, None) for k in missing]
    shown += [FillerPair(None, str(given[r]), None) for r in left_given[inc:]]
    pos = sum(not filler.optional for filler in keys)
    pos += sum(keys[k].optional for k in [*paired_keys, *left_keys[:inc]])
    act = len(given)
    tally = Tally(
        pos=pos,
        act=act,
        cor=cor,
        par=par,
        inc=inc,
        icr=icr,
        ipa=ipa,
        spu=len(left_given) - inc,
        mis=len(missing),
        non=int(pos == 0 and act == 0),
    )
    return SlotScore(spec, tally, tuple(shown))


def _score_pair(
    message_id: str, key: Template | None, response: Template | None, *, automatic: bool = False
) -> TemplateScore:
    slots = tuple(
        score_slot(
            spec,
            key.slot(spec.number) if key is not None else None,
            response.slot(spec.number) if response is not None else None,
            automatic=automatic,
        )
        for spec in SCORED_SLOTS
    )
    if key is not None and response is not None:
        status = Status.MATCHED
    else:
        status = Status.MISSING if key is not None else Status.SPURIOUS
    return TemplateScore(message_id, status, key, response, slots)


def _may_map(pair: TemplateScore) -> bool:
    """The content-based mapping conditions of guidelines 3.2.1."""
    if pair.slot(_INCIDENT_TYPE).credit == 0:
        return False
    return any(pair.slot(number).credit > 0 for number in _MAPPING_SLOTS)


def _greedy_pairs(weights: list[list[float | None]]) -> list[tuple[int, int]]:
    """(row, column) pairs taken best first, as the 1992 scorer mapped templates (not always
    optimal). Ties go to the lower row, then the lower column; ``None`` never pairs."""
    cells = sorted(
        (
            (weight, -row, -col)
            for row, line in enumerate(weights)
            for col, weight in enumerate(line)
            if weight is not None and weight > 0
        ),
        reverse=True,
    )
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs = []
    for _, row, col in cells:
        if -row not in used_rows and -col not in used_cols:
            used_rows.add(-row)
            used_cols.add(-col)
            pairs.append((-row, -col))
    return pairs


def _mapping_weight(pair: TemplateScore) -> float:
    """How well two templates match, for mapping: recall from the scorer's own judgements.

    The 1992 program mapped templates before it asked anyone anything, so judgements a person
    would make count for nothing here; and among the allowed pairs it took the best recall
    first (checked against the mappings printed in the official reports).
    """
    automatic = _score_pair(pair.message_id, pair.key, pair.response, automatic=True).total
    return automatic.credit / automatic.pos if automatic.pos else 0.0


def score_message(message_id: str, key: Message | None, response: Message | None) -> list[TemplateScore]:
    """Map one message's response templates to its key templates and score every template."""
    keys = key.templates if key is not None else ()
    given = response.templates if response is not None else ()
    candidates = [[_score_pair(message_id, k, r) for k in keys] for r in given]
    weights = [[_mapping_weight(pair) if _may_map(pair) else None for pair in row] for row in candidates]
    pairs = _greedy_pairs(weights)
    mapped_keys = {k for _, k in pairs}
    mapped_given = {r for r, _ in pairs}
    scores = [candidates[r][k] for r, k in pairs]
    for k, template in enumerate(keys):
        if k in mapped_keys:
            continue
        if template.optional:
            scores.append(TemplateScore(message_id, Status.OPTIONAL, template, None, ()))
        else:
            scores.append(_score_pair(message_id, template, None))
    scores += [
        _score_pair(message_id, None, template) for r, template in enumerate(given) if r not in mapped_given
    ]
    return scores


@dataclass(frozen=True)
class Scores:
    """Every template of a test set, scored; rows and summary rows on demand."""

    templates: tuple[TemplateScore, ...]

    def _scored(self, *statuses: Status) -> list[TemplateScore]:
        return [template for template in self.templates if template.status in statuses]

    def slot_rows(self) -> dict[str, Tally]:
        """The per-slot rows of the TOTAL SLOT SCORES table, template-id first."""
        scored = self._scored(Status.MATCHED, Status.MISSING, Status.SPURIOUS)
        rows = {"template-id": Tally.total(template.template_id for template in scored)}
        for index, spec in enumerate(SCORED_SLOTS):
            rows[spec.label] = Tally.total(template.slots[index].tally for template in scored)
        return rows

    def _row(self, templates: list[TemplateScore], kind: Kind | None = None) -> Tally:
        return Tally.total(
            slot.tally for template in templates for slot in template.slots if kind in (None, slot.spec.kind)
        )

    def summary_rows(self) -> dict[str, Tally]:
        """MATCHED/MISSING, MATCHED/SPURIOUS, MATCHED ONLY, ALL TEMPLATES, SET and STRING FILLS ONLY."""
        matched, missing, spurious = Status.MATCHED, Status.MISSING, Status.SPURIOUS
        return {
            "MATCHED/MISSING": self._row(self._scored(matched, missing)),
            "MATCHED/SPURIOUS": self._row(self._scored(matched, spurious)),
            "MATCHED ONLY": self._row(self._scored(matched)),
            "ALL TEMPLATES": self._row(self._scored(matched, missing, spurious)),
            "SET FILLS ONLY": self._row(self._scored(matched, missing), Kind.SET),
            "STRING FILLS ONLY": self._row(self._scored(matched, missing), Kind.STRING),
        }

    @property
    def all_templates(self) -> Tally:
        return self._row(self._scored(Status.MATCHED, Status.MISSING, Status.SPURIOUS))


def score_messages(key: Mapping[str, Message], response: Mapping[str, Message]) -> Scores:
    """Score a whole response file against a whole key, message by message in key order.

    A message the response leaves out counts as one it found irrelevant; a response message
    the key does not have is ignored.
    """
    templates: list[TemplateScore] = []
    for message_id, message in key.items():
        templates += score_message(message_id, message, response.get(message_id))
    return Scores(tuple(templates))
