"""The terminal and JSON views of `nivosync validate` and `nivosync templates`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nivosync.app.catalog import TemplateListing, Validated
from nivosync.errors import Problem, display_path
from nivosync.views.style import Format, OutputStyle
from nivosync.views.table import fit, rows_output
from nivosync.views.words import count

VALIDATE_JSON_SCHEMA = "nivosync.validate/1"
TEMPLATES_JSON_SCHEMA = "nivosync.templates/1"


def validated_text(result: Validated, style: OutputStyle) -> str:
    lines = [f"{display_path(result.config_path)}: OK"]
    for template in result.templates:
        spec = template.spec
        lines.append(
            f"{display_path(template.source)}: OK — template {template.name}, "
            f"{count(len(spec.tasks), 'task')}, {count(len(spec.milestones), 'milestone')}, "
            f"{count(template.weeks, 'week')}"
        )
    return fit("\n".join(lines), style) + "\n"


def validated_json(result: Validated) -> dict[str, Any]:
    """`validate --json` when every input is sound."""
    return {
        "schema": VALIDATE_JSON_SCHEMA,
        "ok": True,
        "config": display_path(result.config_path),
        "templates": [
            {
                "name": t.name,
                "title": t.spec.title,
                "source": display_path(t.source),
                "tasks": len(t.spec.tasks),
                "milestones": len(t.spec.milestones),
                "weeks": t.weeks,
            }
            for t in result.templates
        ],
        "problems": [],
    }


def problems_json(problems: Sequence[Problem]) -> dict[str, Any]:
    """`validate --json` when something is wrong: every problem, located (exit 2)."""
    return {
        "schema": VALIDATE_JSON_SCHEMA,
        "ok": False,
        "templates": [],
        "problems": [{"file": p.file, "line": p.line, "message": p.message} for p in problems],
    }


TEMPLATE_HEADERS = ["Name", "Title", "Tasks", "Source"]


def templates_text(listing: Sequence[TemplateListing], fmt: Format, style: OutputStyle) -> str:
    rows = []
    for entry in listing:
        source = display_path(entry.source)
        if entry.template is not None:
            title, tasks = entry.template.spec.title, str(len(entry.template.spec.tasks))
        else:
            title, tasks = f"(invalid: {entry.problem})", ""
        rows.append([entry.name, title, tasks, f"{source} ({entry.origin})"])
    text = rows_output(TEMPLATE_HEADERS, rows, fmt, style)
    if fmt != "table":
        return text
    for entry in listing:
        if entry.template is None:
            source = display_path(entry.source)
            text += fit(
                f"\n{source} is invalid: see `nivosync validate --template {source}`", style
            )
            text += "\n"
    return text


def templates_json(listing: Sequence[TemplateListing]) -> dict[str, Any]:
    """`templates --json`: every template file found, loadable or not."""
    return {
        "schema": TEMPLATES_JSON_SCHEMA,
        "templates": [
            {
                "name": e.name,
                "title": e.template.spec.title if e.template else None,
                "tasks": len(e.template.spec.tasks) if e.template else None,
                "source": display_path(e.source),
                "origin": e.origin,
                "valid": e.template is not None,
                "problem": e.problem,
            }
            for e in listing
        ],
    }
