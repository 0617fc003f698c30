"""`nivosync create`: the release as one Jira epic with one issue per task, and its pages."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.create import create_and_publish
from nivosync.app.progress import SILENT, Progress
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.style import PLAIN, OutputStyle


def run_create(
    config_path: Path | None,
    template_name: str | None,
    customer: str,
    release: str,
    start: date,
    *,
    dry_run: bool,
    update: bool,
    publish: bool = True,
    as_json: bool,
    out: TextIO,
    progress: Progress = SILENT,
    style: OutputStyle = PLAIN,
    allow_conflict: bool = False,
) -> int:
    """Exit 0 when the release is complete, 1 when not (2: a go-live conflict not allowed)."""
    with progress:  # on a terminal while Jira and Confluence work; gone before the output
        run = create_and_publish(
            config_path,
            template_name,
            customer,
            release,
            start,
            dry_run=dry_run,
            update=update,
            publish=publish,
            progress=progress,
            allow_conflict=allow_conflict,
        )
    # The views (rich, and publishing's outcome) are imported once the run is done: its first
    # requests do not wait for them, and publishing's code loads while they are answered.
    from nivosync.views.create_text import create_json, create_summary, create_text
    from nivosync.views.documents import json_text
    from nivosync.views.publish_text import pages_json, pages_text
    from nivosync.views.words import late_start_text

    for message in run.conflicts:
        print(f"warning: go-live conflict (allowed): {message}", file=sys.stderr)
    if run.late is not None:
        today, late = run.late
        print(late_start_text(start, today, late), file=sys.stderr)
    if as_json:
        document = create_json(run.outcome, run.browse_url, run.names)
        document["pages"] = [pages_json(p) for p in run.pages]
        document["failures"] += [run.page_error] if run.page_error else []
        out.write(json_text(document))
    else:
        out.write(create_text(run.outcome, run.browse_url, run.names, style))
        if run.pages:
            out.write("\n" + pages_text(run.pages, style))
        if run.page_error:
            out.write(f"\n{run.page_error}\n")
        out.write("\n" + create_summary(run.outcome, run.pages))
    return EXIT_OK if run.ok else EXIT_OPERATIONAL
