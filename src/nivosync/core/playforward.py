"""Playing a release forward in time (pure): which task starts and finishes on which day.

This is the arithmetic of `nivosync sandbox advance`, which then makes each move in the
sandbox as the people would. The people work to plan, except where told otherwise:

- Tasks go in dependency order (finish-to-start, as the forecast has it): a task starts on its
  planned start, but never before the working day after the last of its dependencies finished
  (it waits for its blockers), and takes its planned duration D (working days from planned
  start to due, both included, at least 1). Without waiting it finishes on its due date.
- A late task (`late`: task id → N working days) finishes N working days after it otherwise
  would (its due date, when it did not wait).
- A task already done finished on its resolution date; one already started keeps going.
- Nothing moves before `first` (the sandbox's current day): work left open in the past
  starts, or finishes, on the first working day played.
- A task finishing after `last` stays open (`still_open` says when it will finish); one whose
  start falls on or before `last` is started.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from nivosync.core.baseline import Baseline, BaselineTask
from nivosync.core.calendar import WorkCalendar
from nivosync.core.forecast import dependency_order

DEFAULT_LATE_DAYS = 3
_DAY = timedelta(days=1)

MoveKind = Literal["start", "finish"]


@dataclass(frozen=True)
class TaskNow:
    """A task as Jira has it when the play begins."""

    id: str
    done_on: date | None = None  # its resolution date, when done
    started: bool = False  # in progress (or done)

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class Move:
    """One thing a person does on `day`: start a task, or finish it (`days_late` working days
    after its planned due; `waited_for`: the dependencies that held its start back)."""

    day: date
    task_id: str
    kind: MoveKind
    days_late: int = 0
    waited_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Playback:
    """The moves, in the order to make them (by day; on a day, finishes before starts, each in
    dependency order), and the open tasks that finish after the last day, with when."""

    moves: tuple[Move, ...]
    still_open: Mapping[str, date]


@dataclass(frozen=True)
class _Scheduled:
    start: date
    finish: date
    waited_for: tuple[str, ...]


def play(
    baseline: Baseline,
    tasks: Mapping[str, TaskNow],
    late: Mapping[str, int],
    first: date,
    last: date,
) -> Playback:
    """Play the release from `first` to `last` (see the module docstring). `tasks` holds the
    tasks that exist in Jira; a planned task missing from it is scheduled (its dependents
    wait for it) but never moved."""
    calendar = baseline.calendar
    floor = calendar.next_working_day(first)
    order = dependency_order({t.id: t.depends_on for t in baseline.tasks.values()})
    finishes: dict[str, date] = {}
    moves: list[tuple[date, int, int, Move]] = []
    still_open: dict[str, date] = {}
    for rank, task_id in enumerate(order):
        task, now = baseline.tasks[task_id], tasks.get(task_id)
        if now is not None and now.done_on is not None:
            finishes[task_id] = now.done_on
            continue
        slot = _schedule(task, finishes, calendar, late.get(task_id, 0), floor)
        finishes[task_id] = slot.finish
        if now is None:
            continue
        if slot.finish <= last:
            late_by = calendar.working_days_after(task.end, slot.finish)
            move = Move(slot.finish, task_id, "finish", late_by, slot.waited_for)
            moves.append((slot.finish, 0, rank, move))
        else:
            still_open[task_id] = slot.finish
        if not now.started and slot.start < slot.finish and slot.start <= last:
            moves.append((slot.start, 1, rank, Move(slot.start, task_id, "start")))
    ordered = tuple(move for *_, move in sorted(moves, key=lambda m: m[:3]))
    return Playback(ordered, still_open)


def _schedule(
    task: BaselineTask,
    finishes: Mapping[str, date],
    calendar: WorkCalendar,
    late_days: int,
    floor: date,
) -> _Scheduled:
    planned = calendar.next_working_day(task.start)
    ready = {d: calendar.next_working_day(finishes[d] + _DAY) for d in task.depends_on}
    start = max([planned, *ready.values()])
    duration = max(1, calendar.working_days_in(task.start, task.end))
    finish = calendar.add_working_days(start, duration - 1 + late_days)
    waited = tuple(d for d, day in ready.items() if day > planned)
    return _Scheduled(max(start, floor), max(finish, floor), waited)


def moment_on(day: date, timezone: str, second: int = 0) -> datetime:
    """A moment (UTC) that is `day` both in `timezone` and in UTC: what Jira stamps then
    reads as that day wherever it is read (the sandbox stamps UTC; nivosync counts days in
    the config's timezone). The middle of the hours the two days share, plus `second`."""
    zone = ZoneInfo(timezone)
    utc_start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    local_start = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    local_end = (datetime(day.year, day.month, day.day, tzinfo=zone) + _DAY).astimezone(UTC)
    shared_start = max(utc_start, local_start)
    shared_end = min(utc_start + _DAY, local_end)
    middle = shared_start + (shared_end - shared_start) / 2
    return middle.replace(second=0, microsecond=0) + timedelta(seconds=second)
