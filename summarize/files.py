"""Writing files so that a reader, or a crash, never sees half of one.

Every output this package writes whole (a summary, a daily page, an eval report, an events
table, the batch's run log) goes through ``atomic_writer``: the text goes to a temporary
file beside the target, is fsync'ed, and replaces the target in one rename, so the old file
or the new one is there, never a mix. Appending (the batch's ``briefs.jsonl``) has its own
rules, in ``batch.ledger``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_write_bytes", "atomic_write_text", "atomic_writer", "fsync_dir"]


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the filesystem lets a directory be fsync'ed)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block ends without an error.

    On an error the temporary file is removed and ``path`` is left as it was.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


@contextlib.contextmanager
def atomic_writer(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` when the block ends without an error."""
    with _replacing(path) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so readers see the old file or the new one, never a mix."""
    with atomic_writer(path) as handle:
        handle.write(text)


def atomic_write_bytes(path: Path, *chunks: bytes | memoryview) -> None:
    """Replace ``path`` with ``chunks``, the binary counterpart of ``atomic_write_text``."""
    with _replacing(path) as tmp, open(tmp, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
