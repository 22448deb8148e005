"""Output formats: how briefs, tables of incidents, daily briefs and eval reports are written.

``registry`` is the one way a format is chosen (by name or file suffix) and written
(atomically); ``brief`` writes a brief as JSON or Markdown, ``acled`` incidents as
ACLED-style CSV. The daily brief and the eval report register their own formats
(``daily.render``, ``evals.render``) the same way.
"""

from .acled import write_csv
from .brief import BRIEF_FORMATS, to_json, to_markdown
from .registry import Format, Formats

__all__ = ["BRIEF_FORMATS", "Format", "Formats", "to_json", "to_markdown", "write_csv"]
