"""How the CLI shows long work on stderr: a rich progress bar on a terminal, a line now and then off it.

A bar redrawn in place is right for a person watching a terminal and wrong in a log
file or CI output, where it would be thousands of control sequences; so off a TTY (or
with ``--quiet``) the same figures become one line every ``interval_s`` seconds. One
``Display`` does both for every command; ``ProgressDisplay`` (a batch) and ``EvalProgress``
only say which figures to show. Either way it writes to stderr only, through the function given.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..batch.summary import BatchProgress

__all__ = ["Display", "EvalProgress", "ProgressDisplay"]


class Display:
    """A progress bar labelled ``label`` with ``columns`` after its count, or periodic lines."""

    label = "progress"

    def __init__(self, write: Callable[[str], None], *, fancy: bool, interval_s: float = 10.0) -> None:
        self._write = write
        self._fancy = fancy
        self._interval = interval_s
        self._next_line = time.monotonic() + interval_s
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def columns(self) -> list[ProgressColumn]:
        """What the bar shows after the count of done out of all."""
        return []

    def fields(self) -> dict[str, Any]:
        """The columns' values before the first update."""
        return {}

    def __enter__(self) -> Self:
        if self._fancy:
            self._bar = Progress(
                TextColumn(f"[bold]{self.label}"),
                BarColumn(),
                MofNCompleteColumn(),
                *self.columns(),
                console=Console(stderr=True),
                # rate and ETA over the whole run: an embedded-model article takes ~45 s,
                # longer than rich's default 30 s window, which would leave the ETA blank
                speed_estimate_period=24 * 3600,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=None, **self.fields())
        return self

    def show(self, completed: int, total: int | None, line: Callable[[], str], **fields: Any) -> None:
        """Update the bar, or write ``line()`` when the next line is due."""
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=completed, total=total, **fields)
        elif time.monotonic() >= self._next_line:
            self._next_line = time.monotonic() + self._interval
            self._write(line())

    def say(self, text: str) -> None:
        """A message between progress updates (above the bar, on a terminal)."""
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            self._write(text)

    def finished(self) -> str | None:
        """A last line off a terminal, once the work ended without an error."""
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif exc is None and (last := self.finished()) is not None:
            self._write(last)


def _eta(snapshot: BatchProgress) -> str:
    if snapshot.total is None or snapshot.rate <= 0:
        return "?"
    left = max(0, snapshot.total - snapshot.done) / snapshot.rate
    minutes, seconds = divmod(int(left), 60)
    return f"{minutes}m{seconds:02d}s"


def _line(snapshot: BatchProgress) -> str:
    total = f"/{snapshot.total}" if snapshot.total is not None else ""
    share = f" ({100 * snapshot.done / snapshot.total:.0f}%)" if snapshot.total else ""
    return (
        f"batch: {snapshot.done}{total}{share}: {snapshot.ok} ok, {snapshot.failed} failed, "
        f"{snapshot.skipped} skipped, {snapshot.in_flight} in flight; "
        f"{snapshot.rate:.2f} articles/s, ETA {_eta(snapshot)}"
    )


class ProgressDisplay(Display):
    """A progress callback for ``run_batch``: counts, rate and ETA; use it as a context manager."""

    label = "briefing"

    def __init__(self, write: Callable[[str], None], *, fancy: bool, interval_s: float = 10.0) -> None:
        super().__init__(write, fancy=fancy, interval_s=interval_s)
        self._last: BatchProgress | None = None
        self._stopping_said = False

    def columns(self) -> list[ProgressColumn]:
        return [
            TextColumn("{task.fields[rate]:.2f}/s"),
            TimeRemainingColumn(),
            TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/]"),
            TextColumn("{task.fields[skipped]} skipped"),
        ]

    def fields(self) -> dict[str, Any]:
        return {"rate": 0.0, "ok": 0, "failed": 0, "skipped": 0}

    def __call__(self, snapshot: BatchProgress) -> None:
        self._last = snapshot
        if snapshot.stopping and not self._stopping_said:
            self._stopping_said = True
            self.say(
                f"interrupted: finishing {snapshot.in_flight} article(s) in flight; "
                "press Ctrl-C again to abandon them"
            )
        self.show(
            snapshot.done,
            snapshot.total,
            lambda: _line(snapshot),
            rate=snapshot.rate,
            ok=snapshot.ok,
            failed=snapshot.failed,
            skipped=snapshot.skipped,
        )

    def finished(self) -> str | None:
        return _line(self._last) if self._last is not None else None


class EvalProgress(Display):
    """A ``progress(done, total, case_id)`` callback for ``run_eval``: a bar, or a line per case."""

    label = "eval"

    def __init__(self, write: Callable[[str], None], *, fancy: bool) -> None:
        super().__init__(write, fancy=fancy, interval_s=0.0)

    def columns(self) -> list[ProgressColumn]:
        return [TimeElapsedColumn(), TextColumn("{task.fields[case]}")]

    def fields(self) -> dict[str, Any]:
        return {"case": ""}

    def __call__(self, done: int, total: int, case_id: str) -> None:
        if self._fancy or case_id:
            self.show(done, total, lambda: f"eval: {done + 1}/{total} {case_id}", case=case_id)
