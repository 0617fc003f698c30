"""`nivosync publish`: the release's Confluence pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from nivosync.app.progress import SILENT, Progress
from nivosync.app.publish import publish_pages
from nivosync.app.publisher import PageResult
from nivosync.app.remembered import InputKind
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.documents import json_text
from nivosync.views.publish_text import outcome_text, pages_text, publish_json, publish_summary
from nivosync.views.style import PLAIN, OutputStyle


def run_publish(
    config_path: Path | None,
    customer: str,
    release: str,
    *,
    kinds: Sequence[str],
    notes_path: Path | None,
    advisory_path: Path | None,
    template_name: str | None,
    dry_run: bool,
    force: Sequence[str],
    as_json: bool,
    out: TextIO,
    forget_notes: bool = False,
    forget_change_advisory: bool = False,
    progress: Progress = SILENT,
    style: OutputStyle = PLAIN,
) -> int:
    """Exit 0 when every page says what was asked, 1 when one was not written (a conflict)."""
    forget: list[InputKind] = ["notes"] if forget_notes else []
    forget += ["change-advisory"] if forget_change_advisory else []
    with progress:  # on a terminal while the pages are written; gone before the output
        outcome = publish_pages(
            config_path,
            customer,
            release,
            kinds=kinds,
            notes_path=notes_path,
            advisory_path=advisory_path,
            template_name=template_name,
            dry_run=dry_run,
            force=force,
            forget=forget,
            progress=progress,
        )
    if as_json:
        out.write(json_text(publish_json(outcome.pages, dry_run, outcome)))
    else:
        out.write(pages_text(outcome.pages, style) + outcome_text(outcome, style))
        out.write("\n" + publish_summary(outcome.pages, dry_run))
    return exit_code(outcome.pages)


def exit_code(results: Sequence[PageResult]) -> int:
    return EXIT_OPERATIONAL if any(r.action == "conflict" for r in results) else EXIT_OK
