"""Case and accents do not make a different word: one folding for every name comparison.

Country lookup (``geo``), eval name matching (``evals.compare``) and daily-brief linking
(``daily.linking``) all compare names written by different hands ("Martí", "MARTI").
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]


def fold(text: str) -> str:
    """``text`` without accents (NFKD, combining marks dropped) and case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
