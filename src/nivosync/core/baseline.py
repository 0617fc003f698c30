"""The release identity and baseline nivosync stores in Jira, written and read back (pure).

`nivosync create` writes the plan as it was at creation into the epic's `nivosync` property.
Slippage is measured against that snapshot, never against Jira's current due dates, so moving
a due date in Jira cannot hide a slip; only a re-plan (`replanned_property`) sets a new
baseline, and it keeps every earlier one. Anything in Jira can be edited by hand or written by
another tool, so the reader checks every field and names a bad one in `BaselineError` instead
of letting it surface later as a KeyError deep in the arithmetic. This module is the only
owner of the property's schema: nothing else reads its dict.

The epic property (schema 1; the keys below marked "added" are additions a reader of an
earlier nivosync ignores, so the schema number stays):

- identity: `customer`, `release`, `slug`; `template`, `created_at`, `people`, `calendar`.
- `template`: `name`, `title`, `schema_version`; `source` (added: the file it was read from, an
  absolute path) and `sha256` (added: `template_digest`, the hash of its content). An epic
  written without them reads as a template known by name only.
- `baseline`: the current plan — `start`, `end`, `go_live`, `go_live_task`, `milestones`
  and `tasks` (`{id: {"start", "due", "depends_on": [ids]}}`). `depends_on` was added: a
  property written without it (an epic created by an earlier nivosync) reads as no
  dependencies, so its forecast follows none. A re-plan adds `set_at` (ISO date-time),
  `reason` and `by` (who re-planned).
- `baselines` (added): the earlier baselines, oldest first, each a whole `baseline` section
  as it was, with `set_at` / `reason` / `by` (the creation baseline's `set_at` is the epic's
  `created_at`; it has no reason or author). Only their `start`, `end` and `go_live` are read.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from nivosync.core.calendar import CalendarError, WorkCalendar
from nivosync.core.forecast import DependencyCycle, dependency_order
from nivosync.core.identity import PROPERTY_KEY, ReleaseIdentity
from nivosync.core.plan import Plan, PlannedTask
from nivosync.core.template import PlanTemplate
from nivosync.errors import NivosyncError

BASELINE_SCHEMA = 1


def release_identity(plan: Plan) -> dict[str, Any]:
    return {
        "customer": plan.release.customer,
        "release": plan.release.release,
        "slug": plan.release.slug,
    }


def epic_property(
    plan: Plan, created_at: datetime, people: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The epic's property: who the release is, the whole plan as it was at creation, and the
    Jira users its people were (so a re-run need not look them up again just to compare)."""
    template = plan.template
    return {
        "schema": BASELINE_SCHEMA,
        "kind": "epic",
        **release_identity(plan),
        "template": {
            "name": template.name,
            "title": template.spec.title,
            "schema_version": template.spec.schema_version,
            "source": str(template.source),
            "sha256": template_digest(template),
        },
        "created_at": created_at.isoformat(timespec="seconds"),
        "people": dict(people or {}),
        "baseline": _baseline_section(plan),
        "calendar": _calendar_section(plan),
    }


def template_digest(template: PlanTemplate) -> str:
    """The sha256 of a template's content as read: the keys and values its file sets (comments,
    layout and defaults a later nivosync adds do not count), so a changed file is noticed."""
    content = template.spec.model_dump(mode="json", exclude_unset=True)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def replanned_property(
    current: Mapping[str, Any], plan: Plan, at: datetime, reason: str, by: str
) -> dict[str, Any]:
    """The epic property after a re-plan: `baseline` becomes `plan`'s (with `set_at`, `reason`
    and `by`) and the one it replaces is appended to `baselines`. Identity, people, template
    and `created_at` are kept; `calendar` becomes the plan's, because the new dates were laid
    on it and the forecast must count working days on the same calendar. Raises
    `BaselineError` when `current` is not a valid epic property of `plan`'s release."""
    parse_baseline(current)
    slug = read_stored_release(current).slug
    if slug != plan.release.slug:
        raise BaselineError(
            "slug", f"the epic is release '{slug}', the plan is for release '{plan.release.slug}'"
        )
    previous = copy.deepcopy(dict(current["baseline"]))
    if "set_at" not in previous and isinstance(current.get("created_at"), str):
        previous["set_at"] = current["created_at"]  # the creation baseline was set then
    replanned = copy.deepcopy(dict(current))
    replanned["baselines"] = [*(replanned.get("baselines") or []), previous]
    replanned["baseline"] = {
        **_baseline_section(plan),
        "set_at": at.isoformat(timespec="seconds"),
        "reason": reason.strip() or None,
        "by": by.strip() or None,
    }
    replanned["calendar"] = _calendar_section(plan)
    return replanned


def _baseline_section(plan: Plan) -> dict[str, Any]:
    return {
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "go_live": plan.go_live.isoformat(),
        "go_live_task": next(t.id for t in plan.tasks if t.go_live),
        "milestones": [
            {"id": m.id, "name": m.name, "end": m.end.isoformat(), "tasks": list(m.tasks)}
            for m in plan.milestones
        ],
        "tasks": {
            t.id: {
                "start": t.start.isoformat(),
                "due": t.due.isoformat(),
                "depends_on": list(t.depends_on),
            }
            for t in plan.tasks
        },
    }


def _calendar_section(plan: Plan) -> dict[str, Any]:
    return {
        "holidays": sorted(d.isoformat() for d in plan.calendar.holidays),
        "country": plan.calendar.country,
        "subdivision": plan.calendar.subdivision,
    }


def task_property(plan: Plan, task: PlannedTask) -> dict[str, Any]:
    """A task issue's property: which release and task it is. Its planned dates are the
    epic's baseline alone (one owner: a re-plan rewrites that, and nothing here goes stale)."""
    return {
        "schema": BASELINE_SCHEMA,
        "kind": "task",
        "slug": plan.release.slug,
        "task_id": task.id,
        "milestone": task.milestone,
        "go_live": task.go_live,
    }


class BaselineError(NivosyncError, ValueError):
    """The epic's baseline property is malformed or not nivosync's: `field` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(
            f"the epic's '{PROPERTY_KEY}' property is unusable at '{field}': {problem}; it is "
            "written by `nivosync create` and re-plans and must not be edited by hand — check "
            "the epic's entity property (or re-create the release) before syncing it"
        )


@dataclass(frozen=True)
class BaselineTask:
    """One task's planned dates; `end` is its baseline due date; what it must wait for."""

    id: str
    milestone: str
    start: date
    end: date
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class BaselineMilestone:
    """A milestone and its tasks, in the order the template lists them."""

    id: str
    name: str
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class PastBaseline:
    """An earlier baseline, replaced by a re-plan: when it was set, why, by whom, its dates.
    `set_at` is None only when nothing recorded it (a property edited by hand)."""

    set_at: datetime | None
    reason: str | None
    by: str | None
    start: date
    end: date
    go_live: date


@dataclass(frozen=True)
class Baseline:
    """A release's current plan: ordered milestones, task dates, go-live and calendar; with
    the re-plan that set it (all None for the creation baseline) and the earlier baselines."""

    start: date
    end: date
    go_live: date
    go_live_task: str
    milestones: tuple[BaselineMilestone, ...]
    tasks: Mapping[str, BaselineTask]
    calendar: WorkCalendar
    history: tuple[PastBaseline, ...] = ()
    replanned_at: datetime | None = None
    replan_reason: str | None = None
    replanned_by: str | None = None
    created_at: datetime | None = None

    @property
    def original(self) -> PastBaseline:
        """The first baseline of the release: the oldest earlier one, or this one."""
        if self.history:
            return self.history[0]
        return PastBaseline(
            self.replanned_at or self.created_at,
            self.replan_reason,
            self.replanned_by,
            self.start,
            self.end,
            self.go_live,
        )

    @classmethod
    def from_property(cls, data: object) -> Baseline:
        """Parse the epic property dict; raises `BaselineError` naming the first bad field."""
        return parse_baseline(data)

    def ordered_tasks(self) -> tuple[BaselineTask, ...]:
        """Every task, milestone by milestone (the order reports list them in)."""
        return tuple(self.tasks[t] for m in self.milestones for t in m.tasks)


@dataclass(frozen=True)
class StoredRelease:
    """Who a release epic says it is, and what it remembers besides the baseline."""

    customer: str
    release: str
    slug: str
    template_name: str | None
    people: Mapping[str, str]
    template_source: str | None = None  # the file it was created from (None: an older epic)
    template_sha256: str | None = None  # `template_digest` of it then

    @property
    def identity(self) -> ReleaseIdentity:
        return ReleaseIdentity(self.customer, self.release)


def read_stored_release(data: object) -> StoredRelease:
    """The identity part of an epic's property; raises `BaselineError` naming a bad field."""
    root = _mapping(data, "(top level)")
    _check_identity(root)
    template = root.get("template")
    section: Mapping[str, Any] = template if isinstance(template, Mapping) else {}
    people = root.get("people")
    return StoredRelease(
        customer=_text(root, "customer", ""),
        release=_text(root, "release", ""),
        slug=_text(root, "slug", ""),
        template_name=_loose_text(section, "name"),
        people=({str(k): str(v) for k, v in people.items()} if isinstance(people, Mapping) else {}),
        template_source=_loose_text(section, "source"),
        template_sha256=_loose_text(section, "sha256"),
    )


def _loose_text(section: Mapping[str, Any], key: str) -> str | None:
    """A remembered text that may be missing (older epics): anything but a string is none."""
    value = section.get(key)
    return value if isinstance(value, str) and value else None


def parse_baseline(data: object) -> Baseline:
    """Check the property is an epic baseline of a schema we read, then parse its parts."""
    root = _mapping(data, "(top level)")
    _check_identity(root)
    section = _mapping(root.get("baseline"), "baseline")
    dates = _mapping(section.get("tasks"), "baseline.tasks")
    milestones = _milestones(section.get("milestones"), dates)
    tasks = _tasks(dates, milestones)
    go_live_task = _text(section, "go_live_task", "baseline")
    go_live = _date(section, "go_live", "baseline")
    _check_go_live(go_live_task, go_live, tasks)
    return Baseline(
        start=_date(section, "start", "baseline"),
        end=_date(section, "end", "baseline"),
        go_live=go_live,
        go_live_task=go_live_task,
        milestones=milestones,
        tasks=tasks,
        calendar=_calendar(root.get("calendar")),
        history=_history(root.get("baselines")),
        replanned_at=_optional_datetime(section, "set_at", "baseline"),
        replan_reason=_optional_text(section, "reason", "baseline"),
        replanned_by=_optional_text(section, "by", "baseline"),
        created_at=_optional_datetime(root, "created_at", ""),
    )


def _check_identity(root: Mapping[str, Any]) -> None:
    # A task's property (kind 'task') or another app's JSON must not be read as a baseline.
    if root.get("kind") != "epic":
        raise BaselineError("kind", f"expected 'epic', got {root.get('kind')!r}")
    schema = root.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise BaselineError("schema", f"expected a positive integer, got {schema!r}")
    if schema > BASELINE_SCHEMA:
        raise BaselineError(
            "schema",
            f"written by a newer nivosync (schema {schema}, this one reads {BASELINE_SCHEMA}); "
            "upgrade nivosync",
        )


def _milestones(value: object, tasks: Mapping[str, Any]) -> tuple[BaselineMilestone, ...]:
    if not isinstance(value, list) or not value:
        raise BaselineError("baseline.milestones", "expected a non-empty list of milestones")
    parsed: list[BaselineMilestone] = []
    seen_tasks: set[str] = set()
    for index, item in enumerate(value):
        path = f"baseline.milestones[{index}]"
        milestone = _milestone(_mapping(item, path), path, tasks)
        if any(m.id == milestone.id for m in parsed):
            raise BaselineError(f"{path}.id", f"milestone '{milestone.id}' is listed twice")
        twice = seen_tasks.intersection(milestone.tasks)
        if twice:
            raise BaselineError(f"{path}.tasks", f"task '{min(twice)}' is in two milestones")
        seen_tasks.update(milestone.tasks)
        parsed.append(milestone)
    return tuple(parsed)


def _milestone(item: Mapping[str, Any], path: str, tasks: Mapping[str, Any]) -> BaselineMilestone:
    ids = item.get("tasks")
    if not isinstance(ids, list) or not ids or not all(isinstance(t, str) for t in ids):
        raise BaselineError(f"{path}.tasks", "expected a non-empty list of task ids")
    if len(set(ids)) != len(ids):
        raise BaselineError(f"{path}.tasks", "a task id is listed twice")
    unknown = [t for t in ids if t not in tasks]
    if unknown:
        raise BaselineError(f"{path}.tasks", f"task '{unknown[0]}' is not in baseline.tasks")
    return BaselineMilestone(
        id=_text(item, "id", path), name=_text(item, "name", path), tasks=tuple(ids)
    )


def _tasks(
    dates: Mapping[str, Any], milestones: tuple[BaselineMilestone, ...]
) -> dict[str, BaselineTask]:
    owner = {t: m.id for m in milestones for t in m.tasks}
    tasks = {}
    for task_id, value in dates.items():
        path = f"baseline.tasks.{task_id}"
        if task_id not in owner:
            raise BaselineError(path, "the task is in no milestone")
        entry = _mapping(value, path)
        start, end = _date(entry, "start", path), _date(entry, "due", path)
        if end < start:
            raise BaselineError(f"{path}.due", f"{end} is before the start {start}")
        depends_on = _depends_on(entry, path, dates)
        tasks[task_id] = BaselineTask(task_id, owner[task_id], start, end, depends_on)
    try:
        dependency_order({t.id: t.depends_on for t in tasks.values()})
    except DependencyCycle as exc:
        raise BaselineError(f"baseline.tasks.{exc.task_id}.depends_on", str(exc)) from None
    return tasks


def _depends_on(entry: Mapping[str, Any], path: str, known: Mapping[str, Any]) -> tuple[str, ...]:
    if "depends_on" not in entry:
        return ()  # written by a nivosync before dependencies were stored
    value, field = entry["depends_on"], f"{path}.depends_on"
    if not isinstance(value, list) or not all(isinstance(d, str) and d for d in value):
        raise BaselineError(field, f"expected a list of task ids, got {value!r}")
    if len(set(value)) != len(value):
        raise BaselineError(field, "a task id is listed twice")
    unknown = [d for d in value if d not in known]
    if unknown:
        raise BaselineError(field, f"task '{unknown[0]}' is not in baseline.tasks")
    return tuple(value)


def _history(value: object) -> tuple[PastBaseline, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BaselineError("baselines", f"expected a list of earlier baselines, got {value!r}")
    found = []
    for index, item in enumerate(value):
        path = f"baselines[{index}]"
        section = _mapping(item, path)
        found.append(
            PastBaseline(
                set_at=_optional_datetime(section, "set_at", path),
                reason=_optional_text(section, "reason", path),
                by=_optional_text(section, "by", path),
                start=_date(section, "start", path),
                end=_date(section, "end", path),
                go_live=_date(section, "go_live", path),
            )
        )
    return tuple(found)


def _check_go_live(task_id: str, go_live: date, tasks: Mapping[str, BaselineTask]) -> None:
    if task_id not in tasks:
        raise BaselineError("baseline.go_live_task", f"'{task_id}' is not in baseline.tasks")
    if tasks[task_id].end != go_live:
        raise BaselineError(
            "baseline.go_live",
            f"{go_live} differs from the go-live task's due date {tasks[task_id].end}",
        )


def _calendar(value: object) -> WorkCalendar:
    section = _mapping(value, "calendar")
    holidays = section.get("holidays", [])
    if not isinstance(holidays, list):
        raise BaselineError("calendar.holidays", "expected a list of ISO dates")
    days = {_iso(day, f"calendar.holidays[{i}]") for i, day in enumerate(holidays)}
    country = _optional_text(section, "country", "calendar")
    subdivision = _optional_text(section, "subdivision", "calendar")
    try:
        return WorkCalendar.build(days, country, subdivision)
    except CalendarError as exc:
        field = "calendar.subdivision" if "subdivision" in str(exc) else "calendar.country"
        raise BaselineError(field, str(exc)) from None


def _mapping(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BaselineError(path, f"expected an object, got {type(value).__name__}")
    return value


def _text(section: Mapping[str, Any], key: str, path: str) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value:
        raise BaselineError(_where(path, key), f"expected a non-empty string, got {value!r}")
    return value


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _optional_datetime(section: Mapping[str, Any], key: str, path: str) -> datetime | None:
    value = section.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise BaselineError(_where(path, key), f"expected an ISO date-time, got {value!r}")


def _optional_text(section: Mapping[str, Any], key: str, path: str) -> str | None:
    value = section.get(key)
    return None if value is None else _text(section, key, path)


def _date(section: Mapping[str, Any], key: str, path: str) -> date:
    return _iso(section.get(key), f"{path}.{key}")


def _iso(value: object, field: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BaselineError(field, f"expected an ISO date (YYYY-MM-DD), got {value!r}")
