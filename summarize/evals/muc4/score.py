"""Score response templates against an answer key, as the official MUC-4 scorer did.

Per message, response templates are mapped to key templates (``scoring-guidelines.v7`` 3.2.1).
A pair may map only if the incident types match at least partially and at least one perpetrator
slot (individual or organisation id), physical target slot (id or type) or human target slot
(name, description or type) matches at least partially. Among the allowed pairs the scorer took
the best first, by the recall its own judgements gave the pair (before any person was asked);
unmapped response templates are spurious, unmapped key templates missing, unless marked
OPTIONAL, which then count for nothing.

Within a mapped pair each slot pairs its response fillers with its key fillers for the most
credit (``judge``); fillers left over on both sides pair up as incorrect, the rest of the key's
are missing (unless optional, ``?``) and the rest of the response's spurious.

The summary rows follow the reports: MATCHED/MISSING leaves out spurious templates,
MATCHED/SPURIOUS leaves out missing ones, MATCHED ONLY both, ALL TEMPLATES neither.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from ..assign import assign
from .judge import judge_filler, same_referent
from .judgement import INC, Judgement
from .parse import Filler, Message, Slot, State, Template
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
#: The slots a cross-reference tag can name: instrument, organisation and target ids, names and
#: descriptions (a description's own tag names the person too).
_REFERENCED = frozenset({6, 10, 12, 18, 19})

_Links = dict[str, dict[str, float]]


class Status(Enum):
    """How a template took part in the scoring; the words of the reports' section headers."""

    MATCHED = "matched"
    MISSING = "missing"
    SPURIOUS = "spurious"
    OPTIONAL = "optional"  # an OPTIONAL key template nothing mapped to: not scored


@dataclass(frozen=True)
class FillerPair:
    """A key filler and the response filler paired with it (either may be absent)."""

    key: Filler | None
    response: Filler | None
    judgement: Judgement | None


@dataclass(frozen=True, slots=True)
class SlotScore:
    """The tally of one slot of one template pair, with the fillers as they were paired
    (each key filler with the response filler that earned it the most credit)."""

    spec: SlotSpec
    tally: Tally
    pairs: tuple[FillerPair, ...] = ()


@dataclass(frozen=True, slots=True)
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
        """The score of slot ``number`` (2-24)."""
        return self.slots[number - 2]


def _fillers(slot: Slot | None) -> tuple[Filler, ...]:
    return slot.fillers if slot is not None and slot.state is State.FILLED else ()


def _learn(links: _Links, key: Filler, response: Filler, credit: float) -> None:
    """Remember that ``response``'s strings were paired with ``key``'s, for the tags to come."""
    for given in (*response.values, *response.refs):
        known = links.setdefault(same_referent(given.text), {})
        for value in (*key.values, *key.refs):
            referent = same_referent(value.text)
            known[referent] = max(known.get(referent, 0.0), credit)


def _tally(
    spec: SlotSpec,
    keys: Sequence[Filler],
    given: Sequence[Filler],
    judgements: Sequence[Sequence[Judgement]],
    links: _Links | None = None,
) -> SlotScore:
    """Pair fillers for the most credit under ``judgements`` and count the result."""
    pairs = assign([[judgement.credit for judgement in row] for row in judgements])
    paired_keys = {k for k, _ in pairs}
    paired_given = {r for _, r in pairs}
    cor = par = icr = ipa = 0
    shown: list[FillerPair] = []
    for k, r in pairs:
        judgement = judgements[k][r]
        if links is not None and spec.number in _REFERENCED:
            _learn(links, keys[k], given[r], judgement.credit)
        cor += judgement.correct
        par += judgement.partial
        icr += judgement.correct and judgement.interactive
        ipa += judgement.partial and judgement.interactive
        shown.append(FillerPair(keys[k], given[r], judgement))
    # Fillers left on both sides pair up as incorrect; an optional key filler paired so counts
    # as possible (the response tried it), one left alone does not.
    left_keys = sorted((k for k in range(len(keys)) if k not in paired_keys), key=lambda k: keys[k].optional)
    left_given = [r for r in range(len(given)) if r not in paired_given]
    inc = min(len(left_keys), len(left_given))
    shown += [FillerPair(keys[k], given[r], INC) for k, r in zip(left_keys, left_given, strict=False)]
    missing = [k for k in left_keys[inc:] if not keys[k].optional]
    shown += [FillerPair(keys[k], None, None) for k in missing]
    shown += [FillerPair(None, given[r], None) for r in left_given[inc:]]
    pos = sum(not filler.optional for filler in keys)
    pos += sum(keys[k].optional for k in [*paired_keys, *left_keys[:inc]])
    tally = Tally(
        pos=pos,
        act=len(given),
        cor=cor,
        par=par,
        inc=inc,
        icr=icr,
        ipa=ipa,
        spu=len(left_given) - inc,
        mis=len(missing),
        non=int(pos == 0 and not given),
    )
    return SlotScore(spec, tally, tuple(shown))


def score_slot(
    spec: SlotSpec, key: Slot | None, response: Slot | None, *, links: _Links | None = None
) -> SlotScore:
    """Pair the fillers of one slot for the most credit and tally the result.

    ``links`` carries what the slots a tag can refer to taught about the template pair (see
    ``judge.Links``); scoring such a slot adds its pairs to it.
    """
    keys, given = _fillers(key), _fillers(response)
    known = links if links is not None else {}
    judgements = [[judge_filler(spec, k, r, links=known) for r in given] for k in keys]
    return _tally(spec, keys, given, judgements, links)


_NOTHING = {spec.number: SlotScore(spec, Tally(non=1)) for spec in SCORED_SLOTS}


def _unasked(judgement: Judgement) -> Judgement:
    return INC if judgement.interactive else judgement


def _score_pair(
    message_id: str, key: Template | None, response: Template | None
) -> tuple[TemplateScore, Tally]:
    """Score two templates slot by slot; also the tally of the scorer's own judgements alone,
    with every judgement a person would make counted incorrect (what the mapping saw)."""
    links: _Links = {}
    unasked_links: _Links = {}
    slots: list[SlotScore] = []
    automatic: list[Tally] = []
    for spec in SCORED_SLOTS:
        keys = _fillers(key.slot(spec.number)) if key is not None else ()
        given = _fillers(response.slot(spec.number)) if response is not None else ()
        if not keys and not given:
            slots.append(_NOTHING[spec.number])
            continue
        judgements = [[judge_filler(spec, k, r, links=links) for r in given] for k in keys]
        slots.append(_tally(spec, keys, given, judgements, links))
        if keys and given:
            unasked = [[_unasked(judge_filler(spec, k, r, links=unasked_links)) for r in given] for k in keys]
            automatic.append(_tally(spec, keys, given, unasked, unasked_links).tally)
        else:
            automatic.append(slots[-1].tally)
    if key is not None and response is not None:
        status = Status.MATCHED
    else:
        status = Status.MISSING if key is not None else Status.SPURIOUS
    return TemplateScore(message_id, status, key, response, tuple(slots)), Tally.total(automatic)


def _may_map(pair: TemplateScore) -> bool:
    """The content-based mapping conditions of guidelines 3.2.1."""
    if pair.slot(_INCIDENT_TYPE).tally.credit == 0:
        return False
    return any(pair.slot(number).tally.credit > 0 for number in _MAPPING_SLOTS)


def _best_first(weights: Sequence[Sequence[float | None]]) -> list[tuple[int, int]]:
    """(row, column) pairs taken best first, as the 1992 scorer mapped templates (this is not
    always optimal). Ties go to the lower row, then the lower column; ``None`` never pairs."""
    cells = sorted(
        (
            (weight, -row, -col)
            for row, line in enumerate(weights)
            for col, weight in enumerate(line)
            if weight is not None and weight > 0
        ),
        reverse=True,
    )
    rows: set[int] = set()
    cols: set[int] = set()
    pairs = []
    for _, row, col in cells:
        if -row not in rows and -col not in cols:
            rows.add(-row)
            cols.add(-col)
            pairs.append((-row, -col))
    return pairs


def score_message(message_id: str, key: Message | None, response: Message | None) -> list[TemplateScore]:
    """Map one message's response templates to its key templates and score every template."""
    keys = key.templates if key is not None else ()
    given = response.templates if response is not None else ()
    candidates = [[_score_pair(message_id, k, r) for k in keys] for r in given]
    weights = [
        [automatic.recall if _may_map(pair) and automatic.recall else None for pair, automatic in row]
        for row in candidates
    ]
    pairs = _best_first(weights)
    mapped_keys = {k for _, k in pairs}
    mapped_given = {r for r, _ in pairs}
    scores = [candidates[r][k][0] for r, k in pairs]
    for k, template in enumerate(keys):
        if k in mapped_keys:
            continue
        if template.optional:
            scores.append(TemplateScore(message_id, Status.OPTIONAL, template, None, ()))
        else:
            scores.append(_score_pair(message_id, template, None)[0])
    scores += [
        _score_pair(message_id, None, template)[0]
        for r, template in enumerate(given)
        if r not in mapped_given
    ]
    return scores


@dataclass(frozen=True)
class Scores:
    """Every template of a test set, scored; the report's rows on demand."""

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

    @staticmethod
    def _sum(templates: list[TemplateScore], kind: Kind | None = None) -> Tally:
        return Tally.total(
            slot.tally for template in templates for slot in template.slots if kind in (None, slot.spec.kind)
        )

    def summary_rows(self) -> dict[str, Tally]:
        """MATCHED/MISSING, MATCHED/SPURIOUS, MATCHED ONLY, ALL TEMPLATES, SET and STRING FILLS ONLY."""
        matched, missing, spurious = Status.MATCHED, Status.MISSING, Status.SPURIOUS
        return {
            "MATCHED/MISSING": self._sum(self._scored(matched, missing)),
            "MATCHED/SPURIOUS": self._sum(self._scored(matched, spurious)),
            "MATCHED ONLY": self._sum(self._scored(matched)),
            "ALL TEMPLATES": self.all_templates,
            "SET FILLS ONLY": self._sum(self._scored(matched, missing), Kind.SET),
            "STRING FILLS ONLY": self._sum(self._scored(matched, missing), Kind.STRING),
        }

    @property
    def all_templates(self) -> Tally:
        """The ALL TEMPLATES row: every slot 2-24 of every scored template."""
        return self._sum(self._scored(Status.MATCHED, Status.MISSING, Status.SPURIOUS))


def score_messages(key: Mapping[str, Message], response: Mapping[str, Message]) -> Scores:
    """Score a whole response file against a whole key, message by message in key order.

    A message the response leaves out counts as one it found irrelevant; a response message
    the key does not have is ignored.
    """
    templates: list[TemplateScore] = []
    for message_id, message in key.items():
        templates += score_message(message_id, message, response.get(message_id))
    return Scores(tuple(templates))
