"""One error root for nivosync; the CLI maps each class to an exit code in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_OPERATIONAL = 1
EXIT_INVALID_INPUT = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class NivosyncError(Exception):
    """Root of every error nivosync reports to a user (never shown as a traceback)."""

    exit_code = EXIT_OPERATIONAL


class InvalidInput(NivosyncError):
    """Bad config, template, option or argument: exit 2, nothing written anywhere."""

    exit_code = EXIT_INVALID_INPUT

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.file, p.line or 0)))
        super().__init__(message)

    @classmethod
    def from_problems(cls, problems: Iterable[Problem]) -> InvalidInput:
        problems = tuple(problems)
        count = len(problems)
        return cls(f"{count} problem{'s' if count != 1 else ''} found", problems)

    def lines(self) -> list[str]:
        """What the user sees: the problems one per line, else the message."""
        return [str(p) for p in self.problems] or [str(self)]


def display_path(path: Path) -> str:
    """A path as a user typed it: relative to the working directory where that is shorter."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
