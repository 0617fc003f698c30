"""Command-line entry point (thin: parse options, call one command function, render, exit)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from nivosync import __version__
from nivosync.cli_options import (
    ADVISORY_OPTION,
    NOTES_OPTION,
    TEMPLATE_OPTION,
    chosen_format,
    format_options,
    page_write_options,
)
from nivosync.cli_output import global_options
from nivosync.cli_reports import calendar, releases, status
from nivosync.cli_support import ISO_DATE, GlobalOptions, OneLineErrors, as_date, at_terminal, run
from nivosync.core.pages import RELEASE_PAGE_KINDS
from nivosync.log_setup import LogFormat, configure_logging


@click.group(
    name="nivosync",
    cls=OneLineErrors,
    context_settings={
        "help_option_names": ["-h", "--help"],
        # Every option can default from the environment: NIVOSYNC_<OPTION> for the global
        # ones (NIVOSYNC_CONFIG, NIVOSYNC_LOG_FORMAT), NIVOSYNC_<COMMAND>_<OPTION> for a
        # command's (NIVOSYNC_SYNC_ALL=1).
        "auto_envvar_prefix": "NIVOSYNC",
        "show_default": True,
    },
)
@click.version_option(__version__, prog_name="nivosync")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (default: $NIVOSYNC_CONFIG, then ./nivosync.yaml).",
)
@click.option(
    "--log-format",
    type=click.Choice(["console", "json"]),
    default="console",
    show_default=True,
    help="Log style on stderr; json = one object per line, for schedulers.",
)
@click.option("-v", "--verbose", is_flag=True, help="Debug logs, and full tracebacks on bugs.")
@click.pass_context
def main(ctx: click.Context, config: Path | None, log_format: LogFormat, verbose: bool) -> None:
    """Turn a customer release plan into Jira and Confluence, and keep it honest."""
    configure_logging(log_format, verbose)
    ctx.obj = global_options(config, verbose, log_format)  # the terminal, read once


main.add_command(releases)
main.add_command(status)
main.add_command(calendar)


@main.command()
@TEMPLATE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (shape: README).")
@click.pass_obj
def validate(opts: GlobalOptions, template: str | None, as_json: bool) -> None:
    """Check the config and the template(s); list every problem as FILE:LINE: message."""
    from nivosync.commands.validate import run_validate

    args = (opts.config, template, sys.stdout)
    run(lambda: run_validate(*args, as_json=as_json, style=opts.style), opts.verbose)


@main.command()
@format_options
@click.pass_obj
def templates(opts: GlobalOptions, format: str | None, as_json: bool) -> None:
    """List the shipped plan templates and those in the configured templates_dir."""
    from nivosync.commands.templates import run_templates

    chosen = chosen_format(format, as_json)
    run(lambda: run_templates(opts.config, sys.stdout, chosen, opts.style), opts.verbose)


@main.command()
@click.option("--customer", required=True, help="Customer name, e.g. 'Acme Health'.")
@click.option("--release", required=True, help="Release version, e.g. 2.4.0.")
@click.option("--start", required=True, type=ISO_DATE, help="Release start date, YYYY-MM-DD.")
@TEMPLATE_OPTION
@click.option("--what-if", "with_what_if", is_flag=True, help="Also the live portfolio effect.")
@format_options
@click.pass_obj
def plan(
    opts: GlobalOptions,
    customer: str,
    release: str,
    start: datetime,
    template: str | None,
    with_what_if: bool,
    format: str | None,
    as_json: bool,
) -> None:
    """Show the complete plan of a release: tasks, people, dates. No writes; no network unless
    --what-if (which reads the live releases to show the new conflicts)."""
    from nivosync.commands.plan import run_plan

    start_date = as_date(start)
    assert start_date is not None  # required option
    fmt, style = chosen_format(format, as_json), opts.style
    args = (opts.config, template, customer, release, start_date, sys.stdout)
    run(lambda: run_plan(*args, fmt=fmt, style=style, with_what_if=with_what_if), opts.verbose)


@main.command()
@click.option("--customer", required=True, help="Customer name, e.g. 'Acme Health'.")
@click.option("--release", required=True, help="Release version, e.g. 2.4.0.")
@click.option("--start", required=True, type=ISO_DATE, help="Release start date, YYYY-MM-DD.")
@TEMPLATE_OPTION
@click.option("--dry-run", is_flag=True, help="Print the exact actions; write nothing.")
@click.option("--update", is_flag=True, help="Reset fields changed in Jira back to the plan.")
@click.option("--no-publish", is_flag=True, help="Jira only: create no Confluence pages.")
@click.option("--allow-conflict", is_flag=True, help="Create though its go-live conflicts.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (shape: README).")
@click.pass_obj
def create(
    opts: GlobalOptions,
    customer: str,
    release: str,
    start: datetime,
    template: str | None,
    dry_run: bool,
    update: bool,
    no_publish: bool,
    allow_conflict: bool,
    as_json: bool,
) -> None:
    """Create the release in Jira (one epic, one issue per task) and its Confluence pages.

    Safe to re-run: only what is missing is created."""
    from nivosync.commands.create import run_create

    start_date = start.date()
    run(
        lambda: run_create(
            opts.config,
            template,
            customer,
            release,
            start_date,
            dry_run=dry_run,
            update=update,
            publish=not no_publish,
            as_json=as_json,
            out=sys.stdout,
            progress=opts.progress,
            style=opts.style,
            allow_conflict=allow_conflict,
        ),
        opts.verbose,
    )


@main.group()
def sandbox() -> None:
    """The embedded Jira + Confluence site (demo default and test backend)."""


DB_OPTION = click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="SQLite file (default: the config's sandbox.db).",
)


@sandbox.command("serve")
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host other than loopback (plain HTTP, Basic auth: a test server).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help="Port (default: the config's sandbox.port, 8765; 0 = any free).",
)
@click.option(
    "--flavor",
    type=click.Choice(["cloud", "datacenter"]),
    help="Site flavour (default: the config's jira.flavor).",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="KIND[:RATE[:METHOD[:PATH_REGEX]]]",
    help="Inject a fault (429, 500, 502, 503, reset, commit-then-reset, near-limit); repeatable.",
)
@click.option("--latency-ms", default=0, type=click.IntRange(0), help="Delay every API answer.")
@click.option("--fault-seed", type=int, help="Seed for repeatable fault draws.")
@click.option("--retry-after", type=click.IntRange(0), help="Retry-After seconds sent with 429s.")
@click.pass_obj
def sandbox_serve(
    opts: GlobalOptions,
    db: Path | None,
    host: str,
    allow_remote: bool,
    port: int | None,
    flavor: str | None,
    faults: tuple[str, ...],
    latency_ms: int,
    fault_seed: int | None,
    retry_after: int | None,
) -> None:
    """Serve the sandbox until Ctrl-C / SIGTERM, seeded from the config."""
    from nivosync.commands.sandbox import run_serve

    run(
        lambda: run_serve(
            opts.config,
            db,
            host,
            port,
            flavor,
            faults,
            latency_ms,
            fault_seed,
            retry_after,
            sys.stdout,
            allow_remote=allow_remote,
        ),
        opts.verbose,
    )


@sandbox.command("reset")
@DB_OPTION
@click.option("--yes", "-y", is_flag=True, help="Do not ask (asked only at a terminal).")
@click.pass_obj
def sandbox_reset(opts: GlobalOptions, db: Path | None, yes: bool) -> None:
    """Wipe the sandbox's data (it is re-seeded from the config on next use)."""
    from nivosync.commands.sandbox import run_reset

    def confirm(what: str) -> bool:
        if yes or not at_terminal():
            return True
        return click.confirm(f"Wipe {what}?", default=False, err=True)

    run(lambda: run_reset(opts.config, db, sys.stdout, confirm), opts.verbose)


LATE_HELP = "This task finishes that many working days late (default 3); repeatable."


@sandbox.command("advance")
@click.option("--to", required=True, type=ISO_DATE, help="The day to play to, YYYY-MM-DD.")
@click.option("--late", multiple=True, metavar="TASK_ID[:WORKING_DAYS]", help=LATE_HELP)
@click.option("--customer", help="Customer of the one release to play (default: every one).")
@click.option("--release", help="Release version of the one release to play.")
@click.pass_obj
def sandbox_advance(
    opts: GlobalOptions, to: datetime, late: tuple[str, ...], customer: str, release: str
) -> None:
    """Move the embedded sandbox's clock to a day, doing the tasks due by then as people would."""
    from nivosync.commands.sandbox import run_advance

    day = to.date()
    run(lambda: run_advance(opts.config, day, late, customer, release, sys.stdout), opts.verbose)


@main.command()
@click.option("--customer", help="Customer of the one release to sync.")
@click.option("--release", help="Release version of the one release to sync.")
@click.option("--all", "everything", is_flag=True, help="Every active release in the project.")
@click.option("--as-of", type=ISO_DATE, help="Measure as of this date (default: today).")
@format_options
@click.option("--no-publish", is_flag=True, help="Report only; write nothing to Confluence/Jira.")
@click.option("--fail-on-slip", is_flag=True, help="Exit 3 when any release slips.")
@click.option("--no-notify", is_flag=True, help="Publish, but notify nobody (manual runs).")
@click.option(
    "--publish-past",
    is_flag=True,
    help="With a past --as-of: publish its pages too (its history is never recorded).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Rewrite nivosync's part of status pages a person edited (what people wrote in the "
    "pages' Notes is kept).",
)
@click.pass_obj
def sync(
    opts: GlobalOptions,
    customer: str | None,
    release: str | None,
    everything: bool,
    as_of: datetime | None,
    format: str | None,
    as_json: bool,
    no_publish: bool,
    fail_on_slip: bool,
    no_notify: bool,
    publish_past: bool,
    force: bool,
) -> None:
    """Poll the releases' issues, measure milestone slippage, publish status pages."""
    from nivosync.commands.sync import run_sync

    fmt = chosen_format(format, as_json)
    run(
        lambda: run_sync(
            opts.config,
            customer,
            release,
            everything=everything,
            as_of=as_date(as_of),
            fmt=fmt,
            publish=not no_publish,
            fail_on_slip=fail_on_slip,
            out=sys.stdout,
            notify=not no_notify,
            publish_past=publish_past,
            force=force,
            progress=opts.progress,
            style=opts.style,
        ),
        opts.verbose,
    )


@main.command()
@click.option("--customer", required=True, help="Customer name, e.g. 'Acme Health'.")
@click.option("--release", required=True, help="Release version, e.g. 2.4.0.")
@click.option("--start", required=True, type=ISO_DATE, help="The new start date, YYYY-MM-DD.")
@click.option("--reason", required=True, help="Why it moves (kept with the baseline).")
@NOTES_OPTION
@ADVISORY_OPTION
@TEMPLATE_OPTION
@page_write_options
@click.option("--allow-conflict", is_flag=True, help="Move it though its go-live conflicts.")
@click.pass_obj
def replan(
    opts: GlobalOptions,
    customer: str,
    release: str,
    start: datetime,
    reason: str,
    notes_path: Path | None,
    advisory_path: Path | None,
    template: str | None,
    dry_run: bool,
    force: tuple[str, ...],
    as_json: bool,
    allow_conflict: bool,
) -> None:
    """Move a release to a new start: new baseline (earlier ones kept), open tasks moved."""
    from nivosync.app.replan import ReplanRequest
    from nivosync.commands.replan import run_replan

    start_date = as_date(start)
    assert start_date is not None  # required option
    request = ReplanRequest(
        customer,
        release,
        start_date,
        reason,
        template,
        notes_path,
        advisory_path,
        dry_run,
        force,
        allow_conflict,
    )
    out, style = sys.stdout, opts.style
    run(
        lambda: run_replan(opts.config, request, as_json=as_json, out=out, style=style),
        opts.verbose,
    )


@main.command()
@click.option("--customer", required=True, help="Customer name, e.g. 'Acme Health'.")
@click.option("--release", required=True, help="Release version, e.g. 2.4.0.")
@click.option("--reason", required=True, help="Why it is cancelled (shown on its status page).")
@click.option("--dry-run", is_flag=True, help="Say what would be done; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (shape: README).")
@click.pass_obj
def cancel(
    opts: GlobalOptions, customer: str, release: str, reason: str, dry_run: bool, as_json: bool
) -> None:
    """Cancel a release: recorded on its epic, closed as configured, no longer measured."""
    from nivosync.commands.cancel import run_cancel

    run(
        lambda: run_cancel(
            opts.config,
            customer,
            release,
            reason,
            dry_run=dry_run,
            as_json=as_json,
            out=sys.stdout,
            style=opts.style,
        ),
        opts.verbose,
    )


@main.command()
@click.option("--customer", required=True, help="Customer name, e.g. 'Acme Health'.")
@click.option("--release", required=True, help="Release version, e.g. 2.4.0.")
@click.option(
    "--page",
    "pages",
    multiple=True,
    default=("all",),
    show_default=True,
    type=click.Choice([*RELEASE_PAGE_KINDS, "all"]),
    help="Which page(s) to publish; repeatable.",
)
@NOTES_OPTION
@ADVISORY_OPTION
@click.option(
    "--forget-notes",
    is_flag=True,
    help="Drop the notes file the release notes page remembers (kept when --notes is not given).",
)
@click.option(
    "--forget-change-advisory",
    is_flag=True,
    help="Drop the Change Advisory file its page remembers (kept when the option is not given).",
)
@TEMPLATE_OPTION
@page_write_options
@click.pass_obj
def publish(
    opts: GlobalOptions,
    customer: str,
    release: str,
    pages: tuple[str, ...],
    notes_path: Path | None,
    advisory_path: Path | None,
    template: str | None,
    dry_run: bool,
    force: tuple[str, ...],
    as_json: bool,
    forget_notes: bool,
    forget_change_advisory: bool,
) -> None:
    """Publish the release's Confluence pages: plan, release notes, Change Advisory, UAT form.

    A page made from --notes / --change-advisory remembers that file: a later run without it
    shows the same again (say --forget-notes / --forget-change-advisory to drop it)."""
    from nivosync.commands.publish import run_publish

    run(
        lambda: run_publish(
            opts.config,
            customer,
            release,
            kinds=pages,
            notes_path=notes_path,
            advisory_path=advisory_path,
            template_name=template,
            dry_run=dry_run,
            force=force,
            as_json=as_json,
            out=sys.stdout,
            forget_notes=forget_notes,
            forget_change_advisory=forget_change_advisory,
            progress=opts.progress,
            style=opts.style,
        ),
        opts.verbose,
    )


@main.command()
@TEMPLATE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON (shape: README).")
@click.pass_obj
def doctor(opts: GlobalOptions, template: str | None, as_json: bool) -> None:
    """Check the sites before the first write (reads only): exit 0 when create, publish and
    sync would work, 2 when something blocks them."""
    from nivosync.commands.doctor import run_doctor_command

    args = (opts.config, template, as_json, sys.stdout, opts.style)
    run(lambda: run_doctor_command(*args), opts.verbose)
