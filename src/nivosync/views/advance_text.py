"""The terminal view of `nivosync sandbox advance`: what was done each day, and what next."""

from __future__ import annotations

from nivosync.app.sandbox_advance import AdvanceOutcome, Finished
from nivosync.views.words import count


def advance_text(outcome: AdvanceOutcome, command: str) -> str:
    """`command`: how the user calls nivosync (``nivosync --config F``), for the next steps."""
    first, last = outcome.first.isoformat(), outcome.last.isoformat()
    played = ", ".join(outcome.releases) or "no running release"
    lines = [f"Sandbox played from {first} to {last}: {played}"]
    for day in sorted(outcome.days):
        done = ", ".join(_finished(f) for f in outcome.days[day])
        lines.append(f"  {day.isoformat()}  done: {done}")
    if not outcome.days:
        lines.append("  no task was due")
    finished = sum(len(found) for found in outcome.days.values())
    lines.append(
        f"{count(finished, 'task')} done, {count(outcome.started, 'task')} started on "
        "their start day."
    )
    for item in outcome.left_open:
        lines.append(
            f"{item.key} {item.task_id} stays open: it finishes {item.finishes.isoformat()} "
            f"({count(item.days_late, 'working day')} late), after --to"
        )
    lines += [f"note: {n}" for n in outcome.notes]
    lines += [f"not done: {n}" for n in outcome.refused]
    lines.append(f"The sandbox's day is now {last}.")
    lines.append(f"Next: {command} sync --all")
    lines.append(
        f"  then read the status pages: {command} sandbox serve, and open {outcome.browse_url}"
    )
    return "\n".join(lines) + "\n"


def _finished(item: Finished) -> str:
    if item.days_late == 0:
        return f"{item.key} {item.task_id} (on time)"
    waited = f", waited for {' and '.join(item.waited_for)}" if item.waited_for else ""
    return f"{item.key} {item.task_id} ({count(item.days_late, 'day')} late{waited})"
