"""How one response fill compares with one key fill: correct, partially correct, or incorrect.

The rules are those of ``scoring-guidelines.v7`` section 3. The 1992 scorer applied some of them
by itself (set fills and their special partial cases, a location with only the right country)
and put every other mismatch to the person at the terminal, who judged it by the guidelines'
examples. We cannot ask that person, so the interactive cases are decided by fixed rules that
follow the guidelines' examples; those judgements are flagged ``interactive`` and tallied as
ICR / IPA, as the 1992 reports tallied the person's.
"""

from __future__ import annotations

from collections.abc import Mapping

from .judgement import COR, INC, PAR, Judgement
from .parse import Filler
from .slots import Kind, SlotSpec
from .strings import incomplete, judge_string
from .values import judge_value

__all__ = ["Links", "judge_filler", "same_referent"]


#: What the scorer learnt while scoring the slots a tag can refer to (the ids, names and
#: descriptions): for a response string, the key strings it was paired with and the credit.
Links = Mapping[str, Mapping[str, float]]


def same_referent(text: str) -> str:
    """The form under which strings are looked up in ``Links``."""
    return " ".join(text.upper().split())


def _tag(key: Filler, response: Filler, links: Links) -> Judgement:
    """Whether the cross-reference tag is right: COR when it names the key's referent.

    The scorer kept a history of the judgements made on the referenced slots and applied it to
    tags without asking again: a tag paired as correct with the key's referent is right; one
    paired as partly correct, or judged partly the same string, refers to it but not well
    (PAR); a tag never compared with the referent before went to the person (PAR, asked).
    """
    if not key.refs and not response.refs:
        return COR
    best = 0.0
    for ref in key.refs:
        for given in response.refs:
            if same_referent(ref.text) == same_referent(given.text):
                return COR
            linked = links.get(same_referent(given.text), {}).get(same_referent(ref.text), 0.0)
            best = max(best, linked, judge_string(ref.text, given.text).credit)
    if best == 1:
        return COR
    return PAR if best > 0 else PAR.asked()


def judge_filler(spec: SlotSpec, key: Filler, response: Filler, *, links: Links | None = None) -> Judgement:
    """A response filler against a key filler: the best over the key's alternatives, and for a
    slot with cross-reference tags, combined with whether the tag is right (3.1.2):
    right value and tag -> correct; right value, wrong tag -> partial; partial value -> partial.

    A string that a person would have had to judge is held against the key's fullest form: a
    response that fills one short alternative ("GUERRILLAS") with a part of a longer one
    ("NATIONAL LIBERATION ARMY GUERRILLAS" for "NATIONAL LIBERATION ARMY (ELN) GUERRILLAS") is
    an incomplete form of the name, partially correct (3.1.1.2).

    ``links`` is what the referenced slots of the same two templates taught (see ``Links``).
    """
    best = INC
    for value in key.values:
        for given in response.values:
            found = judge_value(spec, value, given)
            if found.beats(best):
                best = found
            if best == COR:
                break
    if spec.kind is Kind.STRING and best.correct and best.interactive and incomplete(key, response):
        best = PAR.asked()
    if not spec.tagged or best.credit == 0:
        return best
    tag = _tag(key, response, links or {})
    if best.correct and not tag.correct:
        return Judgement(0.5, best.interactive or tag.interactive)
    return best
