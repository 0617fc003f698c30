"""`nivosync publish`: the release's Confluence pages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from nivosync.app.publish import publish_pages
from nivosync.app.publisher import PageResult
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.publish_text import pages_text, publish_json


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
    force: bool,
    as_json: bool,
    out: TextIO,
) -> int:
    results = publish_pages(
        config_path,
        customer,
        release,
        kinds=kinds,
        notes_path=notes_path,
        advisory_path=advisory_path,
        template_name=template_name,
        dry_run=dry_run,
        force=force,
    )
    if as_json:
        json.dump(publish_json(results, dry_run), out, indent=2)
        out.write("\n")
    else:
        out.write(pages_text(results))
    return exit_code(results)


def exit_code(results: Sequence[PageResult]) -> int:
    return EXIT_OPERATIONAL if any(r.action == "conflict" for r in results) else EXIT_OK
