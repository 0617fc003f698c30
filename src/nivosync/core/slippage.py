"""Slippage: a release's baseline + its tasks' status on a date → a dependency-aware forecast.

Pure: no I/O. The rules are issue 12's ("a forecast that follows dependencies"); they replace
issue 6's carry rule. Every count is in working days of the release's own calendar (built from
the baseline); the scheduling arithmetic lives in `nivosync.core.forecast`.

What is measured
- A task's *planned* start and due are its current baseline's (the last re-plan's, else the
  creation's); Jira's current due date is reported beside them (`replanned`, also when cleared),
  never measured against, so moving a due date in Jira cannot hide a slip.
- Point in time: only resolutions on or before `as_of` count. A task resolved after `as_of` was
  open that day: it is measured as open (status category "indeterminate"; its status text and
  Jira's resolution date are kept, `resolved_after_as_of` says why it is not done). A done task
  without a resolution date counts as done whatever `as_of` (there is no date to judge by).
- A baseline task with no issue in Jira (deleted, or its identity stripped) has status
  "missing" and is forecast like an open task: the report must show it, and a milestone with
  a hole in it cannot be done. Issues whose task id is not in the baseline are ignored here
  (reconcile reports strangers).

The forecast (finish-to-start dependencies from the baseline; an epic created before they were
stored has none, so its forecast follows no dependencies)
- Tasks are taken in dependency order (ties in template order). D = a task's planned working
  days, start to due inclusive. Earliest start = the later of its planned start and the working
  day after the latest finish of the tasks it depends on.
- A done task finishes on its resolution date, but never earlier than its planned due for
  forecasting: finishing early pulls no successor earlier (`actual_finish` keeps the real date).
  A done task without a resolution date finishes on its planned due.
- An open (or missing) task finishes at the later of (earliest start + D - 1 working days) and
  the last working day on or before `as_of`. `projected_start` is the earliest start (for a done
  task never after its finish).
- A task's slip = working days from its planned due to its forecast finish (0 if not after).
  It is *late* when it is not done and `as_of` is after its planned due (calendar days: a task
  due Friday is late on Saturday with slip 0 until Monday); a done task is never late. It is
  *at risk* when it is still To Do (status category "new") or missing and `as_of` is after its
  planned start (on the start day itself it may still be picked up).
- Float: the working days a task's finish could move later without moving the forecast release
  end (CPM backward pass; a done successor, whose finish is a fact, constrains nothing).
  `critical` = float 0. Done tasks get a float the same way — how much later they could have
  finished — and may be critical; being done, they are never late. `critical_path` is one chain
  of critical tasks ending at the release's last task (see `nivosync.core.forecast`).

Milestones and the release
- A milestone's planned end is its tasks' latest planned due; its projected end their latest
  forecast finish; its slip the working days between them. Status: `done` when all its tasks
  are done; else `slipping` when its projected end is after its planned end (a done task
  finished late counts here while its milestone is open); else `at_risk` when one of its tasks
  is at risk, or not done and late or forecast to finish after its due; else `on_track`.
  `missed`: `as_of` is after its planned end and it is not done.
- Go-live: planned = the go-live task's baseline due; projected = that task's forecast finish;
  `slip_days` = working days between them. Release end: planned = the baseline end, projected =
  the latest forecast finish of any task.
- Release status: `done` when every task is done; else `slipping` when the projected go-live is
  after the planned one; else `at_risk` when some milestone is slipping or at risk (a late task
  that moves no go-live, late stabilisation after go-live, work not started — what is done and
  closed in a done milestone is history and puts nothing at risk); else `on_track`.
- Actuals (only from resolutions on or before `as_of`): `actual_go_live` is the go-live task's
  resolution date once it is done; `actual_end` the latest resolution date once every task is
  done (None while not, or when no done task has a resolution date).
- Re-plans: `original_go_live` is the go-live of the release's first baseline;
  `slip_vs_original_days` is signed — working days from the original planned go-live to the
  projected one, negative when a re-plan moved go-live earlier and it holds; `replanned_at` and
  `replan_reason` are the current baseline's (None if never re-planned).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from nivosync.core.baseline import (
    Baseline,
    BaselineError,
    BaselineMilestone,
    BaselineTask,
    PastBaseline,
    parse_baseline,
)
from nivosync.core.calendar import WorkCalendar
from nivosync.core.forecast import Schedule, Scheduled, Work, forecast

__all__ = [
    "DONE_CATEGORY",
    "IN_PROGRESS_CATEGORY",
    "MISSING",
    "SYNC_JSON_SCHEMA",
    "TODO_CATEGORY",
    "Baseline",
    "BaselineError",
    "BaselineMilestone",
    "BaselineTask",
    "MilestoneSlippage",
    "PastBaseline",
    "ReleaseSlippage",
    "SlipStatus",
    "TaskSlippage",
    "TaskStatus",
    "compute_slippage",
    "parse_baseline",
    "slippage_to_json",
    "status_as_of",
]

SYNC_JSON_SCHEMA = "nivosync.sync/2"  # /2: slips and projections are the forecast's, not carry
DONE_CATEGORY = "done"
TODO_CATEGORY = "new"  # Jira's key for the "To Do" status category
IN_PROGRESS_CATEGORY = "indeterminate"
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
    status_category: str  # as of `as_of`: "indeterminate" when resolved after it
    planned_start: date
    planned_end: date
    due: date | None
    resolved: date | None  # Jira's resolution date, reported as is
    slip_days: int
    late: bool
    replanned: bool
    at_risk: bool
    projected_start: date
    projected_finish: date
    actual_finish: date | None  # the resolution date, when done as of `as_of`
    float_days: int
    critical: bool
    depends_on: tuple[str, ...]
    resolved_after_as_of: bool

    @property
    def done(self) -> bool:
        return self.status_category == DONE_CATEGORY

    @property
    def missing(self) -> bool:
        return self.status_category == MISSING

    @property
    def troubled(self) -> bool:
        """At risk, or not done and late or forecast to finish after its planned due."""
        return self.at_risk or (not self.done and (self.late or self.slip_days > 0))


@dataclass(frozen=True)
class MilestoneSlippage:
    """A milestone's planned vs projected end; `late` lists keys of its late open tasks."""

    id: str
    name: str
    status: SlipStatus
    planned_end: date
    projected_end: date
    slip_days: int
    tasks_total: int
    tasks_done: int
    late: tuple[str, ...]
    missed: bool


@dataclass(frozen=True)
class ReleaseSlippage:
    """A whole release on `as_of`: status, go-live and end (planned, projected, actual), the
    re-plan story, milestones in order, tasks in order and the critical path."""

    as_of: date
    status: SlipStatus
    slip_days: int
    planned_go_live: date
    projected_go_live: date
    milestones: tuple[MilestoneSlippage, ...]
    tasks: tuple[TaskSlippage, ...]
    planned_end: date
    projected_end: date
    actual_go_live: date | None
    actual_end: date | None
    original_go_live: date
    slip_vs_original_days: int
    replanned_at: datetime | None
    replan_reason: str | None
    critical_path: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Task ids of the baseline with no issue in Jira (they have no key to list as late)."""
        return tuple(t.task_id for t in self.tasks if t.missing)


def compute_slippage(
    baseline: Baseline, tasks: Mapping[str, TaskStatus], as_of: date
) -> ReleaseSlippage:
    """Forecast every baseline task as of `as_of`, then its milestones, then the release."""
    planned = baseline.ordered_tasks()
    seen = {t.id: status_as_of(tasks.get(t.id), as_of) for t in planned}
    schedule = forecast([_work(t, seen[t.id]) for t in planned], baseline.calendar, as_of)
    measured = tuple(
        _task(t, seen[t.id], tasks.get(t.id), schedule.tasks[t.id], baseline.calendar, as_of)
        for t in planned
    )
    by_id = {t.task_id: t for t in measured}
    milestones = tuple(
        _milestone(m, [by_id[t] for t in m.tasks], baseline.calendar, as_of)
        for m in baseline.milestones
    )
    return _release(baseline, milestones, measured, schedule, as_of)


def status_as_of(status: TaskStatus | None, as_of: date) -> TaskStatus | None:
    """What Jira's status was on `as_of`, as far as it can tell: a task resolved after then was
    still open (in progress); anything else is taken as it is now."""
    if status is None or not _resolved_after(status, as_of):
        return status
    return replace(status, status_category=IN_PROGRESS_CATEGORY)


def _resolved_after(status: TaskStatus | None, as_of: date) -> bool:
    return (
        status is not None
        and status.status_category == DONE_CATEGORY
        and status.resolved is not None
        and status.resolved > as_of
    )


def _work(planned: BaselineTask, status: TaskStatus | None) -> Work:
    done = status is not None and status.status_category == DONE_CATEGORY
    return Work(
        id=planned.id,
        start=planned.start,
        due=planned.end,
        depends_on=planned.depends_on,
        done=done,
        resolved=status.resolved if status is not None and done else None,
    )


def _task(
    planned: BaselineTask,
    status: TaskStatus | None,
    now: TaskStatus | None,
    scheduled: Scheduled,
    calendar: WorkCalendar,
    as_of: date,
) -> TaskSlippage:
    """One task; `status` is as of `as_of`, `now` what Jira says today (None: missing)."""
    category = status.status_category if status else MISSING
    done = category == DONE_CATEGORY
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
        resolved=status.resolved if status else None,
        slip_days=calendar.working_days_after(planned.end, scheduled.finish),
        late=not done and as_of > planned.end,
        replanned=status is not None and status.due != planned.end,
        at_risk=category in (TODO_CATEGORY, MISSING) and as_of > planned.start,
        projected_start=scheduled.start,
        projected_finish=scheduled.finish,
        actual_finish=status.resolved if status and done else None,
        float_days=scheduled.float_days,
        critical=scheduled.critical,
        depends_on=planned.depends_on,
        resolved_after_as_of=_resolved_after(now, as_of),
    )


def _milestone(
    planned: BaselineMilestone,
    tasks: Sequence[TaskSlippage],
    calendar: WorkCalendar,
    as_of: date,
) -> MilestoneSlippage:
    planned_end = max(t.planned_end for t in tasks)
    projected_end = max(t.projected_finish for t in tasks)
    slip = calendar.working_days_after(planned_end, projected_end)
    done = all(t.done for t in tasks)
    return MilestoneSlippage(
        id=planned.id,
        name=planned.name,
        status=_status(done, slip > 0, any(t.troubled for t in tasks)),
        planned_end=planned_end,
        projected_end=projected_end,
        slip_days=slip,
        tasks_total=len(tasks),
        tasks_done=sum(t.done for t in tasks),
        late=tuple(t.key for t in tasks if t.late and t.key is not None),
        missed=not done and as_of > planned_end,
    )


def _release(
    baseline: Baseline,
    milestones: tuple[MilestoneSlippage, ...],
    tasks: tuple[TaskSlippage, ...],
    schedule: Schedule,
    as_of: date,
) -> ReleaseSlippage:
    calendar = baseline.calendar
    go_live = next(t for t in tasks if t.task_id == baseline.go_live_task)
    slip = calendar.working_days_after(baseline.go_live, go_live.projected_finish)
    done = all(t.done for t in tasks)
    troubled = any(m.status in (SlipStatus.SLIPPING, SlipStatus.AT_RISK) for m in milestones)
    finishes = [t.actual_finish for t in tasks if t.actual_finish is not None]
    original = baseline.original
    return ReleaseSlippage(
        as_of=as_of,
        status=_status(done, slip > 0, troubled),
        slip_days=slip,
        planned_go_live=baseline.go_live,
        projected_go_live=go_live.projected_finish,
        milestones=milestones,
        tasks=tasks,
        planned_end=baseline.end,
        projected_end=schedule.end,
        actual_go_live=go_live.actual_finish,
        actual_end=max(finishes) if done and finishes else None,
        original_go_live=original.go_live,
        slip_vs_original_days=calendar.working_days_between(
            original.go_live, go_live.projected_finish
        ),
        replanned_at=baseline.replanned_at,
        replan_reason=baseline.replan_reason,
        critical_path=schedule.critical_path,
    )


def _status(done: bool, slipping: bool, at_risk: bool) -> SlipStatus:
    if done:
        return SlipStatus.DONE
    if slipping:
        return SlipStatus.SLIPPING
    return SlipStatus.AT_RISK if at_risk else SlipStatus.ON_TRACK


def slippage_to_json(
    slippage: ReleaseSlippage, customer: str, release: str, epic: str
) -> dict[str, Any]:
    """One release in the documented `sync --json` shape (SYNC_JSON_SCHEMA); dates are ISO."""
    return {
        "customer": customer,
        "release": release,
        "epic": epic,
        "status": slippage.status.value,
        "slip_days": slippage.slip_days,
        "planned_go_live": slippage.planned_go_live.isoformat(),
        "projected_go_live": slippage.projected_go_live.isoformat(),
        "actual_go_live": _iso(slippage.actual_go_live),
        "planned_end": slippage.planned_end.isoformat(),
        "projected_end": slippage.projected_end.isoformat(),
        "actual_end": _iso(slippage.actual_end),
        "original_go_live": slippage.original_go_live.isoformat(),
        "slip_vs_original_days": slippage.slip_vs_original_days,
        "replanned_at": _iso(slippage.replanned_at),
        "replan_reason": slippage.replan_reason,
        "critical_path": list(slippage.critical_path),
        "milestones": [_milestone_json(m) for m in slippage.milestones],
        "tasks": [_task_json(t) for t in slippage.tasks],
    }


def _milestone_json(milestone: MilestoneSlippage) -> dict[str, Any]:
    return {
        "id": milestone.id,
        "name": milestone.name,
        "status": milestone.status.value,
        "planned_end": milestone.planned_end.isoformat(),
        "projected_end": milestone.projected_end.isoformat(),
        "slip_days": milestone.slip_days,
        "tasks_total": milestone.tasks_total,
        "tasks_done": milestone.tasks_done,
        "late": list(milestone.late),
        "missed": milestone.missed,
    }


def _task_json(task: TaskSlippage) -> dict[str, Any]:
    return {
        "key": task.key,
        "task_id": task.task_id,
        "summary": task.summary,
        "assignee": task.assignee,
        "status": task.status,
        "status_category": task.status_category,
        "planned_start": task.planned_start.isoformat(),
        "planned_end": task.planned_end.isoformat(),
        "due": _iso(task.due),
        "resolved": _iso(task.resolved),
        "resolved_after_as_of": task.resolved_after_as_of,
        "projected_start": task.projected_start.isoformat(),
        "projected_finish": task.projected_finish.isoformat(),
        "actual_finish": _iso(task.actual_finish),
        "slip_days": task.slip_days,
        "late": task.late,
        "at_risk": task.at_risk,
        "float_days": task.float_days,
        "critical": task.critical,
        "depends_on": list(task.depends_on),
    }


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()
