"""Read MUC-4 template files: the answer keys and the participants' responses, with one parser.

Keys and responses share one format (``template-doc-part1.v7`` section 4): numbered slot lines,
one filler per line, continuation lines for further fillers. Keys add notation responses may not
use: ``/`` between alternative fills, ``?`` before an optional filler, ``(OPTIONAL)`` after an
optional template's number, and parentheses around an alternative that itself contains ``/`` or
``-``. Responses from 1992 bend the layout (tabs, ``;`` comment lines, separator lines, a message
split over several blocks), so the parser keys on slot numbers and names, not on columns. As the
official scorer did, it takes a further filler only from an indented line right under the slot's
first line: an unindented line, or one after a blank line, is not part of the slot.

Values are kept as text (dates, locations, numbers, set items, strings); interpreting them is
the scorer's job, so a response the scorer cannot read still parses and simply scores wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .slots import SLOTS, SlotSpec

__all__ = [
    "Filler",
    "Message",
    "Slot",
    "State",
    "Template",
    "Value",
    "parse_filler",
    "parse_templates",
    "read_templates",
]


@dataclass(frozen=True)
class Value:
    """One alternative of a fill: a set item, date, location, number, or (``quoted``) a string."""

    text: str
    quoted: bool = False

    def __str__(self) -> str:
        return f'"{self.text}"' if self.quoted else self.text


@dataclass(frozen=True)
class Filler:
    """One filler of a slot (one line of a template).

    ``values`` are its alternatives (keys give several, separated by ``/``); ``refs`` are the
    alternatives of its cross-reference tag, the filler of another slot it refers to
    (``BOMB: "CAR BOMB"`` refers to the instrument id ``"CAR BOMB"``). Any value with any
    tag is a correct fill. ``optional`` marks a key filler whose absence is not an error (``?``).
    """

    values: tuple[Value, ...]
    refs: tuple[Value, ...] = ()
    optional: bool = False

    def __str__(self) -> str:
        text = " / ".join(str(value) for value in self.values)
        if self.refs:
            text += ": " + " / ".join(str(ref) for ref in self.refs)
        return ("? " if self.optional else "") + text


class State(Enum):
    """Whether a slot has fillers, is null (``-``), or does not apply (``*``)."""

    FILLED = "filled"
    NULL = "null"
    INAPPLICABLE = "inapplicable"


@dataclass(frozen=True)
class Slot:
    """The fillers of one slot of one template."""

    spec: SlotSpec
    state: State
    fillers: tuple[Filler, ...] = ()

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class Template:
    """One incident of a message: its number and its slots 2-24 (a slot left out reads as null)."""

    message_id: str
    number: int
    slots: tuple[Slot, ...]
    optional: bool = False

    def slot(self, number: int) -> Slot:
        """The slot of that number (2-24)."""
        return self.slots[number - 2]


@dataclass(frozen=True)
class Message:
    """The templates of one message; none means the message is irrelevant (all ``*``)."""

    id: str
    templates: tuple[Template, ...] = ()

    @property
    def irrelevant(self) -> bool:
        return not self.templates


_NAMES = "|".join(re.escape(spec.name).replace(r"\ ", r"\s+") for spec in SLOTS)
_SLOT_LINE = re.compile(rf"^\s*(?P<number>\d{{1,2}})\.\s+(?P<name>{_NAMES})(?:\s+(?P<fill>.*))?$")
_TEMPLATE_NUMBER = re.compile(r"^(?P<number>\d+)\s*(?P<optional>\(\s*OPTIONAL\s*\))?", re.IGNORECASE)


def _top_level(text: str, separator: str) -> Iterator[int]:
    """Offsets of ``separator`` outside double quotes and parentheses."""
    quoted, depth, index = False, 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quoted:
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth = max(depth - 1, 0)
        elif not quoted and depth == 0 and text.startswith(separator, index):
            yield index
        index += 1


def _split(text: str, separator: str) -> list[str]:
    parts, start = [], 0
    for offset in _top_level(text, separator):
        if offset >= start:
            parts.append(text[start:offset])
            start = offset + len(separator)
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _unwrap(text: str) -> str:
    """``(EL SALVADOR: SAN SALVADOR (CITY))`` -> the text inside, when one pair encloses it all."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for index, char in enumerate(text):
            depth += char == "("
            depth -= char == ")"
            if depth == 0 and index < len(text) - 1:
                return text
        text = text[1:-1].strip()
    return text


def _values(text: str) -> list[Value]:
    """The alternatives in ``text``: ``(A / B)`` is two values, ``"A"`` one quoted value."""
    text = _unwrap(text.strip())
    parts = _split(text, "/")
    if len(parts) > 1:
        return [value for part in parts for value in _values(part)]
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return [Value(text[1:-1].strip(), quoted=True)]
    return [Value(text)] if text else []


def _tagged(segment: str) -> tuple[str, str] | None:
    """Split ``VALUE: "REF"`` at the first colon outside quotes and parentheses.

    Keys mostly quote the tag; a few do not (``GUN: -``, ``REPORTED AS FACT: BASQUE ...``).
    """
    for offset in _top_level(segment, ":"):
        return segment[:offset], segment[offset + 1 :]
    return None


def _value_of_tag(text: str) -> Value:
    """A tag is always a string (the referent's filler), quoted or not."""
    found = _values(text)
    return (
        Value(found[0].text, quoted=True) if len(found) == 1 else Value(text.strip().strip('"'), quoted=True)
    )


def parse_filler(text: str, spec: SlotSpec) -> Filler:
    """One filler line of slot ``spec``: alternatives, optional mark, cross-reference tag."""
    text = text.strip()
    optional = text.startswith("?")
    if optional:
        text = text[1:].strip()
    values: list[Value] = []
    refs: list[Value] = []
    for segment in _split(text, "/"):
        split = _tagged(segment) if spec.tagged else None
        if split is not None:
            values += _values(split[0])
            refs += [_value_of_tag(split[1])]
        elif refs:
            refs += _values(segment)
        else:
            values += _values(segment)
    return Filler(tuple(values), tuple(refs), optional)


def _slot(spec: SlotSpec, lines: list[str]) -> Slot:
    lines = [line for line in lines if line]
    if not lines or all(line == "-" for line in lines):
        return Slot(spec, State.NULL)
    if lines[0] == "*":
        return Slot(spec, State.INAPPLICABLE)
    fillers = tuple(parse_filler(line, spec) for line in lines if line not in ("-", "*"))
    return Slot(spec, State.FILLED, fillers)


@dataclass
class _Block:
    """The slot lines of one template as read, before they are parsed."""

    message_id: str = ""
    template: str = ""
    lines: dict[int, list[str]] | None = None

    def add(self, number: int, text: str) -> None:
        if self.lines is None:
            self.lines = {}
        self.lines.setdefault(number, []).append(text)


def _blocks(lines: Iterable[str]) -> Iterator[_Block]:
    block: _Block | None = None
    current = -1
    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            current = -1  # a blank line ends the slot: nothing after it continues the slot
            continue
        if line.lstrip().startswith(";"):
            continue
        found = _SLOT_LINE.match(line)
        if found is None:
            # A further filler is a line indented under the first; the 1992 scorer ignored
            # unindented lines (MITRE's), and so do we.
            if block is not None and current > 1 and line[0].isspace():
                block.add(current, line.strip())
            continue
        number, fill = int(found["number"]), (found["fill"] or "").strip()
        if number == 0:
            if block is not None:
                yield block
            block = _Block(message_id=fill.split()[0] if fill else "")
            current = 0
        elif block is not None and number == 1:
            block.template, current = fill, 1
        elif block is not None and 2 <= number < len(SLOTS):
            current = number
            block.add(number, fill)
    if block is not None:
        yield block


def parse_templates(text: str) -> dict[str, Message]:
    """Every message in a key or response file, by message id, in file order.

    A message whose template number is ``*`` is irrelevant and has no templates; a message
    given in several blocks (as some responses do) gathers the templates of all of them.
    """
    templates: dict[str, list[Template]] = {}
    for block in _blocks(text.splitlines()):
        found = _TEMPLATE_NUMBER.match(block.template)
        templates.setdefault(block.message_id, [])
        if found is None:
            continue
        slots = tuple(_slot(spec, (block.lines or {}).get(spec.number, [])) for spec in SLOTS[2:])
        templates[block.message_id].append(
            Template(block.message_id, int(found["number"]), slots, optional=bool(found["optional"]))
        )
    return {message_id: Message(message_id, tuple(found)) for message_id, found in templates.items()}


def read_templates(path: Path) -> dict[str, Message]:
    """Parse a key or response file (Latin-1, as the 1992 files are)."""
    return parse_templates(path.read_text(encoding="latin-1"))
