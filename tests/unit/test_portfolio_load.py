"""People's load across releases and their overloads (issue 16, item 1): numbers by hand."""

from __future__ import annotations

from datetime import date

from nivosync.core.calendar import WorkCalendar
from nivosync.core.portfolio_load import (
    OWNS,
    WATCHES,
    LimitRules,
    Limits,
    LoadTask,
    ReleaseWork,
    carried_by_person,
    overloads_with,
    people_load,
)

D = date
CALENDAR = WorkCalendar.build(set())  # Monday to Friday
DS, DEV = "Delivery Supervisor", "Development Team"


def work(task_id: str, first: date, last: date, *, watcher: bool = False, **extra) -> LoadTask:
    return LoadTask(
        task_id=task_id,
        key=f"NVX-{task_id}",
        summary=task_id,
        owner="dana",
        owner_role=DS,
        watchers={"dev": DEV} if watcher else {},
        planned_start=extra.pop("planned_start", first),
        planned_end=extra.pop("planned_end", last),
        start=first,
        finish=last,
        done=extra.pop("done", False),
        go_live=extra.pop("go_live", False),
    )


# Dana owns a1 (Mon-Wed), a2 (go-live Tue, Devon watches), a3 (done); b1 (Mon-Fri) and
# b2 (go-live Wed, Devon watches). In flight: Mon a1 b1 = 2; Tue a1 a2 b1 = 3; Wed a1 b1 b2 = 3;
# Thu, Fri b1 = 1. Due this week: a1 a2 b1 b2 = 4. Go-lives Tue and Wed: 1 working day apart.
RELEASES = [
    ReleaseWork(
        "Acme Health 2.4.0",
        CALENDAR,
        (
            work("a1", D(2027, 1, 11), D(2027, 1, 13)),
            work("a2", D(2027, 1, 12), D(2027, 1, 12), watcher=True, go_live=True),
            work("a3", D(2027, 1, 11), D(2027, 1, 11), done=True),
        ),
    ),
    ReleaseWork(
        "Globex Logistics 1.0",
        CALENDAR,
        (
            work("b1", D(2027, 1, 11), D(2027, 1, 15), planned_end=D(2027, 1, 12)),
            work("b2", D(2027, 1, 13), D(2027, 1, 13), watcher=True, go_live=True),
        ),
    ),
]
LIMITS = Limits(max_tasks_per_day=2, max_tasks_per_week=3, min_working_days_between_go_lives=2)


def test_who_carries_what():
    carried = carried_by_person(RELEASES)
    assert [(c.task.task_id, c.how) for c in carried["dana"]] == [
        ("a1", OWNS), ("a2", OWNS), ("a3", OWNS), ("b1", OWNS), ("b2", OWNS),
    ]  # fmt: skip
    assert [(c.task.task_id, c.how, c.role) for c in carried["dev"]] == [
        ("a2", WATCHES, DEV),
        ("b2", WATCHES, DEV),
    ]


def test_load_per_working_day_forecast_and_planned():
    load = people_load(RELEASES, LimitRules(LIMITS))
    dana, dev = load.people
    assert (dana.person, dev.person) == ("dana", "dev")
    assert dana.forecast == {
        D(2027, 1, 11): 2, D(2027, 1, 12): 3, D(2027, 1, 13): 3, D(2027, 1, 14): 1,
        D(2027, 1, 15): 1,
    }  # fmt: skip
    # Planned: a3 (done) was planned Monday; b1 was planned to end Tuesday.
    assert dana.planned == {D(2027, 1, 11): 3, D(2027, 1, 12): 3, D(2027, 1, 13): 2}
    assert dev.forecast == {D(2027, 1, 12): 1, D(2027, 1, 13): 1}
    assert dana.peak(D(2027, 1, 11), D(2027, 1, 17)) == 3
    assert dana.peak(D(2027, 1, 18), D(2027, 1, 24)) == 0


def test_overloads_with_releases_and_tasks():
    overloads = people_load(RELEASES, LimitRules(LIMITS)).overloads
    assert [(o.person, o.kind, o.on, o.count, o.limit) for o in overloads] == [
        ("dana", "day", D(2027, 1, 12), 3, 2),  # Tuesday: the first of the busiest days
        ("dana", "week", D(2027, 1, 11), 4, 3),
        ("dana", "go-lives", D(2027, 1, 12), 1, 2),
        ("dev", "go-lives", D(2027, 1, 12), 1, 2),
    ]
    day, week, go_lives, _ = overloads
    assert [c.task.task_id for c in day.items] == ["a1", "a2", "b1"]
    assert day.releases == ("Acme Health 2.4.0", "Globex Logistics 1.0")
    assert [c.name for c in go_lives.items] == [
        "Acme Health 2.4.0: NVX-a2 a2",
        "Globex Logistics 1.0: NVX-b2 b2",
    ]
    assert day.message == "dana: 3 tasks in flight on 2027-01-12 (limit 2)"
    assert week.message == "dana: 4 tasks due in the week of 2027-01-11 (limit 3)"
    assert go_lives.message == "dana: go-lives 1 working day apart from 2027-01-12 (at least 2)"


def test_per_role_and_per_person_limits_replace_the_global_ones():
    rules = LimitRules(
        LIMITS,
        per_role={DEV: Limits(min_working_days_between_go_lives=0)},
        per_person={"dana": Limits(max_tasks_per_week=4)},
    )
    overloads = people_load(RELEASES, rules).overloads
    assert [(o.person, o.kind) for o in overloads] == [("dana", "day"), ("dana", "go-lives")]
    # Several roles: the strictest of each kind (the longest gap between go-lives).
    strict = LimitRules(
        Limits(),
        per_role={DS: Limits(3, None, 1), DEV: Limits(2, 5, 4)},
    )
    assert strict.for_person("x", [DS, DEV]) == Limits(2, 5, 4)
    assert strict.for_person("x", ["Testing Team"]) == Limits()


def test_the_load_table_weeks_come_from_the_measurement_not_the_night():
    """From the Monday of the earliest day an open task is in flight (Mon 01-11); weekends are
    never counted; nothing open: no weeks."""
    load = people_load(RELEASES, LimitRules(LIMITS))
    assert load.weeks(3) == (D(2027, 1, 11), D(2027, 1, 18), D(2027, 1, 25))
    assert all(day.weekday() < 5 for person in load.people for day in person.forecast)
    done = [ReleaseWork("X 1", CALENDAR, (work("x", D(2027, 1, 8), D(2027, 1, 12), done=True),))]
    assert people_load(done, LimitRules(LIMITS)).weeks(3) == ()
    # Planned, the done task still counts: Fri 01-08, then Mon 01-11 and Tue 01-12.
    assert people_load(done, LimitRules(LIMITS)).people[0].planned == {
        D(2027, 1, 8): 1, D(2027, 1, 11): 1, D(2027, 1, 12): 1,
    }  # fmt: skip


def test_what_if_keeps_only_the_overloads_the_new_release_is_part_of():
    """Hooli's one task, its go-live on Thu 01-14: dana's week now has 5 tasks due (> 3) and
    her go-lives Wed 01-13 (Globex) and Thu 01-14 are 1 day apart (< 2) — both include Hooli.
    Her busy Tuesday (3 > 2) was there before and has no Hooli task: not listed."""
    hooli = ReleaseWork(
        "Hooli 1.0", CALENDAR, (work("h1", D(2027, 1, 14), D(2027, 1, 14), go_live=True),)
    )
    found = overloads_with(RELEASES, hooli, LimitRules(LIMITS))
    assert [(o.person, o.kind, o.on, o.count) for o in found] == [
        ("dana", "week", D(2027, 1, 11), 5),
        ("dana", "go-lives", D(2027, 1, 13), 1),
    ]
    far = ReleaseWork(
        "Hooli 1.0", CALENDAR, (work("h1", D(2027, 2, 1), D(2027, 2, 1), go_live=True),)
    )
    assert overloads_with(RELEASES, far, LimitRules(LIMITS)) == ()
