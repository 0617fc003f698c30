"""The terminal and JSON views of published pages (`publish`, `create`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nivosync.app.publish import PublishOutcome
from nivosync.app.publisher import PageResult
from nivosync.app.remembered import FORGET_OPTION, OPTION, PAGE_NAME, InputUse
from nivosync.views.style import OutputStyle
from nivosync.views.summary import page_tally, summary_line
from nivosync.views.table import fit, text_table

PUBLISH_JSON_SCHEMA = "nivosync.publish/1"


def publish_json(
    results: Sequence[PageResult], dry_run: bool, outcome: PublishOutcome | None = None
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema": PUBLISH_JSON_SCHEMA,
        "dry_run": dry_run,
        "pages": [pages_json(r) for r in results],
    }
    if outcome is not None:
        document["inputs"] = [input_json(u) for u in outcome.inputs]
        document["notes"] = list(outcome.notes)
    return document


def input_json(use: InputUse) -> dict[str, Any]:
    return {
        "input": use.kind,
        "action": use.action,
        "file": use.file,
        "sha256": use.sha256,
        "saved_at": use.saved_at.isoformat(timespec="seconds") if use.saved_at else None,
        "reason": use.reason or None,
    }


def pages_json(result: PageResult) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "title": result.title,
        "id": result.page_id,
        "url": result.url,
        "action": result.action,
        "message": result.message or None,
    }


def pages_text(results: Sequence[PageResult], style: OutputStyle) -> str:
    rows = [[r.title, r.action, r.url or ""] for r in results]
    lines = [text_table(["Page", "Action", "URL"], rows, style)]
    lines += [fit(f"{r.action}: {r.message}", style) for r in results if r.message]
    return "\n".join(lines) + "\n"


def outcome_text(outcome: PublishOutcome, style: OutputStyle) -> str:
    """What became of the input files, and the notes (e.g. a template changed since)."""
    lines = [line for use in outcome.inputs if (line := input_text(use))]
    lines += [f"note: {note}" for note in outcome.notes]
    return "".join(f"{fit(line, style)}\n" for line in lines)


def publish_summary(results: Sequence[PageResult], dry_run: bool) -> str:
    """'Applied: 0 pages created, 2 updated, 2 unchanged.' ('Plan: …' for a dry run)."""
    return summary_line(dry_run, [page_tally(results)]) + "\n"


def input_text(use: InputUse) -> str | None:
    """One line per input that was kept, remembered, forgotten or not (None: nothing new)."""
    page, option, forget = PAGE_NAME[use.kind], OPTION[use.kind], FORGET_OPTION[use.kind]
    what = f"{use.file}, sha256 {(use.sha256 or '')[:12]}…"
    day = use.saved_at.date().isoformat() if use.saved_at else "an earlier run"
    lines = {
        "kept": f"kept the inputs of {day} ({what}): {option} FILE replaces them, {forget} "
        "drops them",
        "remembered": f"remembered the inputs ({what}) with the page, for runs given no {option}",
        "would remember": f"would remember the inputs ({what}) with the page",
        "not remembered": f"the inputs ({what}) were not remembered: {use.reason}",
        "forgotten": f"forgot the inputs of {day} ({what})",
        "would forget": f"would forget the inputs of {day} ({what})"
        + (f": not now, {use.reason}" if use.reason else ""),
        "nothing to forget": "no inputs were remembered: nothing to forget",
    }
    line = lines.get(use.action)
    return f"{page}: {line}" if line else None
