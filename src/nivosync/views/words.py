"""Words the terminal output shares: counts with their noun, and the late-start warning."""

from __future__ import annotations

from datetime import date

from nivosync.core.plan import LateStart


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 issue', '3 issues', '1 working day', '0 pages'."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def late_start_text(start: date, today: date, late: LateStart) -> str:
    """The warning for a release planned to start in the past."""
    due = ""
    if late.overdue:
        first = late.overdue[0]
        due = (
            f"; {count(len(late.overdue), 'task')} already due before today (the first: "
            f"{first.name}, due {first.due.isoformat()})"
        )
    return (
        f"warning: the release starts {start.isoformat()}, "
        f"{count(late.working_days, 'working day')} before today ({today.isoformat()}): it is "
        f"late from day one{due}. If it really started then, the report will show that; "
        "else give a later --start"
    )
