"""The terminal views of `nivosync validate` and `nivosync templates`."""

from __future__ import annotations

from collections.abc import Sequence

from nivosync.app.catalog import TemplateListing, Validated
from nivosync.errors import display_path
from nivosync.views.table import text_table
from nivosync.views.words import count


def validated_text(result: Validated) -> str:
    lines = [f"{display_path(result.config_path)}: OK"]
    for template in result.templates:
        spec = template.spec
        lines.append(
            f"{display_path(template.source)}: OK — template {template.name}, "
            f"{count(len(spec.tasks), 'task')}, {count(len(spec.milestones), 'milestone')}, "
            f"{count(template.weeks, 'week')}"
        )
    return "\n".join(lines) + "\n"


def templates_text(listing: Sequence[TemplateListing]) -> str:
    rows = []
    for entry in listing:
        source = display_path(entry.source)
        if entry.template is not None:
            title, tasks = entry.template.spec.title, str(len(entry.template.spec.tasks))
        else:
            title, tasks = f"(invalid: {entry.problem})", ""
        rows.append([entry.name, title, tasks, f"{source} ({entry.origin})"])
    text = text_table(["Name", "Title", "Tasks", "Source"], rows) + "\n"
    for entry in listing:
        if entry.template is None:
            source = display_path(entry.source)
            text += f"\n{source} is invalid: see `nivosync validate --template {source}`\n"
    return text
