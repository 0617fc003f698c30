"""`nivosync templates`: the shipped templates and those in the configured folder."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.app.catalog import list_templates
from nivosync.errors import EXIT_OK
from nivosync.views.catalog_text import templates_text


def run_templates(config_path: Path | None, out: TextIO) -> int:
    out.write(templates_text(list_templates(config_path)))
    return EXIT_OK
