"""`nivosync sync`: nightly status of every active release, reported and published."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.progress import SILENT, Progress
from nivosync.app.sync import sync_releases
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.documents import write_json
from nivosync.views.style import PLAIN, Format, OutputStyle
from nivosync.views.sync_text import sync_json, sync_text

EXIT_SLIPPING = 3


def run_sync(
    config_path: Path | None,
    customer: str | None,
    release: str | None,
    *,
    everything: bool,
    as_of: date | None,
    fmt: Format,
    publish: bool,
    fail_on_slip: bool,
    out: TextIO,
    notify: bool = True,
    publish_past: bool = False,
    force: bool = False,
    progress: Progress = SILENT,
    style: OutputStyle = PLAIN,
) -> int:
    with progress:  # on a terminal while releases are read and pages written
        run = sync_releases(
            config_path,
            customer,
            release,
            everything=everything,
            as_of=as_of,
            publish=publish,
            notify=notify,
            publish_past=publish_past,
            force=force,
            progress=progress,
        )
    if fmt == "json":
        write_json(sync_json(run), out)
    else:
        out.write(sync_text(run, style, fmt))
    if run.failed:
        return EXIT_OPERATIONAL
    return EXIT_SLIPPING if fail_on_slip and run.slipping else EXIT_OK
