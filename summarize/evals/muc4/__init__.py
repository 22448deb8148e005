"""The MUC-4 (1992) terrorism benchmark: its templates, its official scoring rules, our briefs.

- ``parse`` reads answer keys and the participants' responses; ``texts`` the messages;
  ``corpus`` finds the files (read at run time, never copied into the repository).
- ``score`` scores response templates against a key by the 1992 rules (``judge``, ``strings``,
  ``values`` hold the fill rules); ``tally`` the counts and measures.
- ``official`` reads the official 1992 score reports; ``reproduce`` checks our scorer against
  them (``python -m summarize.evals.muc4 reproduce --set tst4``).
- ``export`` turns briefs into response templates; ``benchmark`` scores briefs and sets them
  beside the 1992 systems.
"""

from __future__ import annotations

from .benchmark import BriefScores, OfficialScore, format_benchmark, official_scores, score_briefs
from .corpus import DEFAULT_ROOT, ENV_VAR, SETS, EvalSet, data_root, eval_set
from .export import brief_templates, export_briefs, format_templates
from .official import OfficialReport, parse_official, read_official
from .parse import Filler, Message, Slot, State, Template, Value, parse_templates, read_templates
from .report import format_disagreements, format_reproduction, format_table
from .reproduce import Disagreement, SystemResult, disagreements, reproduce, score_system
from .score import Scores, Status, TemplateScore, score_message, score_messages
from .slots import SLOTS, Kind, SlotSpec
from .tally import Tally, f_measure
from .texts import MessageText, dateline, messages, read_texts

__all__ = [
    "DEFAULT_ROOT",
    "ENV_VAR",
    "SETS",
    "SLOTS",
    "BriefScores",
    "Disagreement",
    "EvalSet",
    "Filler",
    "Kind",
    "Message",
    "MessageText",
    "OfficialReport",
    "OfficialScore",
    "Scores",
    "Slot",
    "SlotSpec",
    "State",
    "Status",
    "SystemResult",
    "Tally",
    "Template",
    "TemplateScore",
    "Value",
    "brief_templates",
    "data_root",
    "dateline",
    "disagreements",
    "eval_set",
    "export_briefs",
    "f_measure",
    "format_benchmark",
    "format_disagreements",
    "format_reproduction",
    "format_table",
    "format_templates",
    "messages",
    "official_scores",
    "parse_official",
    "parse_templates",
    "read_official",
    "read_templates",
    "read_texts",
    "reproduce",
    "score_briefs",
    "score_message",
    "score_messages",
    "score_system",
]
