"""How a long use case tells a person at a terminal where it is (the CLI draws it; no I/O here).

A use case names its current step (`stage`, with how many items when it knows) and counts the
items done (`advance`); `note` is a line worth reading (a wait, a retry). Schedulers and tests
get `SILENT`, which does nothing."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol


class Progress(Protocol):
    def stage(self, what: str, total: int | None = None) -> None:
        """Start a step (it replaces the one before): 'searching Jira', 'status pages' (12)."""

    def advance(self, amount: int = 1) -> None:
        """`amount` more items of the current step are done (safe from worker threads)."""

    def note(self, message: str) -> None:
        """A line for the person watching: why the run waits, what it retries."""

    def __enter__(self) -> Progress: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Shown while the use case works; gone before its output is written."""


class Silent:
    """No progress: the default of every use case (scheduled runs, tests, benchmarks)."""

    def stage(self, what: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def __enter__(self) -> Silent:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        pass


SILENT = Silent()
