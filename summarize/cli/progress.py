"""How the CLI shows a running batch: a rich progress bar on a terminal, periodic lines otherwise.

A bar redrawn in place is right for a person watching a terminal and wrong in a
log file or CI output, where it would be thousands of control sequences; so off
a TTY (or with ``--quiet``) the same figures become one line every few
seconds. Either way it only writes to stderr, through the function it is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from ..batch.summary import BatchProgress

__all__ = ["ProgressDisplay"]


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


class ProgressDisplay:
    """A progress callback for ``run_batch``; use it as a context manager around the run."""

    def __init__(self, write: Callable[[str], None], *, fancy: bool, interval_s: float = 10.0) -> None:
        self._write = write
        self._fancy = fancy
        self._interval = interval_s
        self._next_line = time.monotonic() + interval_s
        self._stopping_said = False
        self._last: BatchProgress | None = None
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressDisplay:
        if self._fancy:
            self._bar = Progress(
                TextColumn("[bold]briefing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.2f}/s"),
                TimeRemainingColumn(),
                TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/]"),
                TextColumn("{task.fields[skipped]} skipped"),
                console=Console(stderr=True),
                transient=False,
                # rate and ETA over the whole run: an embedded-model article takes ~45 s,
                # longer than rich's default 30 s window, which would leave the ETA blank
                speed_estimate_period=24 * 3600,
            )
            self._bar.start()
            self._task = self._bar.add_task("batch", total=None, rate=0.0, ok=0, failed=0, skipped=0)
        return self

    def __call__(self, snapshot: BatchProgress) -> None:
        self._last = snapshot
        if snapshot.stopping and not self._stopping_said:
            self._stopping_said = True
            self._say(
                f"interrupted: finishing {snapshot.in_flight} article(s) in flight; "
                "press Ctrl-C again to abandon them"
            )
        if self._bar is not None and self._task is not None:
            self._bar.update(
                self._task,
                total=snapshot.total,
                completed=snapshot.done,
                rate=snapshot.rate,
                ok=snapshot.ok,
                failed=snapshot.failed,
                skipped=snapshot.skipped,
            )
        elif time.monotonic() >= self._next_line:
            self._next_line = time.monotonic() + self._interval
            self._write(_line(snapshot))

    def _say(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            self._write(text)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self._last is not None and exc is None:
            self._write(_line(self._last))
