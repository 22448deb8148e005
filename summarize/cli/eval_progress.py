"""How ``summarize eval`` shows progress on stderr: a rich bar on a terminal, a line per case otherwise."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["EvalProgress"]


class EvalProgress:
    """A ``progress(done, total, case_id)`` callback for ``run_eval``; a context manager."""

    def __init__(self, *, fancy: bool) -> None:
        self._console = Console(stderr=True)
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._fancy = fancy

    def __enter__(self) -> EvalProgress:
        if self._fancy:
            self._bar = Progress(
                TextColumn("[bold]eval"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[case]}"),
                console=self._console,
            )
            self._bar.start()
            self._task = self._bar.add_task("eval", total=None, case="")
        return self

    def __call__(self, done: int, total: int, case_id: str) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=done, total=total, case=case_id)
        elif case_id:
            self._console.print(f"eval: {done + 1}/{total} {case_id}", highlight=False)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
