"""`nivosync cancel`: stop a release — recorded on its epic, its status page CANCELLED."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.app.cancel import cancel_release
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.documents import json_text
from nivosync.views.lifecycle_text import cancel_json, cancel_text
from nivosync.views.style import PLAIN, OutputStyle


def run_cancel(
    config_path: Path | None,
    customer: str,
    release: str,
    reason: str,
    *,
    dry_run: bool,
    as_json: bool,
    out: TextIO,
    style: OutputStyle = PLAIN,
) -> int:
    """Exit 0 when the release is cancelled as configured; 1 when a step could not be done."""
    outcome = cancel_release(config_path, customer, release, reason, dry_run=dry_run)
    if as_json:
        out.write(json_text(cancel_json(outcome)))
    else:
        out.write(cancel_text(outcome, style))
    conflict = outcome.page is not None and outcome.page.action == "conflict"
    return EXIT_OPERATIONAL if outcome.notes or conflict else EXIT_OK
