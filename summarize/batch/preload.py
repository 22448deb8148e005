"""What the fork server behind a batch's worker processes imports once, so each worker starts at once.

A worker process is forked from a server process that imported this module
(see ``batch.processes.PRELOAD``), and inherits everything imported here. Plain
imports are not enough: openai builds its client's resources, and its HTTP
stack and instructor's helpers, from modules it imports only on first use
(~670 modules, about half a second per worker). So each backend does its
one-off start-up work here (``backends.registry.warm_backends``) for the
response models a brief asks for. Nothing is sent, written or cached.
"""

from __future__ import annotations

from ..backends.registry import warm_backends
from ..brief.extraction import IncidentDetail, Survey
from .processes import serve

__all__ = ["serve"]

warm_backends([Survey, IncidentDetail])
