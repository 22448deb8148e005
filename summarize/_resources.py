"""Where the package finds its data files.

``prompts/`` and ``schemas/`` live at the top of the repository (that is where people
edit them); a wheel carries copies under ``summarize/_data/``. Both layouts work.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["prompts_dir", "schema_path"]

_HERE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    packaged = _HERE / "_data" / name
    return packaged if packaged.is_dir() else _HERE.parent / name


def prompts_dir() -> Path:
    """The directory holding the Jinja2 prompt templates."""
    return _data_dir("prompts")


def schema_path() -> Path:
    """The committed JSON Schema of the brief."""
    return _data_dir("schemas") / "incident_brief.v1.json"
