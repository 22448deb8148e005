"""One way to choose and write an output format: a registry per kind of document.

A ``Format`` is a name (``md``), the file suffixes that select it (``.md``, ``.markdown``)
and a function that renders the document as text. A ``Formats`` registry holds the formats
one kind of document can be written in (a brief, a daily brief, an eval report); every
command picks a format from it by name (``get``) or by the suffix of the file asked for
(``for_path``), and writes through it (``write``: atomically, see ``files``). A new format
is one function and one ``Format`` line in its registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ..errors import ConfigError, SummarizeError
from ..files import atomic_write_text

__all__ = ["Format", "Formats"]

T = TypeVar("T")


@dataclass(frozen=True)
class Format(Generic[T]):
    """A way to write one kind of document as text."""

    name: str
    suffixes: tuple[str, ...]
    render: Callable[[T], str]
    #: a few words for ``--help``
    description: str = ""


class Formats(Generic[T]):
    """The formats one kind of document (``document``, for messages) can be written in."""

    def __init__(self, document: str, formats: Iterable[Format[T]]) -> None:
        self.document = document
        self._formats = {f.name: f for f in formats}
        self._by_suffix = {suffix: f for f in self._formats.values() for suffix in f.suffixes}

    def __iter__(self) -> Iterator[Format[T]]:
        return iter(self._formats.values())

    @property
    def names(self) -> list[str]:
        return list(self._formats)

    def get(self, name: str) -> Format[T]:
        """The format called ``name`` (``ConfigError`` if there is none)."""
        found = self._formats.get(name)
        if found is None:
            raise ConfigError(
                f"unknown {self.document} format {name!r}; choose one of {', '.join(self.names)}",
                format=name,
            )
        return found

    def for_path(self, path: Path) -> Format[T]:
        """The format a file name asks for by its suffix (``ConfigError`` if none does)."""
        found = self._by_suffix.get(path.suffix.lower())
        if found is None:
            raise ConfigError(
                f"cannot tell the format of {path}: {self.document} files end in {self.suffixes()}",
                path=str(path),
            )
        return found

    def suffixes(self) -> str:
        """The main suffix of each format, for people: ".md, .html or .json"."""
        *others, last = [f.suffixes[0] for f in self._formats.values()]
        return f"{', '.join(others)} or {last}" if others else last

    def write(self, document: T, path: Path, fmt: Format[T] | None = None) -> Format[T]:
        """Write ``document`` to ``path`` atomically, in ``fmt`` or the format its suffix names."""
        chosen = fmt or self.for_path(path)
        try:
            atomic_write_text(path, chosen.render(document))
        except OSError as exc:
            raise SummarizeError(f"cannot write {path}: {exc.strerror or exc}", path=str(path)) from exc
        return chosen
