"""Options several commands share (click decorators), so that cli.py stays a list of commands:
the input files, --template, the page-writing trio, and --format with its --json synonym."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import click

from nivosync.core.pages import RELEASE_PAGE_KINDS
from nivosync.views.style import FORMATS, Format

NOTES_OPTION = click.option(
    "--notes",
    "notes_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Release notes file (YAML or Markdown).",
)
ADVISORY_OPTION = click.option(
    "--change-advisory",
    "advisory_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Change Advisory details file (YAML).",
)


def page_write_options(command: Callable[..., None]) -> Callable[..., None]:
    """--dry-run, --force KIND and --json, as every command that writes pages takes them."""
    options = (
        click.option("--dry-run", is_flag=True, help="Say what would change; write nothing."),
        click.option(
            "--force",
            multiple=True,
            type=click.Choice([*RELEASE_PAGE_KINDS, "all"]),
            metavar="KIND",
            help="Rewrite nivosync's part of this page kind though a person edited it (what "
            "people wrote in the page's regions is kept); repeatable, or `all`.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
    )
    for option in reversed(options):
        command = option(command)
    return command


TEMPLATE_OPTION = click.option(
    "--template",
    "template",
    metavar="NAME_OR_PATH",
    help="Plan template: a name from `nivosync templates` or a .yaml path "
    "(default: the config's default_template).",
)


def format_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--format table|plain|csv|json, and --json as its synonym (`format`, `as_json`)."""
    command = click.option(
        "--json", "as_json", is_flag=True, help="Print the result as JSON (= --format json)."
    )(command)
    return click.option(
        "--format",
        "format",
        type=click.Choice(FORMATS),
        help="table (fits the terminal) | plain (tab-separated) | csv | json.  [default: table]",
    )(command)


def chosen_format(fmt: str | None, as_json: bool) -> Format:
    """The format asked for; `--json` with another --format is refused (exit 2)."""
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(
            f"--json and --format {fmt} contradict each other: give one",
            ctx=click.get_current_context(silent=True),
        )
    return cast(Format, "json" if as_json else fmt or "table")
