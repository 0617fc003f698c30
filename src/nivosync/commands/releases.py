"""`nivosync releases`: the project's releases, from Jira alone (reads only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.progress import SILENT, Progress
from nivosync.app.reporting import list_releases
from nivosync.errors import EXIT_OK
from nivosync.views.documents import json_text
from nivosync.views.report_text import releases_json, releases_text
from nivosync.views.style import PLAIN, Format, OutputStyle


def run_releases(
    config_path: Path | None,
    *,
    every: bool,
    as_of: date | None,
    fmt: Format,
    out: TextIO,
    progress: Progress = SILENT,
    style: OutputStyle = PLAIN,
) -> int:
    with progress:
        listed = list_releases(config_path, every=every, as_of=as_of, progress=progress)
    out.write(
        json_text(releases_json(listed)) if fmt == "json" else releases_text(listed, fmt, style)
    )
    return EXIT_OK
