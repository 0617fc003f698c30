"""A customer release's desired state: identity, epic, tasks with people and dates (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from nivosync.core.calendar import (
    NonWorkingStart,
    StartOutOfRange,
    WeekSchedule,
    WorkCalendar,
)
from nivosync.core.identity import (
    JIRA_LABEL_MAX,
    JIRA_SUMMARY_MAX,
    LABEL_PREFIX,
    ReleaseIdentity,
    length_problem,
    shown,
    task_label,
)
from nivosync.core.template import MilestoneSpec, PlanTemplate, TaskSpec
from nivosync.errors import InvalidInput

PLAN_JSON_SCHEMA = "nivosync.plan/1"


@dataclass(frozen=True)
class RolePerson:
    role: str
    description: str
    person: str | None


@dataclass(frozen=True)
class PlannedTask:
    id: str
    summary: str
    name: str
    milestone: str
    roles: tuple[str, ...]
    assignee: str | None
    watchers: tuple[str, ...]
    start: date
    due: date
    weeks: str
    depends_on: tuple[str, ...]
    go_live: bool
    overview: str
    description: tuple[str, ...]


@dataclass(frozen=True)
class PlannedMilestone:
    id: str
    name: str
    weeks: str
    phase: str | None
    start: date
    end: date
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class Risk:
    risk: str
    mitigation: str


@dataclass(frozen=True)
class Plan:
    """Everything `create` will make for one release, computed with no network."""

    release: ReleaseIdentity
    template: PlanTemplate
    start: date
    end: date
    go_live: date
    epic_summary: str
    tasks: tuple[PlannedTask, ...]
    milestones: tuple[PlannedMilestone, ...]
    roles: tuple[RolePerson, ...]
    risks: tuple[Risk, ...]
    calendar: WorkCalendar
    holidays: tuple[tuple[date, str], ...]

    def task(self, task_id: str) -> PlannedTask:
        return next(t for t in self.tasks if t.id == task_id)


def build_plan(
    template: PlanTemplate,
    release: ReleaseIdentity,
    start: date,
    people: Mapping[str, str | None],
    calendar: WorkCalendar,
) -> Plan:
    """Lay the template's weeks on the calendar from `start` and put people on the tasks."""
    missing = [role for role in template.role_names if role not in people]
    if missing:
        raise InvalidInput(
            f"no person configured for role(s) {', '.join(missing)}: add them to roles in the "
            "config (null = deliberately unassigned)"
        )
    try:
        schedule = WeekSchedule.build(calendar, start, template.weeks)
    except (NonWorkingStart, StartOutOfRange) as exc:
        raise InvalidInput(f"--start: {exc}") from None
    tasks = tuple(_task(template, release, schedule, people, spec) for spec in template.spec.tasks)
    epic_summary = f"{release.title} — {template.spec.title}"
    _check_lengths(release, template, epic_summary, tasks)
    milestones = tuple(_milestone(spec, tasks, schedule) for spec in template.spec.milestones)
    go_live_task = next(t for t in tasks if t.go_live)
    end = schedule.days[-1]
    return Plan(
        release=release,
        template=template,
        start=start,
        end=end,
        go_live=go_live_task.due,
        epic_summary=epic_summary,
        tasks=tasks,
        milestones=milestones,
        roles=tuple(
            RolePerson(r.name, r.description, people.get(r.name)) for r in template.spec.roles
        ),
        risks=tuple(Risk(r.risk, r.mitigation) for r in template.spec.risks),
        calendar=calendar,
        holidays=tuple(calendar.non_working_days(start, end)),
    )


def _check_lengths(
    release: ReleaseIdentity,
    template: PlanTemplate,
    epic_summary: str,
    tasks: tuple[PlannedTask, ...],
) -> None:
    """Refuse, before anything is written, a summary, label or page title that Jira or
    Confluence would refuse (or cut) once the customer and release are filled in."""
    problem = length_problem(release)
    if problem is not None:
        raise InvalidInput(problem)
    where = f"release {shown(release.title)} (--customer has {len(release.customer)} characters)"
    if len(epic_summary) > JIRA_SUMMARY_MAX:
        raise InvalidInput(
            f"{where}: the epic summary {shown(epic_summary)} would be {len(epic_summary)} "
            f"characters; Jira allows at most {JIRA_SUMMARY_MAX}: shorten --customer, --release "
            f"or the title of template {template.name} ({len(template.spec.title)} characters)"
        )
    for task in tasks:
        if len(task.summary) > JIRA_SUMMARY_MAX:
            raise InvalidInput(
                f"{where}: the summary of task '{task.id}' {shown(task.summary)} would be "
                f"{len(task.summary)} characters; Jira allows at most {JIRA_SUMMARY_MAX}: "
                f"shorten --customer, --release or the task's summary in template "
                f"{template.name} ({len(task.name)} characters)"
            )
        label = task_label(task.id)
        if len(label) > JIRA_LABEL_MAX:
            raise InvalidInput(
                f"task '{task.id}' of template {template.name}: its Jira label would be "
                f"{len(label)} characters; Jira allows at most {JIRA_LABEL_MAX}: shorten its id"
            )


def _task(
    template: PlanTemplate,
    release: ReleaseIdentity,
    schedule: WeekSchedule,
    people: Mapping[str, str | None],
    spec: TaskSpec,
) -> PlannedTask:
    span = template.day_span(spec)
    persons = [people.get(role) for role in spec.roles]
    assignee = persons[0]
    watchers = tuple(dict.fromkeys(p for p in persons[1:] if p and p != assignee))
    return PlannedTask(
        id=spec.id,
        summary=f"{release.title}: {spec.summary}",
        name=spec.summary,
        milestone=spec.milestone,
        roles=tuple(spec.roles),
        assignee=assignee,
        watchers=watchers,
        start=schedule.day(span.first),
        due=schedule.day(span.last),
        weeks=str(template.task_weeks(spec)),
        depends_on=tuple(spec.depends_on),
        go_live=spec.go_live,
        overview=spec.overview,
        description=tuple(spec.description),
    )


def _milestone(
    spec: MilestoneSpec, tasks: tuple[PlannedTask, ...], schedule: WeekSchedule
) -> PlannedMilestone:
    own = [t for t in tasks if t.milestone == spec.id]
    return PlannedMilestone(
        id=spec.id,
        name=spec.name,
        weeks=str(spec.weeks),
        phase=spec.phase,
        start=min(t.start for t in own),
        end=max(t.due for t in own),
        tasks=tuple(t.id for t in own),
    )


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The documented, stable JSON shape of `nivosync plan --json` (see README)."""
    template = plan.template
    return {
        "schema": PLAN_JSON_SCHEMA,
        "release": {
            "customer": plan.release.customer,
            "release": plan.release.release,
            "slug": plan.release.slug,
            "label": plan.release.label,
            "start": plan.start.isoformat(),
            "end": plan.end.isoformat(),
            "go_live": plan.go_live.isoformat(),
            "template": {
                "name": template.name,
                "title": template.spec.title,
                "schema_version": template.spec.schema_version,
                "source": str(template.source),
            },
        },
        "epic": {"summary": plan.epic_summary, "labels": [LABEL_PREFIX, plan.release.label]},
        "tasks": [_task_json(t) for t in plan.tasks],
        "milestones": [
            {
                "id": m.id,
                "name": m.name,
                "weeks": m.weeks,
                "phase": m.phase,
                "start": m.start.isoformat(),
                "end": m.end.isoformat(),
                "tasks": list(m.tasks),
            }
            for m in plan.milestones
        ],
        "roles": [
            {"role": r.role, "description": r.description, "person": r.person} for r in plan.roles
        ],
        "risks": [{"risk": r.risk, "mitigation": r.mitigation} for r in plan.risks],
        "calendar": {
            "country": plan.calendar.country,
            "subdivision": plan.calendar.subdivision,
            "holidays": [{"date": d.isoformat(), "name": name} for d, name in plan.holidays],
        },
    }


def _task_json(task: PlannedTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "summary": task.summary,
        "name": task.name,
        "milestone": task.milestone,
        "weeks": task.weeks,
        "roles": list(task.roles),
        "assignee": task.assignee,
        "watchers": list(task.watchers),
        "start": task.start.isoformat(),
        "due": task.due.isoformat(),
        "depends_on": list(task.depends_on),
        "go_live": task.go_live,
        "overview": task.overview,
        "description": list(task.description),
    }


@dataclass(frozen=True)
class LateStart:
    """A release planned to start before today: late from its first day."""

    working_days: int  # working days from the start up to today
    overdue: tuple[PlannedTask, ...]  # tasks due before today


def late_start(plan: Plan, today: date) -> LateStart | None:
    """How late a release whose start is in the past is on the day it is made (None: not)."""
    if plan.start >= today:
        return None
    days = plan.calendar.working_days_in(plan.start, today - timedelta(days=1))
    return LateStart(days, tuple(t for t in plan.tasks if t.due < today))
