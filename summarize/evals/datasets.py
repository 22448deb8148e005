"""Where eval cases come from: gold files written by hand, or a corpus imported at run time.

A dataset spec is a path (a case file or a folder of them, see ``gold.py``) or
``NAME:PART`` for a registered importer, e.g. ``muc4:tst4``: the MUC-4 answer keys are
read from ``../shared/evaldata`` when the eval runs and are never copied into this repository.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import InputError
from .gold import Case, load_cases

__all__ = ["IMPORTERS", "load_dataset", "load_datasets"]


def _muc4(part: str) -> list[Case]:
    from .muc4.importer import import_cases  # the corpus reader loads only when asked for

    return import_cases(part)


IMPORTERS: dict[str, Callable[[str], list[Case]]] = {"muc4": _muc4}
"""Importers by spec prefix: ``muc4:dev``, ``muc4:tst3``, ``muc4:tst4``."""


def load_dataset(spec: str, *, limit: int | None = None) -> list[Case]:
    """The cases of one dataset spec, the first ``limit`` of them when given."""
    name, sep, part = spec.partition(":")
    if sep and name in IMPORTERS and not Path(spec).exists():
        cases = IMPORTERS[name](part)
    elif sep and len(name) > 1 and not Path(spec).exists():
        raise InputError(
            f"unknown dataset {spec!r}: not a path, and no importer {name!r} (known: {', '.join(IMPORTERS)})",
            dataset=spec,
            reason="unknown-dataset",
        )
    else:
        cases = load_cases([spec])
    return cases[:limit] if limit is not None else cases


def load_datasets(specs: Sequence[str], *, limit: int | None = None) -> list[Case]:
    """Cases of several specs in order; ``limit`` applies to each; ids must stay unique."""
    cases: list[Case] = []
    seen: set[str] = set()
    for spec in specs:
        for case in load_dataset(spec, limit=limit):
            if case.id in seen:
                raise InputError(
                    f"duplicate case id {case.id!r} (dataset {spec})", dataset=spec, reason="duplicate"
                )
            seen.add(case.id)
            cases.append(case)
    return cases
