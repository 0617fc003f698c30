"""The baseline stored on a release's epic, parsed and checked before slippage is measured (pure).

`nivosync create` writes the plan as it was at creation into the epic's `nivosync` property
(see `baseline.epic_property`). Slippage is measured against that snapshot, never against
Jira's current due dates, so a re-planned task cannot hide its slip. Anything in Jira can be
edited by hand or written by another tool, so every field is checked here and a bad one is
named in the error instead of surfacing later as a KeyError deep in the arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from nivosync.baseline import BASELINE_SCHEMA, PROPERTY_KEY
from nivosync.calendar import CalendarError, WorkCalendar
from nivosync.errors import NivosyncError


class BaselineError(NivosyncError, ValueError):
    """The epic's baseline property is malformed or not nivosync's: `field` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(
            f"the epic's '{PROPERTY_KEY}' property is unusable at '{field}': {problem}; it is "
            "written by `nivosync create` and must not be edited by hand — check the epic's "
            "entity property (or re-create the release) before syncing it"
        )


@dataclass(frozen=True)
class BaselineTask:
    """One task's planned dates at creation; `end` is its baseline due date."""

    id: str
    milestone: str
    start: date
    end: date


@dataclass(frozen=True)
class BaselineMilestone:
    """A milestone and its tasks, in the order the template lists them."""

    id: str
    name: str
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class Baseline:
    """A release's plan as created: ordered milestones, task dates, go-live and calendar."""

    start: date
    end: date
    go_live: date
    go_live_task: str
    milestones: tuple[BaselineMilestone, ...]
    tasks: Mapping[str, BaselineTask]
    calendar: WorkCalendar

    @classmethod
    def from_property(cls, data: object) -> Baseline:
        """Parse the epic property dict; raises `BaselineError` naming the first bad field."""
        return parse_baseline(data)

    def ordered_tasks(self) -> tuple[BaselineTask, ...]:
        """Every task, milestone by milestone (the order reports list them in)."""
        return tuple(self.tasks[t] for m in self.milestones for t in m.tasks)


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
        tasks[task_id] = BaselineTask(task_id, owner[task_id], start, end)
    return tasks


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
        raise BaselineError(f"{path}.{key}", f"expected a non-empty string, got {value!r}")
    return value


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
