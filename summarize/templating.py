"""The one way this package sets up Jinja2: sandboxed, strict, and escaping only what is HTML.

Prompts (``prompts/``) and the text people read (briefs, daily pages, eval reports) are all
Jinja2 templates rendered in a ``SandboxedEnvironment`` with ``StrictUndefined``: a misspelt
variable is an error, not an empty string, and a template cannot reach Python internals.
Output is autoescaped for ``*.html.j2`` templates only; Markdown, plain text and prompts are
not. Article text is only ever a value handed to a template, never compiled as one.
Templates are read once (``auto_reload`` off): prompts are versioned by the bytes that were
hashed, and packaged templates do not change while the process runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["environment"]

#: Every environment's settings but its loader.
_SETTINGS: dict[str, Any] = {
    "undefined": StrictUndefined,
    "autoescape": select_autoescape(enabled_extensions=("html.j2",), default=False, default_for_string=False),
    "trim_blocks": True,
    "lstrip_blocks": True,
    "auto_reload": False,
}


def environment(
    directory: Path,
    *,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    globals: Mapping[str, Any] | None = None,
) -> SandboxedEnvironment:
    """A sandboxed environment over the templates in ``directory``, with extra filters and globals."""
    env = SandboxedEnvironment(loader=FileSystemLoader(directory), **_SETTINGS)
    env.filters.update(filters or {})
    env.globals.update(globals or {})
    return env
