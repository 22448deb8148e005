"""What the fork server behind a batch's worker processes imports once, so each worker starts at once.

A worker process is forked from a server process that imported this module
(see ``batch_workers.PRELOAD``), and inherits everything imported here. Plain
imports are not enough: openai builds its client's resources, and its HTTP
stack and instructor's helpers, from modules it imports only on first use
(~670 modules, about half a second per worker). So this module builds, and
closes, one OpenAI backend for a local address it never connects to, and
prepares instructor's response models. Nothing is sent, written or cached.
"""

from __future__ import annotations

from ..backends._instructor_prep import prepared
from ..backends._openai import OpenAIBackend
from ..brief.extraction import IncidentDetail, Survey
from ..config import Settings
from .workers import serve

__all__ = ["serve"]


def _warm() -> None:
    OpenAIBackend(Settings(model="preload", base_url="http://127.0.0.1:9/v1")).close()  # never connects
    for model in (Survey, IncidentDetail):
        prepared(model)


_warm()
