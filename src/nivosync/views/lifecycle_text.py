"""The terminal and JSON views of `cancel` and `replan`."""

from __future__ import annotations

from typing import Any

from nivosync.app.cancel import CancelOutcome
from nivosync.app.replan import ReplanOutcome
from nivosync.views.publish_text import pages_json, pages_text
from nivosync.views.style import OutputStyle
from nivosync.views.summary import Tally, page_tally, summary_line
from nivosync.views.table import fit, key_order
from nivosync.views.words import count

CANCEL_JSON_SCHEMA = "nivosync.cancel/1"


def cancel_text(outcome: CancelOutcome, style: OutputStyle) -> str:
    finish = outcome.finish
    on = finish.on.isoformat() if finish.on else "an earlier day"
    if outcome.dry_run:
        lines = [f"{outcome.release} ({outcome.epic}) would be cancelled:"]
        lines += [f"  - {a.text}" for a in outcome.actions]
        return fit("\n".join(lines), style) + "\n"
    head = "was already cancelled" if outcome.already else "is cancelled"
    lines = [f"{outcome.release} ({outcome.epic}) {head} on {on}: {finish.reason or ''}".rstrip()]
    lines.append(
        f"  by {finish.by or 'unknown'}; {count(len(finish.open_tasks), 'task')} "
        f"{'was' if len(finish.open_tasks) == 1 else 'were'} still open"
    )
    lines += [f"  note: {n}" for n in outcome.notes]
    text = fit("\n".join(lines), style) + "\n"
    return text + ("\n" + pages_text([outcome.page], style) if outcome.page else "")


def cancel_json(outcome: CancelOutcome) -> dict[str, Any]:
    return {
        "schema": CANCEL_JSON_SCHEMA,
        "dry_run": outcome.dry_run,
        "release": outcome.release,
        "epic": outcome.epic,
        "already_cancelled": outcome.already,
        "cancellation": outcome.finish.to_json(),
        "actions": [a.to_json() for a in outcome.actions],
        "notes": outcome.notes,
        "status_page": pages_json(outcome.page) if outcome.page else None,
    }


REPLAN_JSON_SCHEMA = "nivosync.replan/1"


def replan_text(outcome: ReplanOutcome, style: OutputStyle) -> str:
    would = "would be " if outcome.dry_run else ""
    if outcome.baseline_written:
        head = (
            f"{outcome.release} ({outcome.epic}) {would}re-planned from {outcome.old_start} to "
            f"{outcome.new_start}: go-live {outcome.old_go_live} → {outcome.new_go_live} "
            f"({outcome.reason})"
        )
    else:
        head = f"{outcome.release} ({outcome.epic}) is already planned from {outcome.new_start}"
    lines = [head]
    verb = "would move" if outcome.dry_run else "moved"
    lines += [
        f"  {verb} {d.key} {d.field}: {d.actual or '(empty)'} → {d.planned}"
        for d in sorted(outcome.moved, key=lambda d: key_order(d.key))
    ]
    if not outcome.moved:
        lines.append("  every open issue already has the new dates")
    if outcome.kept_done:
        done = count(len(outcome.kept_done), "done task")
        lines.append(f"  kept the dates of {done} (history)")
    lines += [f"  note: {n}" for n in outcome.notes]
    text = fit("\n".join(lines), style) + "\n"
    text += "\n" + pages_text(outcome.pages, style) if outcome.pages else ""
    return text + "\n" + replan_summary(outcome) + "\n"


def replan_summary(outcome: ReplanOutcome) -> str:
    """'Plan: 1 baseline to write; 16 issues to update; 0 pages to create, 2 to update, …'."""
    written = int(outcome.baseline_written)
    baseline = Tally("baseline", written, None, None, making=("to write", "written"))
    moved = len({d.key for d in outcome.moved})
    issues = Tally("issue", created=None, updated=moved, unchanged=None)
    tallies = [baseline, issues] + ([page_tally(outcome.pages)] if outcome.pages else [])
    return summary_line(outcome.dry_run, tallies)


def replan_json(outcome: ReplanOutcome) -> dict[str, Any]:
    return {
        "schema": REPLAN_JSON_SCHEMA,
        "dry_run": outcome.dry_run,
        "release": outcome.release,
        "epic": outcome.epic,
        "from": {"start": str(outcome.old_start), "go_live": str(outcome.old_go_live)},
        "to": {"start": str(outcome.new_start), "go_live": str(outcome.new_go_live)},
        "reason": outcome.reason,
        "baseline_written": outcome.baseline_written,
        "moved": [
            {"key": d.key, "task_id": d.task_id, "field": d.field}
            | {"from": d.actual, "to": d.planned}
            for d in outcome.moved
        ],
        "kept_done": outcome.kept_done,
        "pages": [pages_json(p) for p in outcome.pages],
        "notes": outcome.notes,
    }
