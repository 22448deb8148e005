"""The batch's files on disk, written so that no crash can corrupt or duplicate a brief.

Why it looks the way it does:

* ``briefs.jsonl`` is append-only and written by group commit: the lines that
  are ready are joined and go out in one ``os.write``. Lines are only ever
  appended whole, so a process killed at any moment leaves at worst one
  partial *last* line, which ``repair_tail`` cuts away before the next run
  appends; every complete line is a complete brief. A line not yet written
  when the process dies is simply not done, and the re-run briefs it again
  (from the answer cache): exactly once either way.
* What ``fsync`` adds is surviving a power loss, and it is slow (5-25 ms here):
  one per line capped a batch near 200 lines/s, and even one per group made
  the writer wait while the workers ran out of room. So a syncer thread
  fsyncs after each group in the background, covering every line written
  before it, and ``close`` waits for a last one; a power loss can cost the
  lines of the last fsync's interval, which the re-run briefs again.
* ``briefs.jsonl`` doubles as the ledger: a brief is "done" exactly when its
  line is in the file, so there is no second file that could disagree with it
  after a crash. A ``Brief`` is strict (no extra keys), so the configuration
  that produced a line is not written into the line: ``runs.json`` records at
  which byte offset each run started and with which configuration
  fingerprint. Lines from ``offset_k`` up to ``offset_k+1`` belong to run *k*.
  It is replaced atomically (temp file, fsync, rename) *before* the run
  appends its first line, so every line always has a known configuration.
* One batch at a time per output directory: two writers would each trust a
  ledger the other is changing. ``OutputLock`` holds an exclusive ``flock`` on
  ``.batch.lock`` there for the whole run; the kernel drops it when the process
  dies, so a killed run never leaves it stuck.
* Loading the ledger streams the file and keeps only a set of done keys
  (64-bit integers from the content id), never the briefs.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..files import atomic_write_text

__all__ = [
    "LOCK",
    "JsonlAppender",
    "OutputLock",
    "RunLog",
    "done_key",
    "iter_lines_of",
    "load_done_keys",
    "open_ledger",
    "repair_tail",
]

log = logging.getLogger(__name__)

_CHUNK = 1 << 16

LOCK = ".batch.lock"
# A brief serialised by pydantic starts with its schema version and then the article id.
_ARTICLE_ID = re.compile(rb'"article":\{"id":"([^"]+)"')


def done_key(article_id: str) -> int | str:
    """A compact set member for an article id (``sha256:`` + 16 hex digits -> one int)."""
    prefix, _, digits = article_id.partition(":")
    if prefix == "sha256" and len(digits) == 16:
        try:
            return int(digits, 16)
        except ValueError:
            pass
    return article_id


def repair_tail(path: Path) -> int:
    """Cut a trailing partial line (left by a crash mid-write); returns the bytes removed."""
    if not path.exists():
        return 0
    with open(path, "r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        end = size
        while end > 0:
            start = max(0, end - _CHUNK)
            handle.seek(start)
            block = handle.read(end - start)
            if end == size and block.endswith(b"\n"):
                return 0
            newline = block.rfind(b"\n")
            if newline >= 0:
                end = start + newline + 1
                break
            end = start
        if end == size:
            return 0
        handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())
    log.warning(
        "removed a partial last line (%d bytes) from %s, left by an interrupted run", size - end, path
    )
    return size - end


class OutputLock:
    """An exclusive lock on an output directory while a batch writes there (``ConfigError`` if taken)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / LOCK
        self._fd = -1

    def __enter__(self) -> OutputLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError(
                f"another batch is writing to {self.path.parent}; wait for it to end or choose another "
                "output directory",
                path=str(self.path.parent),
            ) from None
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # releases the lock
            self._fd = -1


class _Syncer:
    """fsyncs a file in the background whenever asked; errors come back on the next request or stop."""

    def __init__(self, fd: int, name: str) -> None:
        self._fd = fd
        self._wanted = threading.Event()
        self._stopping = False
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name=f"fsync-{name}", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._raise()
        self._wanted.set()

    def stop(self) -> None:
        """A last fsync of everything written, then the thread ends."""
        self._stopping = True
        self._wanted.set()
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            stopping = self._stopping
            try:
                os.fsync(self._fd)
            except OSError as exc:
                self._error = exc
            if stopping:
                return


class JsonlAppender:
    """Collects complete lines; ``commit`` appends them with one write (fsync'ed in the background when
    ``durable``, and for good on ``close``)."""

    def __init__(self, path: Path, *, durable: bool = True, truncate: bool = False) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0)
        self.path = path
        self._pending: list[bytes] = []
        self._fd = os.open(path, flags, 0o644)
        self._syncer = _Syncer(self._fd, path.name) if durable else None

    def append(self, line: bytes) -> None:
        """Queue one line for the next ``commit``; it must be a single line ending in a newline."""
        if not line.endswith(b"\n") or b"\n" in line[:-1]:
            raise ValueError("a JSONL record must be exactly one line ending in a newline")
        self._pending.append(line)

    def append_json(self, record: Mapping[str, Any]) -> None:
        self.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

    def commit(self) -> int:
        """Write the queued lines to the file (and have them fsync'ed when ``durable``); returns how many."""
        if not self._pending:
            return 0
        count = len(self._pending)
        view = memoryview(b"".join(self._pending))
        self._pending.clear()
        while view:  # a regular file takes it all in one write; loop only on a short write
            written = os.write(self._fd, view)
            view = view[written:]
        if self._syncer is not None:
            self._syncer.request()
        return count

    def close(self) -> None:
        """Commit what is queued, wait for it to be on disk (when ``durable``), then close the file."""
        if self._fd >= 0:
            try:
                self.commit()
            finally:
                try:
                    if self._syncer is not None:
                        self._syncer.stop()
                finally:
                    os.close(self._fd)
                    self._fd = -1

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class _Segment:
    fingerprint: str
    offset: int


class RunLog:
    """``runs.json``: which configuration wrote which byte range of ``briefs.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runs: list[dict[str, Any]] = []
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                runs = data["runs"]
                if not isinstance(runs, list) or not all(
                    isinstance(r, dict) and isinstance(r.get("offset"), int) and "fingerprint" in r
                    for r in runs
                ):
                    raise TypeError("bad runs")
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ConfigError(
                    f"{path} is damaged ({exc}); move the output directory aside or delete {path.name} "
                    "(the briefs already written would then be redone)",
                    path=str(path),
                ) from exc
            self.runs = runs

    def segments(self) -> list[_Segment]:
        return [_Segment(str(r["fingerprint"]), int(r["offset"])) for r in self.runs]

    def start(self, fingerprint: str, config: Mapping[str, Any], offset: int) -> None:
        """Record that lines from ``offset`` on come from ``fingerprint`` (unless the last run did)."""
        if self.runs and self.runs[-1]["fingerprint"] == fingerprint:
            return
        self.runs.append(
            {
                "fingerprint": fingerprint,
                "offset": offset,
                "started_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                "config": dict(config),
            }
        )
        atomic_write_text(self.path, json.dumps({"runs": self.runs}, indent=2, default=str) + "\n")


def _fingerprint_at(segments: list[_Segment], offset: int) -> str | None:
    owner: str | None = None
    for segment in segments:
        if segment.offset <= offset:
            owner = segment.fingerprint
        else:
            break
    return owner


def iter_lines_of(path: Path, segments: list[_Segment], fingerprint: str) -> Iterator[bytes]:
    """The complete lines of ``path`` written under ``fingerprint``, streamed."""
    if not path.exists():
        return
    offset = 0
    with open(path, "rb") as handle:
        for line in handle:
            start, offset = offset, offset + len(line)
            if line.endswith(b"\n") and _fingerprint_at(segments, start) == fingerprint:
                yield line


def _article_id(line: bytes) -> str | None:
    match = _ARTICLE_ID.search(line, 0, 512)
    if match:
        return match.group(1).decode("utf-8", "replace")
    try:  # not pydantic's compact layout (edited by hand?): parse it properly
        value = json.loads(line)
        article_id = value["article"]["id"]
    except (ValueError, KeyError, TypeError):
        return None
    return article_id if isinstance(article_id, str) else None


def load_done_keys(path: Path, segments: list[_Segment], fingerprint: str) -> tuple[set[int | str], int]:
    """Done keys of the briefs written under ``fingerprint``, and how many lines were duplicates."""
    done: set[int | str] = set()
    duplicates = unreadable = 0
    for line in iter_lines_of(path, segments, fingerprint):
        article_id = _article_id(line)
        if article_id is None:
            unreadable += 1
            continue
        key = done_key(article_id)
        if key in done:
            duplicates += 1
        done.add(key)
    if unreadable:
        log.warning("%d line(s) of %s are not briefs; their articles will be briefed again", unreadable, path)
    return done, duplicates


def open_ledger(
    briefs: Path, runs_path: Path, fingerprint: str, config: Mapping[str, Any]
) -> tuple[RunLog, set[int | str]]:
    """Ready ``briefs`` for a run under ``fingerprint``: its tail repaired, the run recorded in
    ``runs_path`` before the first line is appended, and the done keys of that configuration."""
    repair_tail(briefs)
    runs = RunLog(runs_path)
    runs.start(fingerprint, config, briefs.stat().st_size if briefs.exists() else 0)
    done, duplicated = load_done_keys(briefs, runs.segments(), fingerprint)
    if duplicated:
        log.warning("%s holds %d duplicate brief(s) (written by hand?)", briefs, duplicated)
    if done:
        log.info("%d article(s) already briefed with this configuration will be skipped", len(done))
    return runs, done
