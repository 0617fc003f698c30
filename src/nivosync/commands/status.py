"""`nivosync status`: one release measured as `sync` measures it, printed; nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.progress import SILENT, Progress
from nivosync.app.reporting import release_status
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.documents import json_text
from nivosync.views.report_text import status_json, status_text
from nivosync.views.style import PLAIN, Format, OutputStyle


def run_status(
    config_path: Path | None,
    customer: str,
    release: str,
    *,
    as_of: date | None,
    fmt: Format,
    out: TextIO,
    progress: Progress = SILENT,
    style: OutputStyle = PLAIN,
) -> int:
    """Exit 0; 1 when the release could not be measured (its error is printed)."""
    with progress:
        item = release_status(config_path, customer, release, as_of=as_of, progress=progress)
    out.write(json_text(status_json(item)) if fmt == "json" else status_text(item, fmt, style))
    return EXIT_OK if item.slippage is not None else EXIT_OPERATIONAL
