"""People's load across every active release, and where it is more than one person can carry
(pure: the releases come measured, as `sync --all` read them; issue 16, item 1).

What is counted
- A person *carries* a task when they own it (its Jira assignee) or watch it (the people of its
  other template roles). Done tasks are carried by nobody any more.
- Forecast: an open task is in flight on every working day (of its release's calendar) from its
  forecast start to its forecast finish; planned: from its baseline start to its baseline due.
  No day is left out for being past: an open task's forecast never finishes before the night
  it was measured, so what was in flight on a past day still is, and the load depends on the
  measurement alone, not on the night (a quiet night rewrites no page).
- Limits (each optional; for each kind: the person's own, else the strictest set by the roles
  they play in the tasks they carry, else the global one):
  - `max_tasks_per_day`: more tasks in flight on one working day (forecast) — one overload per
    person and ISO week, on the week's busiest day (the first of equal ones);
  - `max_tasks_per_week`: more tasks forecast to finish in one ISO week;
  - `min_working_days_between_go_lives`: two open go-lives of one person (owner or watcher of
    the go-live task) fewer working days apart (forecast dates, counted on the earlier
    release's calendar; the same day is 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from nivosync.core.calendar import WorkCalendar

OWNS = "owns"
WATCHES = "watches"
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    """How much one person may carry; None: no limit of that kind."""

    max_tasks_per_day: int | None = None
    max_tasks_per_week: int | None = None
    min_working_days_between_go_lives: int | None = None


@dataclass(frozen=True)
class LimitRules:
    """The global limits, and those of roles and people (each key they set replaces)."""

    default: Limits = Limits()
    per_role: Mapping[str, Limits] = field(default_factory=dict)
    per_person: Mapping[str, Limits] = field(default_factory=dict)

    def for_person(self, person: str, roles: Iterable[str]) -> Limits:
        """The global limits; over them, the strictest each of the person's roles sets; over
        those, what the person's own entry sets."""
        found = [self.per_role[r] for r in sorted(set(roles)) if r in self.per_role]
        values = list(_fields(self.default))
        for index in range(3):
            set_by_roles = [v for v in (_fields(f)[index] for f in found) if v is not None]
            if set_by_roles:  # the gap between go-lives: the longest is the strictest
                values[index] = max(set_by_roles) if index == 2 else min(set_by_roles)
        own = self.per_person.get(person)
        if own is not None:
            values = [o if o is not None else v for o, v in zip(_fields(own), values, strict=True)]
        return Limits(*values)


def _fields(limits: Limits) -> tuple[int | None, int | None, int | None]:
    return (
        limits.max_tasks_per_day,
        limits.max_tasks_per_week,
        limits.min_working_days_between_go_lives,
    )


@dataclass(frozen=True)
class LoadTask:
    """One task of a release as the load reads it."""

    task_id: str
    key: str | None
    summary: str
    owner: str | None
    owner_role: str | None
    watchers: Mapping[str, str]  # person → the role they watch it as
    planned_start: date
    planned_end: date
    start: date  # forecast
    finish: date  # forecast
    done: bool
    go_live: bool = False


@dataclass(frozen=True)
class ReleaseWork:
    """One active release: its title and calendar, and its tasks."""

    title: str
    calendar: WorkCalendar
    tasks: tuple[LoadTask, ...]


@dataclass(frozen=True)
class Carried:
    """A task as one person carries it."""

    release: str
    task: LoadTask
    role: str | None
    how: str  # owns | watches

    @property
    def name(self) -> str:
        return f"{self.release}: {self.task.key or self.task.task_id} {self.task.summary}"


@dataclass(frozen=True)
class Overload:
    """More than one person may carry: `kind` day | week | go-lives; `on` the day (day,
    go-lives: the earlier go-live) or the ISO week's Monday (week); `count` against `limit`."""

    person: str
    kind: str
    on: date
    count: int
    limit: int
    items: tuple[Carried, ...]

    @property
    def releases(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.release for c in self.items))

    @property
    def message(self) -> str:
        if self.kind == "day":
            what = f"{self.count} tasks in flight on {self.on} (limit {self.limit})"
        elif self.kind == "week":
            what = f"{self.count} tasks due in the week of {self.on} (limit {self.limit})"
        else:
            what = (
                f"go-lives {self.count} working day{'s' if self.count != 1 else ''} apart from "
                f"{self.on} (at least {self.limit})"
            )
        return f"{self.person}: {what}"


@dataclass(frozen=True)
class PersonLoad:
    """A person's tasks in flight per working day, forecast and planned (from `as_of`)."""

    person: str
    roles: tuple[str, ...]
    forecast: Mapping[date, int]
    planned: Mapping[date, int]
    limits: Limits

    def peak(self, first: date, last: date, planned: bool = False) -> int:
        days = self.planned if planned else self.forecast
        return max((n for d, n in days.items() if first <= d <= last), default=0)


@dataclass(frozen=True)
class WeeklyLoad:
    """One person's load per week (as the portfolio's load table and chart show it): the most
    tasks in flight on one working day of each week, forecast and planned, and the person's
    daily limit (None: no limit)."""

    person: str
    roles: tuple[str, ...]
    forecast: tuple[int, ...]
    planned: tuple[int, ...]
    limit: int | None


@dataclass(frozen=True)
class PortfolioLoad:
    people: tuple[PersonLoad, ...]
    overloads: tuple[Overload, ...]

    def weeks(self, count: int) -> tuple[date, ...]:
        """`count` Mondays from the week of the earliest day an open task is in flight (none
        when nothing is open): from the measurement, never from the night."""
        days = [d for person in self.people for d in person.forecast]
        if not days:
            return ()
        first = _monday(min(days))
        return tuple(first + timedelta(weeks=n) for n in range(count))

    def weekly(self, weeks: Sequence[date]) -> tuple[WeeklyLoad, ...]:
        """Per person, in name order, the busiest working day of each of `weeks` (Mondays);
        only people with a task in flight (forecast) in one of them."""
        found = []
        for person in self.people:
            ends = [(monday, monday + timedelta(days=6)) for monday in weeks]
            forecast = tuple(person.peak(first, last) for first, last in ends)
            if not any(forecast):
                continue
            planned = tuple(person.peak(first, last, planned=True) for first, last in ends)
            limit = person.limits.max_tasks_per_day
            found.append(WeeklyLoad(person.person, person.roles, forecast, planned, limit))
        return tuple(found)


def carried_by_person(releases: Sequence[ReleaseWork]) -> dict[str, list[Carried]]:
    """Every person → the tasks they own or watch, in release and task order."""
    found: dict[str, list[Carried]] = {}
    for release in releases:
        for task in release.tasks:
            if task.owner:
                found.setdefault(task.owner, []).append(
                    Carried(release.title, task, task.owner_role, OWNS)
                )
            for person, role in task.watchers.items():
                if person != task.owner:
                    found.setdefault(person, []).append(Carried(release.title, task, role, WATCHES))
    return found


def people_load(releases: Sequence[ReleaseWork], rules: LimitRules) -> PortfolioLoad:
    """Each person's load and overloads, people in name order (see the module docstring)."""
    calendars = {r.title: r.calendar for r in releases}
    people: list[PersonLoad] = []
    overloads: list[Overload] = []
    for person, carried in sorted(carried_by_person(releases).items()):
        roles = tuple(dict.fromkeys(c.role for c in carried if c.role))
        limits = rules.for_person(person, roles)
        open_work = [c for c in carried if not c.task.done]
        forecast = _per_day(open_work, calendars, planned=False)
        planned = _per_day(carried, calendars, planned=True)
        people.append(PersonLoad(person, roles, _counts(forecast), _counts(planned), limits))
        overloads += _day_overloads(person, forecast, limits.max_tasks_per_day)
        overloads += _week_overloads(person, open_work, limits.max_tasks_per_week)
        gap = limits.min_working_days_between_go_lives
        overloads += _go_live_overloads(person, open_work, calendars, gap)
    return PortfolioLoad(tuple(people), tuple(overloads))


def _per_day(
    carried: Sequence[Carried], calendars: Mapping[str, WorkCalendar], planned: bool
) -> dict[date, list[Carried]]:
    days: dict[date, list[Carried]] = {}
    for item in carried:
        task, calendar = item.task, calendars[item.release]
        first, last = (task.start, task.finish)
        if planned:
            first, last = task.planned_start, task.planned_end
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                days.setdefault(day, []).append(item)
            day += _DAY
    return dict(sorted(days.items()))


def _counts(days: Mapping[date, list[Carried]]) -> dict[date, int]:
    return {d: len(items) for d, items in days.items()}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day_overloads(
    person: str, days: Mapping[date, list[Carried]], limit: int | None
) -> list[Overload]:
    if limit is None:
        return []
    worst: dict[date, tuple[date, list[Carried]]] = {}
    for day, items in days.items():
        week = _monday(day)
        if len(items) > limit and (week not in worst or len(items) > len(worst[week][1])):
            worst[week] = (day, items)
    return [
        Overload(person, "day", day, len(items), limit, tuple(items))
        for day, items in worst.values()
    ]


def _week_overloads(person: str, carried: Sequence[Carried], limit: int | None) -> list[Overload]:
    if limit is None:
        return []
    weeks: dict[date, list[Carried]] = {}
    for item in carried:
        weeks.setdefault(_monday(item.task.finish), []).append(item)
    return [
        Overload(person, "week", week, len(items), limit, tuple(items))
        for week, items in sorted(weeks.items())
        if len(items) > limit
    ]


def _go_live_overloads(
    person: str,
    carried: Sequence[Carried],
    calendars: Mapping[str, WorkCalendar],
    gap: int | None,
) -> list[Overload]:
    if gap is None:
        return []
    go_lives = sorted((c for c in carried if c.task.go_live), key=lambda c: (c.task.finish, c.name))
    found = []
    for first, second in pairwise(go_lives):
        on = first.task.finish
        apart = calendars[first.release].working_days_after(on, second.task.finish)
        if apart < gap:
            found.append(Overload(person, "go-lives", on, apart, gap, (first, second)))
    return found


def overloads_with(
    releases: Sequence[ReleaseWork], new: ReleaseWork, rules: LimitRules
) -> tuple[Overload, ...]:
    """The overloads `new` would be part of, added to `releases` (the what-if)."""
    load = people_load([*releases, new], rules)
    return tuple(o for o in load.overloads if new.title in o.releases)
