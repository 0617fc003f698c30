"""The dependency-aware forecast: when each task will finish, its float, the critical path (pure).

This is the scheduling arithmetic behind the rules in `nivosync.core.slippage` (whose docstring
states them for the reader of a report); it knows tasks, dates and a calendar, not Jira.
Every count is in working days of the given calendar.

- Tasks are scheduled in dependency order (each after what it depends on; ties in the order
  given, which is the template's). A dependency cycle raises `DependencyCycle`.
- D, a task's duration, is the number of working days from its planned start to its planned
  due, both included (at least 1, so a baseline laid on a holiday still takes a day).
- Earliest start = the later of its planned start (moved to a working day) and the working
  day after the latest finish of the tasks it depends on (finish-to-start).
- A done task finishes on its resolution date, but never earlier than its planned due (finishing
  early gives its successors no head start: they keep their planned starts), and on its planned
  due when it has no resolution date. Its forecast start is its earliest start, but never after
  its finish (a task done before what it depends on did not wait for it).
- An open task finishes at the later of (earliest start + D - 1 working days) and the last
  working day on or before `as_of` (open work cannot finish in the past).
- Release end = the latest finish of any task.
- Float (CPM backward pass from the release end): how many working days a task's finish could
  move later without moving the release end. Each task's latest finish is the release end, or
  earlier where an open successor's forecast would otherwise move: the calendar day before
  that successor's latest start (its latest finish less D - 1 working days). A done successor
  constrains nothing: its finish is a fact that no predecessor can move. Done tasks get a float
  the same way ("how much later could it have finished"); float is never negative.
- Critical: float 0. The critical path is one chain: from the task that finishes at the release
  end (the last such in dependency order) back through a critical predecessor whose finish set
  its earliest start (the first in its `depends_on` order); it stops at a done task (whose start
  nothing forecast drives) or where no predecessor drove the start (the planned start or
  `as_of` did). Listed first task first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from nivosync.core.calendar import WorkCalendar

__all__ = [
    "DependencyCycle",
    "Schedule",
    "Scheduled",
    "Work",
    "dependency_order",
    "forecast",
]

_DAY = timedelta(days=1)


class DependencyCycle(ValueError):
    """Tasks that depend on each other in a circle: `cycle` lists one, first task repeated."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = tuple(cycle)
        self.task_id = self.cycle[0]
        super().__init__(f"a dependency cycle: {' → '.join(self.cycle)}")


@dataclass(frozen=True)
class Work:
    """What the forecast needs of one task: its planned dates, dependencies and whether it is
    done (with its resolution date, if known) on the day of the forecast."""

    id: str
    start: date
    due: date
    depends_on: tuple[str, ...] = ()
    done: bool = False
    resolved: date | None = None


@dataclass(frozen=True)
class Scheduled:
    """One task forecast: duration D, earliest and forecast start, finish, float, critical."""

    id: str
    duration: int
    earliest_start: date
    start: date
    finish: date
    float_days: int

    @property
    def critical(self) -> bool:
        return self.float_days == 0


@dataclass(frozen=True)
class Schedule:
    """Every task forecast (in dependency order), the release end and the critical path."""

    tasks: Mapping[str, Scheduled]
    end: date
    critical_path: tuple[str, ...]


def dependency_order(depends_on: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The ids of `depends_on` so that each comes after every id it depends on; among tasks
    free to go next, the first in the mapping's order. Every dependency must be a key."""
    unknown = [(t, d) for t, deps in depends_on.items() for d in deps if d not in depends_on]
    if unknown:
        raise ValueError(f"task '{unknown[0][0]}' depends on unknown task '{unknown[0][1]}'")
    placed: dict[str, None] = {}
    remaining = list(depends_on)
    while remaining:
        ready = next((t for t in remaining if all(d in placed for d in depends_on[t])), None)
        if ready is None:
            raise DependencyCycle(_cycle(remaining[0], depends_on, placed))
        placed[ready] = None
        remaining.remove(ready)
    return tuple(placed)


def _cycle(
    first: str, depends_on: Mapping[str, Sequence[str]], placed: Mapping[str, None]
) -> list[str]:
    # Every unplaced task waits for an unplaced one, so following them must come round again.
    path = [first]
    while path.count(path[-1]) < 2:
        path.append(next(d for d in depends_on[path[-1]] if d not in placed))
    return path[path.index(path[-1]) :]


def forecast(work: Sequence[Work], calendar: WorkCalendar, as_of: date) -> Schedule:
    """Forecast every task (see the module docstring); `work` must not be empty."""
    by_id = {w.id: w for w in work}
    order = dependency_order({w.id: w.depends_on for w in work})
    forward = _forward(order, by_id, calendar, as_of)
    end = max(finish for _, _, finish in forward.values())
    latest = _latest_finishes(order, by_id, forward, calendar, end)
    tasks = {
        task_id: Scheduled(
            id=task_id,
            duration=duration,
            earliest_start=start,
            start=min(start, finish) if by_id[task_id].done else start,
            finish=finish,
            float_days=calendar.working_days_after(finish, latest[task_id]),
        )
        for task_id, (duration, start, finish) in forward.items()
    }
    return Schedule(tasks, end, _critical_path(order, by_id, tasks, calendar, end))


def _forward(
    order: Sequence[str], by_id: Mapping[str, Work], calendar: WorkCalendar, as_of: date
) -> dict[str, tuple[int, date, date]]:
    """(duration, earliest start, finish) of each task, in dependency order."""
    floor = calendar.previous_working_day(as_of)
    found: dict[str, tuple[int, date, date]] = {}
    for task_id in order:
        task = by_id[task_id]
        duration = max(1, calendar.working_days_in(task.start, task.due))
        start = calendar.next_working_day(task.start)
        for dependency in task.depends_on:
            start = max(start, calendar.next_working_day(found[dependency][2] + _DAY))
        if task.done:
            finish = max(task.resolved or task.due, task.due)
        else:
            finish = max(calendar.add_working_days(start, duration - 1), floor)
        found[task_id] = (duration, start, finish)
    return found


def _latest_finishes(
    order: Sequence[str],
    by_id: Mapping[str, Work],
    forward: Mapping[str, tuple[int, date, date]],
    calendar: WorkCalendar,
    end: date,
) -> dict[str, date]:
    """The backward pass: the latest finish of each task that keeps the release end."""
    successors: dict[str, list[str]] = {t: [] for t in order}
    for task_id in order:
        for dependency in by_id[task_id].depends_on:
            successors[dependency].append(task_id)
    latest: dict[str, date] = {}
    for task_id in reversed(order):
        finish = end
        for successor in successors[task_id]:
            if by_id[successor].done:
                continue  # its finish is a fact: nothing before it can move it
            last_day = calendar.previous_working_day(latest[successor])
            latest_start = calendar.subtract_working_days(last_day, forward[successor][0] - 1)
            finish = min(finish, latest_start - _DAY)
        latest[task_id] = finish
    return latest


def _critical_path(
    order: Sequence[str],
    by_id: Mapping[str, Work],
    tasks: Mapping[str, Scheduled],
    calendar: WorkCalendar,
    end: date,
) -> tuple[str, ...]:
    path = [[t for t in order if tasks[t].finish == end][-1]]
    while not by_id[path[-1]].done:
        current = tasks[path[-1]]
        drivers = [
            d
            for d in by_id[current.id].depends_on
            if tasks[d].critical
            and calendar.next_working_day(tasks[d].finish + _DAY) == current.earliest_start
        ]
        if not drivers:
            break
        path.append(drivers[0])
    return tuple(reversed(path))
