"""`nivosync templates`: the shipped templates and those in the configured folder."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.commands.common import load_settings
from nivosync.errors import EXIT_OK, InvalidInput, display_path
from nivosync.render.table import text_table
from nivosync.template import discover_templates, load_template


def run_templates(config_path: Path | None, out: TextIO) -> int:
    config = load_settings(config_path)
    rows = []
    invalid = []
    seen: set[str] = set()
    for entry in discover_templates(config.templates_dir):
        source = display_path(entry.source)
        try:
            template = load_template(entry.source)
            title, tasks = template.spec.title, str(len(template.spec.tasks))
        except InvalidInput as exc:
            title, tasks = f"(invalid: {exc})", ""
            invalid.append(source)
        origin = entry.origin if entry.name not in seen else f"{entry.origin}, shadowed"
        seen.add(entry.name)
        rows.append([entry.name, title, tasks, f"{source} ({origin})"])
    out.write(text_table(["Name", "Title", "Tasks", "Source"], rows) + "\n")
    for source in invalid:
        out.write(f"\n{source} is invalid: see `nivosync validate --template {source}`\n")
    return EXIT_OK
