"""Milestone slippage: a release's baseline + its tasks' status on a date → how late it runs (pure).

The rules are issue 6's "Slippage rules"; every count is in working days of the release's own
calendar (built from the baseline), and every slip is >= 0. Where the issue is silent:

- A task's *planned end* is its baseline due date; Jira's current due date is reported beside it
  (`replanned`, also when the due date was cleared), never measured against, so moving a due
  date cannot hide a slip.
- An open task is *late* when `as_of` is after its planned end (calendar days: a task due Friday
  is late on Saturday with slip 0 until Monday). Only open tasks are late; a task done late keeps
  its slip but is not chased.
- A done task is measured by its resolution date even if that is after `as_of`: the snapshot is
  today's, so `as_of` moves the clock for open work only.
- A done task without a resolution date (a workflow that sets no resolution) counts as on time:
  there is nothing to measure it by.
- A task is *at risk* when it is still in status category "new" (To Do) and `as_of` is after its
  planned start: on the start day itself it may still be picked up.
- A baseline task with no issue in Jira (deleted, or its identity stripped) is reported with
  status "missing", counts as not done, accrues slip like an open task and is at risk after its
  planned start — the report must show it, and a milestone with a hole in it cannot be done.
  Issues whose task id is not in the baseline are ignored here (reconcile reports strangers).
- Carry: a milestone that is done reports its own, measured slip (facts replace estimates); a
  milestone that is not done gets max(own slip, effective slip of the previous milestone, effective
  slip of every earlier milestone that is not done). That is the issue's formula, plus its words
  "carries into every later milestone that is not done" when an earlier unfinished milestone is
  followed by one finished out of order. A finished milestone's measured slip replaces the carry
  of milestones finished before it (finishing on time absorbs their slip), never the carry of one
  still open. So effective slips never decrease along unfinished milestones.
- Release: planned go-live is the go-live task's baseline due date; its slip is the effective slip
  of the go-live task's milestone and projected go-live = planned go-live + that slip (the
  milestone's projected end when, as in the shipped template, go-live ends its milestone). Status:
  `done` when every milestone is done, `slipping` when its slip > 0, `at_risk` when any milestone is
  slipping or at risk (e.g. stabilisation after go-live running late), else `on_track`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from nivosync.core.baseline import (
    Baseline,
    BaselineError,
    BaselineMilestone,
    BaselineTask,
    parse_baseline,
)
from nivosync.core.calendar import WorkCalendar

__all__ = [
    "DONE_CATEGORY",
    "MISSING",
    "TODO_CATEGORY",
    "Baseline",
    "BaselineError",
    "BaselineMilestone",
    "BaselineTask",
    "MilestoneSlippage",
    "ReleaseSlippage",
    "SlipStatus",
    "TaskSlippage",
    "TaskStatus",
    "compute_slippage",
    "effective_slips",
    "measure_task",
    "parse_baseline",
    "slippage_to_json",
    "task_slip",
]

DONE_CATEGORY = "done"
TODO_CATEGORY = "new"  # Jira's key for the "To Do" status category
MISSING = "missing"  # status and status category of a baseline task with no issue in Jira


class SlipStatus(StrEnum):
    """The words of a milestone's or release's status (the JSON carries the value)."""

    DONE = "done"
    SLIPPING = "slipping"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"


@dataclass(frozen=True)
class TaskStatus:
    """What Jira says about one task's issue now: the input, free of Jira's own types."""

    task_id: str
    key: str
    summary: str
    assignee: str | None
    status: str
    status_category: str  # new | indeterminate | done
    due: date | None
    resolved: date | None


@dataclass(frozen=True)
class TaskSlippage:
    """One baseline task measured on `as_of`; key/summary are None when it is missing."""

    task_id: str
    milestone: str
    key: str | None
    summary: str | None
    assignee: str | None
    status: str
    status_category: str
    planned_start: date
    planned_end: date
    due: date | None
    resolved: date | None
    slip_days: int
    late: bool
    replanned: bool
    at_risk: bool

    @property
    def done(self) -> bool:
        return self.status_category == DONE_CATEGORY

    @property
    def missing(self) -> bool:
        return self.status_category == MISSING


@dataclass(frozen=True)
class MilestoneSlippage:
    """A milestone's planned vs projected end; `late` lists keys of its late open tasks."""

    id: str
    name: str
    status: SlipStatus
    planned_end: date
    projected_end: date
    slip_days: int  # effective slip, carry included
    own_slip: int
    tasks_total: int
    tasks_done: int
    late: tuple[str, ...]


@dataclass(frozen=True)
class ReleaseSlippage:
    """A whole release on `as_of`: status, go-live, milestones in order and tasks in order."""

    as_of: date
    status: SlipStatus
    slip_days: int
    planned_go_live: date
    projected_go_live: date
    milestones: tuple[MilestoneSlippage, ...]
    tasks: tuple[TaskSlippage, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Task ids of the baseline with no issue in Jira (they have no key to list as late)."""
        return tuple(t.task_id for t in self.tasks if t.missing)


def compute_slippage(
    baseline: Baseline, tasks: Mapping[str, TaskStatus], as_of: date
) -> ReleaseSlippage:
    """Measure every baseline task, then its milestones with carry, then the release."""
    calendar = baseline.calendar
    measured = {
        task.id: measure_task(task, tasks.get(task.id), calendar, as_of)
        for task in baseline.ordered_tasks()
    }
    groups = [tuple(measured[t] for t in m.tasks) for m in baseline.milestones]
    slips = effective_slips([(_own_slip(g), _all_done(g)) for g in groups])
    milestones = tuple(
        _milestone(m, group, slip, calendar)
        for m, group, slip in zip(baseline.milestones, groups, slips, strict=True)
    )
    return _release(baseline, milestones, tuple(measured.values()), as_of)


def measure_task(
    planned: BaselineTask, status: TaskStatus | None, calendar: WorkCalendar, as_of: date
) -> TaskSlippage:
    """One task against its baseline dates; `status` None means its issue is missing."""
    category = status.status_category if status else MISSING
    resolved = status.resolved if status else None
    is_open = category != DONE_CATEGORY
    return TaskSlippage(
        task_id=planned.id,
        milestone=planned.milestone,
        key=status.key if status else None,
        summary=status.summary if status else None,
        assignee=status.assignee if status else None,
        status=status.status if status else MISSING,
        status_category=category,
        planned_start=planned.start,
        planned_end=planned.end,
        due=status.due if status else None,
        resolved=resolved,
        slip_days=task_slip(calendar, planned.end, category, resolved, as_of),
        late=is_open and as_of > planned.end,
        replanned=status is not None and status.due != planned.end,
        at_risk=category in (TODO_CATEGORY, MISSING) and as_of > planned.start,
    )


def task_slip(
    calendar: WorkCalendar, planned_end: date, category: str, resolved: date | None, as_of: date
) -> int:
    """Working days past the planned end: up to resolution if done, else up to `as_of`."""
    if category == DONE_CATEGORY:
        return 0 if resolved is None else calendar.working_days_after(planned_end, resolved)
    return calendar.working_days_after(planned_end, as_of)


def effective_slips(milestones: Sequence[tuple[int, bool]]) -> list[int]:
    """Effective slip of each (own slip, done) milestone in order; see the module docstring."""
    slips: list[int] = []
    previous = 0  # effective slip of the previous milestone
    unfinished = 0  # largest effective slip of an earlier milestone that is not done
    for own, done in milestones:
        slip = own if done else max(own, previous, unfinished)
        if not done:
            unfinished = slip
        slips.append(slip)
        previous = slip
    return slips


def _own_slip(tasks: Sequence[TaskSlippage]) -> int:
    return max(t.slip_days for t in tasks)


def _all_done(tasks: Sequence[TaskSlippage]) -> bool:
    return all(t.done for t in tasks)


def _milestone(
    planned: BaselineMilestone,
    tasks: Sequence[TaskSlippage],
    slip: int,
    calendar: WorkCalendar,
) -> MilestoneSlippage:
    planned_end = max(t.planned_end for t in tasks)
    return MilestoneSlippage(
        id=planned.id,
        name=planned.name,
        status=_status(_all_done(tasks), slip, any(t.at_risk for t in tasks)),
        planned_end=planned_end,
        projected_end=calendar.add_working_days(planned_end, slip),
        slip_days=slip,
        own_slip=_own_slip(tasks),
        tasks_total=len(tasks),
        tasks_done=sum(t.done for t in tasks),
        late=tuple(t.key for t in tasks if t.late and t.key is not None),
    )


def _release(
    baseline: Baseline,
    milestones: tuple[MilestoneSlippage, ...],
    tasks: tuple[TaskSlippage, ...],
    as_of: date,
) -> ReleaseSlippage:
    go_live_milestone = baseline.tasks[baseline.go_live_task].milestone
    slip = next(m.slip_days for m in milestones if m.id == go_live_milestone)
    troubled = any(m.status in (SlipStatus.SLIPPING, SlipStatus.AT_RISK) for m in milestones)
    done = all(m.status is SlipStatus.DONE for m in milestones)
    return ReleaseSlippage(
        as_of=as_of,
        status=_status(done, slip, troubled),
        slip_days=slip,
        planned_go_live=baseline.go_live,
        projected_go_live=baseline.calendar.add_working_days(baseline.go_live, slip),
        milestones=milestones,
        tasks=tasks,
    )


def _status(done: bool, slip: int, at_risk: bool) -> SlipStatus:
    if done:
        return SlipStatus.DONE
    if slip > 0:
        return SlipStatus.SLIPPING
    return SlipStatus.AT_RISK if at_risk else SlipStatus.ON_TRACK


def slippage_to_json(
    slippage: ReleaseSlippage, customer: str, release: str, epic: str
) -> dict[str, Any]:
    """One release in the documented `sync --json` shape (issue 6, Output); dates are ISO."""
    return {
        "customer": customer,
        "release": release,
        "epic": epic,
        "status": slippage.status.value,
        "slip_days": slippage.slip_days,
        "planned_go_live": slippage.planned_go_live.isoformat(),
        "projected_go_live": slippage.projected_go_live.isoformat(),
        "milestones": [_milestone_json(m) for m in slippage.milestones],
        "tasks": [_task_json(t) for t in slippage.tasks],
    }


def _milestone_json(milestone: MilestoneSlippage) -> dict[str, Any]:
    return {
        "name": milestone.name,
        "status": milestone.status.value,
        "planned_end": milestone.planned_end.isoformat(),
        "projected_end": milestone.projected_end.isoformat(),
        "slip_days": milestone.slip_days,
        "tasks_total": milestone.tasks_total,
        "tasks_done": milestone.tasks_done,
        "late": list(milestone.late),
    }


def _task_json(task: TaskSlippage) -> dict[str, Any]:
    return {
        "key": task.key,
        "task_id": task.task_id,
        "summary": task.summary,
        "assignee": task.assignee,
        "status": task.status,
        "status_category": task.status_category,
        "planned_end": task.planned_end.isoformat(),
        "due": _iso(task.due),
        "resolved": _iso(task.resolved),
        "slip_days": task.slip_days,
        "late": task.late,
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
