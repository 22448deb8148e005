"""The command line: parse, call one library function, print.

Data goes to stdout, progress and warnings to stderr. Library errors become one
``error: ...`` line and the exit code of their class (``options.reports_errors``);
nothing here decides anything about briefs. ``app`` is the group, one module per
command beside it; ``options`` and ``output`` are what the commands share.
"""

from .app import main

__all__ = ["main"]
