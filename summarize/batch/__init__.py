"""Brief many articles: concurrently, resumably, each exactly once (see ``runner``).

>>> summary = run_batch(["news/"], Path("out"), options=BatchOptions(concurrency=16))  # doctest: +SKIP
"""

from .runner import BRIEFS, ERRORS, EVENTS, SUMMARY, BatchOptions, run_batch
from .summary import BatchProgress, BatchSummary

__all__ = [
    "BRIEFS",
    "ERRORS",
    "EVENTS",
    "SUMMARY",
    "BatchOptions",
    "BatchProgress",
    "BatchSummary",
    "run_batch",
]
