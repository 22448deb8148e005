"""Where the MUC-4 corpus lives and which files make up each test set.

The corpus is public-domain data that the project reads at run time and never copies into the
repository: by default from ``shared/evaldata/muc4`` beside the checkout (as the tests and
benchmarks find it), else from ``SUMMARIZE_MUC4_DIR``, else from the directory a caller passes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError

__all__ = ["DEFAULT_ROOT", "ENV_VAR", "SETS", "EvalSet", "data_root", "eval_set"]

#: Environment variable naming the corpus directory.
ENV_VAR = "SUMMARIZE_MUC4_DIR"

#: ``shared/evaldata/muc4`` beside the repository checkout.
DEFAULT_ROOT = Path(__file__).resolve().parents[4] / "shared" / "evaldata" / "muc4"

# Participant names as the TST3 folders spell them, by the prefix of their TST4 files.
_TST4_PREFIXES = {
    "bbn": "BBN",
    "ge": "GE",
    "ge-cmu": "GE-CMU",
    "hughes": "HUGHES",
    "lsi": "LSI",
    "mdc": "MDC",
    "mitre": "MITRE",
    "nm-br": "NMSU",
    "nyu": "NYU",
    "pmax": "PARAMAX",
    "prc": "PRC",
    "sra": "SRA",
    "sri": "SRI",
    "um-cq": "SYNCH",
    "umass": "UMASS",
    "umich": "UMICH",
    "usc": "USC",
}


@dataclass(frozen=True)
class EvalSet:
    """The files of one MUC-4 test set under a corpus root."""

    name: str
    root: Path
    texts: Path
    key: Path

    @property
    def results(self) -> Path:
        return self.root / "official-results" / self.name

    def systems(self) -> list[str]:
        """The participants whose response and official score files this set has, sorted."""
        found = [name for name in _systems(self.results / "responses", self.name) if self.scores(name)]
        return sorted(found)

    def response(self, system: str) -> Path:
        """The response templates ``system`` submitted for this set."""
        if self.name == "tst3":
            return self.results / "responses" / system / "response.tst3"
        prefix = {name: prefix for prefix, name in _TST4_PREFIXES.items()}.get(system, system.lower())
        return self.results / "responses" / f"{prefix}-response.tst4"

    def scores(self, system: str) -> Path | None:
        """The official score report of ``system``'s responses, if the corpus has one."""
        if self.name == "tst3":
            path = self.results / "scores" / system / "scores.tst3-pass1.nrad"
        else:
            prefix = {name: prefix for prefix, name in _TST4_PREFIXES.items()}.get(system, system.lower())
            path = self.results / "scores" / f"{prefix}-scores-pass1.tst4.nrad"
        return path if path.is_file() else None


def _systems(responses: Path, name: str) -> list[str]:
    if not responses.is_dir():
        return []
    if name == "tst3":
        return [entry.name for entry in responses.iterdir() if (entry / "response.tst3").is_file()]
    suffix = "-response.tst4"
    return [
        _TST4_PREFIXES.get(entry.name[: -len(suffix)], entry.name[: -len(suffix)].upper())
        for entry in responses.iterdir()
        if entry.name.endswith(suffix)
    ]


_FILES = {"tst3": ("tst3-muc4", "key-tst3.v2"), "tst4": ("tst4-muc4.mixed-case", "key-tst4.v2")}

#: The test sets with official 1992 results.
SETS = tuple(sorted(_FILES))


def data_root(root: Path | None = None) -> Path:
    """The corpus directory: ``root`` if given, else ``$SUMMARIZE_MUC4_DIR``, else the default."""
    if root is not None:
        return root
    from_env = os.environ.get(ENV_VAR)
    return Path(from_env) if from_env else DEFAULT_ROOT


def eval_set(name: str, root: Path | None = None) -> EvalSet:
    """The files of test set ``name`` (``tst3`` or ``tst4``); raises if the corpus is not there."""
    if name not in _FILES:
        raise InputError(f"unknown MUC-4 test set {name!r}; expected one of {', '.join(SETS)}", set=name)
    base = data_root(root)
    texts, key = _FILES[name]
    found = EvalSet(name, base, base / texts, base / key)
    if not found.key.is_file():
        raise InputError(
            f"MUC-4 corpus not found at {base} (set {ENV_VAR} or pass the directory)", path=str(base)
        )
    return found
