"""`nivosync templates`: the shipped templates and those in the configured folder."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.app.catalog import list_templates
from nivosync.errors import EXIT_OK
from nivosync.views.catalog_text import templates_json, templates_text
from nivosync.views.documents import json_text
from nivosync.views.style import Format, OutputStyle


def run_templates(config_path: Path | None, out: TextIO, fmt: Format, style: OutputStyle) -> int:
    listing = list_templates(config_path)
    if fmt == "json":
        out.write(json_text(templates_json(listing)))
    else:
        out.write(templates_text(listing, fmt, style))
    return EXIT_OK
