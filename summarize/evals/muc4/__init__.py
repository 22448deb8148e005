"""The MUC-4 (1992) terrorism benchmark: its templates, its official scoring rules, and our briefs.

``parse`` reads answer keys and the participants' responses, ``texts`` the messages,
``corpus`` finds the files (never copied into the repository).
"""

from __future__ import annotations

from .corpus import DEFAULT_ROOT, ENV_VAR, SETS, EvalSet, data_root, eval_set
from .parse import Filler, Message, Slot, State, Template, Value, parse_templates, read_templates
from .slots import SLOTS, Kind, SlotSpec
from .texts import MessageText, dateline, messages, read_texts

__all__ = [
    "DEFAULT_ROOT",
    "ENV_VAR",
    "SETS",
    "SLOTS",
    "EvalSet",
    "Filler",
    "Kind",
    "Message",
    "MessageText",
    "Slot",
    "SlotSpec",
    "State",
    "Template",
    "Value",
    "data_root",
    "dateline",
    "eval_set",
    "messages",
    "parse_templates",
    "read_templates",
    "read_texts",
]
