"""The articles of a batch, read lazily from folders, globs and JSONL files.

A batch may be far larger than memory, so nothing here lists or loads everything
first: folders are walked one directory at a time, globs are matched
lazily, and a ``.jsonl`` file is read one record at a time (a record longer
than the byte limit is skipped over in chunks, never held). An article that
cannot be read becomes an ``Unreadable`` item carrying its ``InputError``, so the
batch can record it and go on; only a command-line input that names nothing at
all is an error for the whole batch (most likely a typo).

Files are read by ``readers.load_article`` and JSONL records by the same field
rules as a ``.json`` article, so a batch briefs exactly what ``summarize brief``
would; a folder walk takes every file whose suffix has a reader (``readers.READERS``).
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import InputError
from .articles import Article, article_from_record, json_value
from .readers import READERS, load_article

__all__ = ["MAX_INPUT_BYTES", "Unreadable", "count_inputs", "iter_articles", "resolve_inputs"]

log = logging.getLogger(__name__)

#: Inputs (files or JSONL records) larger than this are refused as ``too-large`` unless asked otherwise.
MAX_INPUT_BYTES = 2_000_000
_JSONL = ".jsonl"
_GLOB_CHARS = frozenset("*?[")
_SKIP_CHUNK = 1 << 20


@dataclass(frozen=True)
class Unreadable:
    """An input that could not be turned into an article."""

    source: str
    error: InputError


Item = Article | Unreadable


def _is_glob(text: str) -> bool:
    return any(ch in _GLOB_CHARS for ch in text)


def resolve_inputs(inputs: Iterable[str | Path]) -> list[str]:
    """Check that every input names something (a file, a folder or a matching glob)."""
    resolved: list[str] = []
    for raw in inputs:
        text = str(raw)
        if os.path.exists(text) or (_is_glob(text) and next(glob.iglob(text, recursive=True), None)):
            resolved.append(text)
        else:
            what = "matches no file" if _is_glob(text) else "does not exist"
            raise InputError(f"batch input {text} {what}", path=text, reason="missing")
    if not resolved:
        raise InputError("no batch input given", reason="missing")
    return resolved


def _walk(folder: str, exclude: Path | None) -> Iterator[str]:
    """Article files under ``folder``, depth first, sorted, hidden entries and ``exclude`` skipped."""
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        log.warning("cannot list %s: %s", folder, exc.strerror or exc)
        return
    for entry in entries:
        if entry.is_dir():
            if exclude is None or Path(entry.path).resolve() != exclude:
                yield from _walk(entry.path, exclude)
        elif Path(entry.name).suffix.lower() in READERS:
            yield entry.path


def _paths(inputs: Iterable[str], exclude: Path | None) -> Iterator[str]:
    for text in inputs:
        if os.path.isdir(text):
            yield from _walk(text, exclude)
        elif os.path.exists(text):
            yield text
        else:
            yield from (p for p in glob.iglob(text, recursive=True) if os.path.isfile(p))


def _too_large(source: str, size: int, max_bytes: int) -> Unreadable:
    return Unreadable(
        source,
        InputError(
            f"article {source} is {size} bytes, over the batch limit of {max_bytes} bytes",
            path=source,
            reason="too-large",
        ),
    )


def _load_file(path: str, max_bytes: int) -> Item:
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        return Unreadable(path, InputError(f"cannot read {path}: {exc}", path=path, reason="unreadable"))
    if size > max_bytes:
        return _too_large(path, size, max_bytes)
    try:
        return load_article(path)
    except InputError as exc:
        return Unreadable(path, exc)


def _record(line: bytes, source: str) -> Article:
    try:
        raw = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"record {source} is not UTF-8", path=source, reason="encoding") from exc
    obj = json_value(raw, source, record=True)
    record_id = obj.get("id") if isinstance(obj, dict) else None
    label = f"{source}#{record_id}" if isinstance(record_id, (str, int)) and record_id != "" else source
    return article_from_record(obj, label)


def _skip_rest_of_line(handle: IO[bytes]) -> int:
    skipped = 0
    while chunk := handle.readline(_SKIP_CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _jsonl(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - a generator owns it; closed in finally
    except OSError as exc:
        yield Unreadable(path, InputError(f"cannot read {path}: {exc}", path=path, reason="unreadable"))
        return
    try:
        number = 0
        while line := handle.readline(max_bytes + 1):
            number += 1
            source = f"{path}:{number}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                size = len(line) + _skip_rest_of_line(handle)
                yield _too_large(source, size, max_bytes)
                continue
            if not line.strip():
                continue
            try:
                yield _record(line, source)
            except InputError as exc:
                yield Unreadable(exc.context.get("path") or source, exc)
    finally:
        handle.close()


def iter_articles(inputs: Iterable[str], *, max_bytes: int, exclude: Path | None = None) -> Iterator[Item]:
    """Every article (or ``Unreadable``) of the inputs, one at a time, in a stable order."""
    for path in _paths(inputs, exclude):
        if path.lower().endswith(_JSONL):
            yield from _jsonl(path, max_bytes)
        else:
            yield _load_file(path, max_bytes)


def _count_lines(path: str) -> int:
    count, last = 0, b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(_SKIP_CHUNK):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def count_inputs(inputs: Iterable[str], *, exclude: Path | None = None) -> int | None:
    """How many items ``iter_articles`` will yield (JSONL: lines), for a progress total; None: unknown."""
    total = 0
    try:
        for path in _paths(inputs, exclude):
            total += _count_lines(path) if path.lower().endswith(_JSONL) else 1
    except OSError:
        return None
    return total
