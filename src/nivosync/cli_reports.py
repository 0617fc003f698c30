"""The read-only report commands, `releases`, `status` and `calendar` (cli.py registers them;
thin, as every command: parse the options, call one command function, exit with its code)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from nivosync.cli_options import chosen_format, format_options
from nivosync.cli_support import ISO_DATE, GlobalOptions, as_date, run


@click.command()
@click.option("--all", "every", is_flag=True, help="Also every done and cancelled release.")
@click.option("--as-of", type=ISO_DATE, help="Forecast as of this date (default: today).")
@format_options
@click.pass_obj
def releases(
    opts: GlobalOptions, every: bool, as_of: datetime | None, format: str | None, as_json: bool
) -> None:
    """List the project's releases from Jira: customer, release, epic, running / done /
    cancelled, planned and forecast go-live. Reads only."""
    from nivosync.commands.releases import run_releases

    chosen = chosen_format(format, as_json)
    run(
        lambda: run_releases(
            opts.config,
            every=every,
            as_of=as_date(as_of),
            fmt=chosen,
            out=sys.stdout,
            progress=opts.progress,
            style=opts.style,
        ),
        opts.verbose,
    )


@click.command()
@click.option("--customer", required=True, help="Customer name, e.g. 'Acme Health'.")
@click.option("--release", required=True, help="Release version, e.g. 2.4.0.")
@click.option("--as-of", type=ISO_DATE, help="Measure as of this date (default: today).")
@format_options
@click.pass_obj
def status(
    opts: GlobalOptions,
    customer: str,
    release: str,
    as_of: datetime | None,
    format: str | None,
    as_json: bool,
) -> None:
    """Show one release measured as `sync` measures it: status, go-live, milestones, tasks.
    Writes nothing (no page, no history, no notification)."""
    from nivosync.commands.status import run_status

    chosen = chosen_format(format, as_json)
    run(
        lambda: run_status(
            opts.config,
            customer,
            release,
            as_of=as_date(as_of),
            fmt=chosen,
            out=sys.stdout,
            progress=opts.progress,
            style=opts.style,
        ),
        opts.verbose,
    )


@click.command()
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="The iCalendar file to write, e.g. releases.ics.",
)
@click.option("--as-of", type=ISO_DATE, help="Forecast as of this date (default: today).")
@click.pass_obj
def calendar(opts: GlobalOptions, out_path: Path, as_of: datetime | None) -> None:
    """Write the running releases' milestones and go-lives, planned and forecast, as an
    iCalendar file; each event keeps its UID when its date moves. Reads Jira only."""
    from nivosync.commands.calendar import run_calendar

    run(
        lambda: run_calendar(
            opts.config, out_path, as_of=as_date(as_of), out=sys.stdout, progress=opts.progress
        ),
        opts.verbose,
    )
