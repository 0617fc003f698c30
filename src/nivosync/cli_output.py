"""The terminal, read once per run: how wide, whether in colour, whether to draw progress.

The choice is made here, from the environment (is stdout / stderr a terminal, NO_COLOR,
COLUMNS, --log-format), and handed down: views get an OutputStyle, use cases a Progress."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

from nivosync.app.progress import SILENT, Progress
from nivosync.cli_support import GlobalOptions
from nivosync.views.style import OutputStyle

if TYPE_CHECKING:  # rich's progress is imported when a terminal shows it (a fast start)
    from rich.console import Console
    from rich.progress import TaskID


def output_style(
    log_format: str, stream: IO[str] | None = None, environ: Mapping[str, str] | None = None
) -> OutputStyle:
    """Width: a terminal's own; a pipe's COLUMNS if set, else none (every row whole).
    Colour: only on a terminal, never with NO_COLOR, TERM=dumb or JSON logs."""
    stream = stream if stream is not None else sys.stdout
    env = os.environ if environ is None else environ
    terminal = _is_terminal(stream)
    width = _terminal_width(env) if terminal else _columns(env)
    plain_env = bool(env.get("NO_COLOR")) or env.get("TERM") == "dumb"
    return OutputStyle(width=width, color=terminal and not plain_env and log_format == "console")


def shows_progress(log_format: str, verbose: bool, stream: IO[str] | None = None) -> bool:
    """Progress on stderr when a person watches it: a terminal, console logs, no debug lines."""
    stream = stream if stream is not None else sys.stderr
    return _is_terminal(stream) and log_format == "console" and not verbose


def global_options(config: Path | None, verbose: bool, log_format: str) -> GlobalOptions:
    """The global options with the terminal read once: the views' style, the progress."""
    progress: Progress = SILENT
    if shows_progress(log_format, verbose):
        from rich.console import Console

        terminal = Console(file=sys.stderr, force_terminal=True, highlight=False, markup=False)
        progress = TerminalProgress(terminal)
    return GlobalOptions(config, verbose, log_format, output_style(log_format), progress)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _terminal_width(env: Mapping[str, str]) -> int:
    return _columns(env) or shutil.get_terminal_size(fallback=(100, 24)).columns


def _columns(env: Mapping[str, str]) -> int | None:
    value = env.get("COLUMNS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


class TerminalProgress:
    """rich's progress display on stderr: a spinner, the step, a bar once its size is known,
    and elapsed time; it disappears when the use case is done (its output follows)."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress

        self._display = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task: TaskID | None = None

    def stage(self, what: str, total: int | None = None) -> None:
        if self._task is not None:
            self._display.remove_task(self._task)
        self._task = self._display.add_task(what, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._display.advance(self._task, amount)

    def note(self, message: str) -> None:
        self._display.console.print(message, highlight=False, markup=False, emoji=False)

    def __enter__(self) -> TerminalProgress:
        self._display.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._display.stop()
