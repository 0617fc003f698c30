"""`nivosync calendar --out FILE.ics`: the running releases' milestones and go-lives, planned
and forecast, as an iCalendar file (reads Jira only; writes the file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.progress import SILENT, Progress
from nivosync.app.reporting import calendar_feed
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL, InvalidInput, display_path


def run_calendar(
    config_path: Path | None,
    out_path: Path,
    *,
    as_of: date | None,
    out: TextIO,
    progress: Progress = SILENT,
) -> int:
    """Exit 0; 1 when a release could not be forecast (it is left out and named)."""
    if not out_path.parent.is_dir():  # said before Jira is read
        raise InvalidInput(
            f"--out {display_path(out_path)}: the folder {display_path(out_path.parent)} does "
            "not exist: create it, or write the file elsewhere"
        )
    with progress:
        feed = calendar_feed(config_path, as_of=as_of, progress=progress)
    try:
        out_path.write_bytes(feed.ics)
    except OSError as exc:
        raise InvalidInput(
            f"--out {display_path(out_path)}: cannot write it ({exc.strerror}): choose a file "
            "you may write"
        ) from None
    out.write(
        f"Wrote {display_path(out_path)}: {feed.events} events of {feed.releases} "
        f"release{'s' if feed.releases != 1 else ''}\n"
    )
    for title in feed.not_measured:
        out.write(f"  left out: {title} (it could not be measured; see `nivosync status`)\n")
    return EXIT_OPERATIONAL if feed.not_measured else EXIT_OK
