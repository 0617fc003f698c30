"""What the command line shares besides its commands: global options, the error handling
that turns every failure into one line and an exit code, and option value types."""

from __future__ import annotations

import calendar
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from nivosync.app.progress import SILENT, Progress
from nivosync.crash_report import crash_message
from nivosync.errors import EXIT_OPERATIONAL, InvalidInput, NivosyncError
from nivosync.views.style import PLAIN, OutputStyle


@dataclass(frozen=True)
class GlobalOptions:
    """The global options, and the terminal as read once from the environment (`cli_output`):
    how output looks, and whether long work shows its progress."""

    config: Path | None
    verbose: bool
    log_format: str = "console"
    style: OutputStyle = PLAIN
    progress: Progress = SILENT


def run(action: Callable[[], int], verbose: bool) -> None:
    """Run a command function and exit with its code; errors become one clear message each."""
    try:
        code = action()
    except InvalidInput as exc:
        for line in exc.lines():
            click.echo(f"error: {line}", err=True)
        sys.exit(exc.exit_code)
    except NivosyncError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: short message for users, full detail on request
        if verbose:
            raise
        click.echo(crash_message(exc), err=True)
        sys.exit(EXIT_OPERATIONAL)
    sys.exit(code)


class IsoDate(click.ParamType[datetime, Any]):
    """YYYY-MM-DD; a day that does not exist is named as such (2026-02-30)."""

    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            return datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            pass
        parts = text.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
            year, month, _ = (int(p) for p in parts)
            if not 1 <= month <= 12:
                self.fail(f"'{text}' does not exist: there is no month {month}", param)
            days = calendar.monthrange(year, month)[1]
            name = calendar.month_name[month]
            self.fail(f"'{text}' does not exist: {name} {year} has {days} days", param)
        self.fail(f"'{text}' is not a date: write it as YYYY-MM-DD (e.g. 2026-12-07)", param)


ISO_DATE = IsoDate()


def at_terminal() -> bool:
    """Whether a person is there to answer a question (stdin and stderr are a terminal)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


class OneLineErrors(click.Group):
    """Usage errors (a missing or unknown option, a bad value) in nivosync's one-line style,
    exit 2, instead of click's usage block."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "nivosync"
            said = exc.format_message().rstrip(".").replace(".\n", "; ").replace("\n", " ")
            click.echo(f"error: {said} (see `{where} --help`)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def as_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None
