"""`nivosync replan`: move a release to a new start, keeping every earlier baseline."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.app.replan import ReplanRequest, replan_release
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.documents import json_text
from nivosync.views.lifecycle_text import replan_json, replan_text
from nivosync.views.style import PLAIN, OutputStyle


def run_replan(
    config_path: Path | None,
    request: ReplanRequest,
    *,
    as_json: bool,
    out: TextIO,
    style: OutputStyle = PLAIN,
) -> int:
    """Exit 0 when Jira and the pages say the new plan; 1 when a page was not written."""
    outcome = replan_release(config_path, request)
    if as_json:
        out.write(json_text(replan_json(outcome)))
    else:
        out.write(replan_text(outcome, style))
    conflict = any(p.action in ("conflict", "skipped-edited") for p in outcome.pages)
    return EXIT_OPERATIONAL if conflict else EXIT_OK
