"""The forecast engine: dependency order, forward pass, float (CPM) and the critical path."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nivosync.core.calendar import WorkCalendar
from nivosync.core.forecast import (
    DependencyCycle,
    Schedule,
    Work,
    dependency_order,
    forecast,
)

D = date
CALENDAR = WorkCalendar.build({D(2026, 12, 25), D(2027, 1, 1)})
START = D(2026, 12, 7)  # a Monday


def workday(offset: int) -> date:
    return CALENDAR.add_working_days(START, offset)


# --- the calendar helpers the forecast counts with -----------------------------------------


def test_calendar_counts_back_and_both_ways_over_holidays():
    assert CALENDAR.previous_working_day(D(2026, 12, 28)) == D(2026, 12, 28)
    assert CALENDAR.previous_working_day(D(2026, 12, 27)) == D(2026, 12, 24)  # Sun; Fri 25 off
    assert CALENDAR.subtract_working_days(D(2026, 12, 28), 0) == D(2026, 12, 28)
    assert CALENDAR.subtract_working_days(D(2026, 12, 28), 2) == D(2026, 12, 23)
    assert CALENDAR.subtract_working_days(D(2027, 1, 4), 1) == D(2026, 12, 31)  # Jan 1 off
    assert CALENDAR.working_days_in(D(2026, 12, 21), D(2026, 12, 28)) == 5
    assert CALENDAR.working_days_in(D(2026, 12, 26), D(2026, 12, 27)) == 0
    assert CALENDAR.working_days_in(D(2026, 12, 28), D(2026, 12, 21)) == 0
    assert CALENDAR.working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 2
    assert CALENDAR.working_days_between(D(2026, 12, 29), D(2026, 12, 24)) == -2
    assert CALENDAR.working_days_between(D(2026, 12, 24), D(2026, 12, 24)) == 0


@given(st.integers(0, 400), st.integers(0, 30))
def test_subtracting_undoes_adding_working_days(offset, count):
    day = workday(offset)
    assert CALENDAR.subtract_working_days(CALENDAR.add_working_days(day, count), count) == day
    later = CALENDAR.add_working_days(day, count)
    assert CALENDAR.working_days_between(day, later) == count
    assert CALENDAR.working_days_between(later, day) == -count


# --- dependency order ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("depends_on", "expected"),
    [
        ({}, ()),
        ({"a": [], "b": [], "c": []}, ("a", "b", "c")),  # no dependencies: the given order
        ({"a": ["b"], "b": [], "c": []}, ("b", "a", "c")),  # ties keep the given order
        ({"c": ["b"], "b": ["a"], "a": []}, ("a", "b", "c")),
        ({"x": ["z"], "y": [], "z": ["y"], "w": []}, ("y", "z", "x", "w")),
    ],
)
def test_dependency_order(depends_on, expected):
    assert dependency_order(depends_on) == expected


@pytest.mark.parametrize(
    ("depends_on", "cycle"),
    [
        ({"a": ["a"]}, ("a", "a")),
        ({"a": ["b"], "b": ["a"]}, ("a", "b", "a")),
        ({"s": [], "a": ["c"], "b": ["a"], "c": ["b", "s"]}, ("a", "c", "b", "a")),
        ({"x": ["a"], "a": ["b"], "b": ["a"]}, ("a", "b", "a")),  # x waits for the cycle
    ],
)
def test_dependency_cycle_names_a_task_on_it(depends_on, cycle):
    with pytest.raises(DependencyCycle) as caught:
        dependency_order(depends_on)
    assert caught.value.cycle == cycle
    assert caught.value.task_id == cycle[0]
    assert " → ".join(cycle) in str(caught.value)


def test_unknown_dependency_is_refused():
    with pytest.raises(ValueError, match="'a' depends on unknown task 'nope'"):
        dependency_order({"a": ["nope"]})


# --- the forward pass on a chain across Christmas --------------------------------------------

# a Mon-Wed → b Thu-Fri → c Mon 14 - Fri 18; d (alone) Mon 21 - Mon 28 (Dec 25 off: 5 days)
CHAIN = (
    Work("a", D(2026, 12, 7), D(2026, 12, 9)),
    Work("b", D(2026, 12, 10), D(2026, 12, 11), ("a",)),
    Work("c", D(2026, 12, 14), D(2026, 12, 18), ("b",)),
    Work("d", D(2026, 12, 21), D(2026, 12, 28)),
)


def run(work, as_of: date) -> Schedule:
    return forecast(list(work), CALENDAR, as_of)


def finishes(schedule: Schedule) -> dict[str, date]:
    return {t: s.finish for t, s in schedule.tasks.items()}


def with_task(work, task_id: str, **changes) -> list[Work]:
    return [replace(w, **changes) if w.id == task_id else w for w in work]


def test_on_time_plan_finishes_on_its_due_dates_with_float():
    schedule = run(CHAIN, D(2026, 12, 7))
    assert finishes(schedule) == {
        "a": D(2026, 12, 9),
        "b": D(2026, 12, 11),
        "c": D(2026, 12, 18),
        "d": D(2026, 12, 28),
    }
    assert schedule.end == D(2026, 12, 28)
    assert {t: s.duration for t, s in schedule.tasks.items()} == {"a": 3, "b": 2, "c": 5, "d": 5}
    # the chain a-b-c ends Dec 18, the release Dec 28: Dec 21-24 and 28 = 5 days of float
    assert {t: s.float_days for t, s in schedule.tasks.items()} == {"a": 5, "b": 5, "c": 5, "d": 0}
    assert schedule.critical_path == ("d",)


def test_late_open_task_pushes_its_successors_by_working_days():
    # a due Wed 9, still open Mon 14 (Thu, Fri, Mon: 3 days late) → b Tue-Wed → c Thu 17 - Wed 23
    schedule = run(CHAIN, D(2026, 12, 14))
    assert schedule.tasks["a"].finish == D(2026, 12, 14)
    assert (schedule.tasks["b"].start, schedule.tasks["b"].finish) == (
        D(2026, 12, 15),
        D(2026, 12, 16),
    )
    assert schedule.tasks["c"].finish == D(2026, 12, 23)
    assert schedule.tasks["c"].float_days == 2  # Dec 24 and 28 left before d ends
    assert schedule.end == D(2026, 12, 28)


def test_a_chain_pushed_past_the_release_end_becomes_critical_across_the_holiday():
    # a open until Fri 18: b Mon 21 - Tue 22, c Wed 23 - Wed 30 (Dec 25 off)
    schedule = run(CHAIN, D(2026, 12, 18))
    assert schedule.tasks["c"].finish == D(2026, 12, 30)
    assert schedule.end == D(2026, 12, 30)
    assert schedule.critical_path == ("a", "b", "c")
    assert schedule.tasks["d"].float_days == 2  # Dec 29, 30
    assert all(schedule.tasks[t].critical for t in "abc")


def test_open_work_cannot_finish_before_as_of():
    schedule = run(CHAIN, D(2026, 12, 26))  # Saturday after Christmas: the floor is Thu 24
    assert schedule.tasks["d"].finish == D(2026, 12, 28)  # its own end is later
    assert schedule.tasks["c"].finish == D(2027, 1, 6)
    assert schedule.tasks["a"].finish == D(2026, 12, 24)


def test_done_task_finishes_on_its_resolution_never_before_its_due():
    early = run(with_task(CHAIN, "a", done=True, resolved=D(2026, 12, 7)), D(2026, 12, 8))
    assert early.tasks["a"].finish == D(2026, 12, 9)  # done early: still its due
    assert early.tasks["b"].start == D(2026, 12, 10)  # its successor is not pulled earlier
    late = run(with_task(CHAIN, "a", done=True, resolved=D(2026, 12, 11)), D(2026, 12, 11))
    assert late.tasks["a"].finish == D(2026, 12, 11)
    assert late.tasks["b"].finish == D(2026, 12, 15)
    unknown = run(with_task(CHAIN, "a", done=True), D(2026, 12, 30))
    assert unknown.tasks["a"].finish == D(2026, 12, 9)  # no resolution date: its due


def test_done_task_does_not_wait_for_what_it_depends_on():
    # a is open and late; b was done anyway: b's finish is a fact and c follows it
    work = with_task(CHAIN, "b", done=True, resolved=D(2026, 12, 11))
    schedule = run(work, D(2026, 12, 16))
    assert schedule.tasks["a"].finish == D(2026, 12, 16)
    assert schedule.tasks["b"].finish == D(2026, 12, 11)
    assert schedule.tasks["b"].start == D(2026, 12, 11)  # never after its finish
    assert schedule.tasks["c"].finish == D(2026, 12, 18)
    # moving a later cannot move b: a's float is to the release end
    assert schedule.tasks["a"].float_days == CALENDAR.working_days_after(
        D(2026, 12, 16), D(2026, 12, 28)
    )


def test_critical_path_stops_at_a_done_task():
    work = with_task(CHAIN, "b", done=True, resolved=D(2026, 12, 23))
    schedule = run(work, D(2026, 12, 23))
    assert schedule.tasks["c"].finish == D(2026, 12, 31)
    assert schedule.critical_path == ("b", "c")


def test_critical_path_stops_where_as_of_not_a_dependency_sets_the_finish():
    # c is open long after its due: the as-of floor, not b, sets its finish
    work = [replace(w, done=w.id != "c") for w in CHAIN]
    schedule = run(work, D(2027, 1, 8))
    assert schedule.end == schedule.tasks["c"].finish == D(2027, 1, 8)
    assert schedule.tasks["c"].critical
    assert not schedule.tasks["b"].critical
    assert schedule.critical_path == ("c",)


def test_a_task_laid_on_non_working_days_still_takes_one():
    work = [Work("x", D(2026, 12, 26), D(2026, 12, 27))]  # Saturday-Sunday
    schedule = run(work, D(2026, 12, 1))
    assert schedule.tasks["x"].duration == 1
    assert schedule.tasks["x"].finish == D(2026, 12, 28)


# --- properties over generated dependency graphs ---------------------------------------------


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[Work], date]:
    """2-8 tasks on working days; each may depend on tasks of lower rank (so no cycles), in a
    listing order that need not be a dependency order; some done, resolved near their due."""
    count = draw(st.integers(2, 8))
    rank = draw(st.permutations(range(count)))
    work = []
    for index in range(count):
        first = draw(st.integers(0, 20))
        last = first + draw(st.integers(0, 6))
        lower = [f"t{j}" for j in range(count) if rank[j] < rank[index]]
        deps = draw(st.lists(st.sampled_from(lower), unique=True, max_size=3)) if lower else []
        done = draw(st.booleans())
        shift = draw(st.none() | st.integers(-6, 10))
        resolved = workday(last) + timedelta(days=shift) if done and shift is not None else None
        work.append(Work(f"t{index}", workday(first), workday(last), tuple(deps), done, resolved))
    as_of = START + timedelta(days=draw(st.integers(-5, 60)))
    return work, as_of


@given(graphs())
def test_open_tasks_start_after_what_they_depend_on_and_never_early(graph):
    work, as_of = graph
    schedule = forecast(work, CALENDAR, as_of)
    for task in work:
        scheduled = schedule.tasks[task.id]
        assert scheduled.finish >= task.due  # nothing finishes before its planned due
        assert scheduled.start >= task.start  # finishing early pulls nothing earlier
        assert scheduled.start <= scheduled.finish
        if task.done:
            continue
        assert scheduled.finish >= CALENDAR.previous_working_day(as_of)
        for dependency in task.depends_on:
            after = CALENDAR.add_working_days(schedule.tasks[dependency].finish, 1)
            assert scheduled.start >= after
            assert scheduled.finish >= after


@given(graphs())
def test_float_is_exactly_how_far_a_finish_can_move_without_moving_the_end(graph):
    # Pin one task's finish (as if done then) float days later: the end stays; one more: it moves.
    work, as_of = graph
    schedule = forecast(work, CALENDAR, as_of)
    assert min(s.float_days for s in schedule.tasks.values()) == 0
    for task in work:
        scheduled = schedule.tasks[task.id]
        assert scheduled.float_days >= 0
        keep = CALENDAR.add_working_days(scheduled.finish, scheduled.float_days)
        move = CALENDAR.add_working_days(scheduled.finish, scheduled.float_days + 1)
        kept = forecast(with_task(work, task.id, done=True, resolved=keep), CALENDAR, as_of)
        moved = forecast(with_task(work, task.id, done=True, resolved=move), CALENDAR, as_of)
        assert kept.end == schedule.end
        assert moved.end > schedule.end


@given(graphs())
def test_critical_path_is_a_chain_of_critical_tasks_ending_at_the_release_end(graph):
    work, as_of = graph
    schedule = forecast(work, CALENDAR, as_of)
    path = schedule.critical_path
    assert path
    assert schedule.tasks[path[-1]].finish == schedule.end
    assert all(schedule.tasks[t].critical for t in path)
    by_id = {w.id: w for w in work}
    for before, after in pairwise(path):
        assert before in by_id[after].depends_on
        assert not by_id[after].done
        assert CALENDAR.add_working_days(schedule.tasks[before].finish, 1) == (
            schedule.tasks[after].earliest_start
        )


@given(graphs(), st.integers(1, 20))
def test_a_later_as_of_never_brings_a_finish_earlier(graph, days):
    work, as_of = graph
    earlier = forecast(work, CALENDAR, as_of)
    later = forecast(work, CALENDAR, as_of + timedelta(days=days))
    assert all(later.tasks[t].finish >= s.finish for t, s in earlier.tasks.items())
