"""Properties of slippage over generated releases (with dependencies), task states and dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nivosync.core.calendar import WorkCalendar
from nivosync.core.slippage import (
    MISSING,
    Baseline,
    ReleaseSlippage,
    SlipStatus,
    TaskStatus,
    compute_slippage,
    status_as_of,
)

START = date(2026, 12, 7)
HOLIDAYS = ("2026-12-25", "2027-01-01")
CALENDAR = WorkCalendar.build({date.fromisoformat(d) for d in HOLIDAYS})
CATEGORIES = ("new", "indeterminate", "done", MISSING)


def workday(offset: int) -> date:
    return CALENDAR.add_working_days(START, offset)


@st.composite
def baselines(draw: st.DrawFn) -> Baseline:
    """1-4 milestones of 1-3 tasks, each milestone starting around where the previous ended;
    a task may depend on any earlier task (so the template order is a dependency order, but
    the plan need not leave room for it: an on-time plan may be forecast late)."""
    tasks: dict[str, dict[str, Any]] = {}
    milestones: list[dict[str, Any]] = []
    offset = 0
    for m in range(draw(st.integers(1, 4))):
        ids = []
        for t in range(draw(st.integers(1, 3))):
            first = offset + draw(st.integers(0, 3))
            last = first + draw(st.integers(0, 6))
            earlier = sorted(tasks)
            deps = (
                draw(st.lists(st.sampled_from(earlier), unique=True, max_size=2)) if earlier else []
            )
            tasks[f"m{m}t{t}"] = {
                "start": workday(first).isoformat(),
                "due": workday(last).isoformat(),
                "depends_on": deps,
            }
            ids.append(f"m{m}t{t}")
        offset = max(
            CALENDAR.working_days_after(START, date.fromisoformat(tasks[i]["due"])) for i in ids
        )
        milestones.append({"id": f"m{m}", "name": f"Milestone {m}", "end": "", "tasks": ids})
    go_live_task = draw(st.sampled_from(sorted(tasks)))
    return Baseline.from_property(
        {
            "schema": 1,
            "kind": "epic",
            "baseline": {
                "start": START.isoformat(),
                "end": max(t["due"] for t in tasks.values()),
                "go_live": tasks[go_live_task]["due"],
                "go_live_task": go_live_task,
                "milestones": milestones,
                "tasks": tasks,
            },
            "calendar": {"holidays": list(HOLIDAYS), "country": None, "subdivision": None},
        }
    )


def task_status(task_id: str, category: str, resolved: date | None) -> TaskStatus:
    return TaskStatus(task_id, f"K-{task_id}", task_id, None, category, category, None, resolved)


@st.composite
def situations(draw: st.DrawFn) -> tuple[Baseline, dict[str, TaskStatus], date]:
    """A baseline, what Jira says about each task (some missing), and an as-of date."""
    baseline = draw(baselines())
    found = {}
    for task in baseline.ordered_tasks():
        category = draw(st.sampled_from(CATEGORIES))
        shift = draw(st.none() | st.integers(-5, 10))
        resolved = (
            task.end + timedelta(days=shift) if category == "done" and shift is not None else None
        )
        if category != MISSING:
            found[task.id] = task_status(task.id, category, resolved)
    as_of = START + timedelta(days=draw(st.integers(-3, 70)))
    return baseline, found, as_of


def slips(result: ReleaseSlippage) -> list[int]:
    return [
        result.slip_days,
        *(m.slip_days for m in result.milestones),
        *(t.slip_days for t in result.tasks),
    ]


@given(situations())
def test_slips_are_never_negative_and_projections_never_early(situation):
    result = compute_slippage(*situation)
    assert min(slips(result)) >= 0
    assert result.projected_go_live >= result.planned_go_live
    assert result.projected_end >= result.planned_end
    assert result.projected_end >= result.projected_go_live
    for milestone in result.milestones:
        assert milestone.projected_end >= milestone.planned_end
        assert CALENDAR.working_days_after(milestone.planned_end, milestone.projected_end) == (
            milestone.slip_days
        )
    for task in result.tasks:
        assert task.projected_finish >= task.planned_end
        assert task.projected_start >= task.planned_start
        assert task.projected_start <= task.projected_finish


@given(situations())
def test_open_tasks_finish_at_least_a_working_day_after_what_they_depend_on(situation):
    baseline, found, as_of = situation
    result = compute_slippage(baseline, found, as_of)
    finish = {t.task_id: t.projected_finish for t in result.tasks}
    for task in result.tasks:
        if task.done:
            continue
        assert task.projected_finish >= CALENDAR.previous_working_day(as_of)
        for dependency in task.depends_on:
            assert task.projected_finish >= CALENDAR.add_working_days(finish[dependency], 1)
            assert task.projected_start > finish[dependency]


@given(situations())
def test_go_live_and_end_come_from_the_tasks(situation):
    baseline, found, as_of = situation
    result = compute_slippage(baseline, found, as_of)
    go_live = next(t for t in result.tasks if t.task_id == baseline.go_live_task)
    assert result.projected_go_live == go_live.projected_finish
    assert result.projected_end == max(t.projected_finish for t in result.tasks)
    assert (result.status is SlipStatus.SLIPPING) == (
        result.slip_days > 0 and result.status is not SlipStatus.DONE
    )


@given(situations())
def test_float_and_the_critical_path(situation):
    result = compute_slippage(*situation)
    assert all(t.float_days >= 0 for t in result.tasks)
    assert all(t.critical == (t.float_days == 0) for t in result.tasks)
    by_id = {t.task_id: t for t in result.tasks}
    path = result.critical_path
    assert path and by_id[path[-1]].projected_finish == result.projected_end
    assert all(by_id[t].critical for t in path)
    for before, after in pairwise(path):
        assert before in by_id[after].depends_on


@given(situations(), st.data())
def test_a_task_nothing_depends_on_cannot_move_go_live(situation, data):
    # Whatever state a task is in that neither is the go-live task nor has dependents, the
    # projected go-live is the same.
    baseline, found, as_of = situation
    needed = {d for t in baseline.ordered_tasks() for d in t.depends_on}
    free = [t.id for t in baseline.ordered_tasks() if t.id not in needed | {baseline.go_live_task}]
    if not free:
        return
    task_id = data.draw(st.sampled_from(free))
    changed = dict(found)
    category = data.draw(st.sampled_from(CATEGORIES))
    if category == MISSING:
        changed.pop(task_id, None)
    else:
        resolved = data.draw(st.none() | st.dates(START, START + timedelta(days=90)))
        changed[task_id] = task_status(task_id, category, resolved)
    before = compute_slippage(baseline, found, as_of)
    after = compute_slippage(baseline, changed, as_of)
    assert after.projected_go_live == before.projected_go_live


@given(situations(), st.integers(1, 30))
def test_a_later_as_of_never_shrinks_a_slip_once_the_facts_are_in(situation, days):
    # Facts replace estimates, so a slip may shrink when a task's resolution comes into view;
    # with every resolution already on or before the earlier as-of date it never does.
    baseline, found, as_of = situation
    known = {t: s for t, s in found.items() if s.resolved is None or s.resolved <= as_of}
    earlier = compute_slippage(baseline, known, as_of)
    later = compute_slippage(baseline, known, as_of + timedelta(days=days))
    assert all(a <= b for a, b in zip(slips(earlier), slips(later), strict=True))


@given(situations())
def test_as_of_counts_only_resolutions_on_or_before_it(situation):
    # Measuring with resolutions after as-of is measuring as if those tasks were open.
    baseline, found, as_of = situation
    as_then = {t: s for t, s in ((t, status_as_of(s, as_of)) for t, s in found.items()) if s}
    real = compute_slippage(baseline, found, as_of)
    then = compute_slippage(baseline, as_then, as_of)
    flagged = {t.task_id for t in real.tasks if t.resolved_after_as_of}
    assert flagged == {
        t
        for t, s in found.items()
        if s.status_category == "done" and s.resolved is not None and s.resolved > as_of
    }
    assert [replace(t, resolved_after_as_of=False) for t in real.tasks] == list(then.tasks)
    assert (real.status, real.projected_go_live, real.actual_end) == (
        then.status,
        then.projected_go_live,
        then.actual_end,
    )
    assert all(t.actual_finish is None or t.actual_finish <= as_of for t in real.tasks)


@given(baselines(), st.data())
def test_everything_done_on_time_is_done_with_no_slip(baseline, data):
    found = {}
    for task in baseline.ordered_tasks():
        early = data.draw(st.integers(0, 20))
        found[task.id] = task_status(task.id, "done", task.end - timedelta(days=early))
    as_of = baseline.end + timedelta(days=data.draw(st.integers(0, 400)))
    result = compute_slippage(baseline, found, as_of)
    assert (result.status, result.slip_days) == (SlipStatus.DONE, 0)
    assert result.projected_go_live == result.planned_go_live
    assert result.projected_end == result.planned_end
    assert result.actual_end == max(s.resolved for s in found.values() if s.resolved)
    assert all(m.status is SlipStatus.DONE and m.slip_days == 0 for m in result.milestones)
    assert not any(t.late or m.missed for t in result.tasks for m in result.milestones)


@given(situations())
def test_release_is_done_exactly_when_every_task_is_done_as_of_then(situation):
    baseline, found, as_of = situation
    result = compute_slippage(baseline, found, as_of)
    every_task_done = len(found) == len(baseline.tasks) and all(
        s.status_category == "done" and (s.resolved is None or s.resolved <= as_of)
        for s in found.values()
    )
    assert (result.status is SlipStatus.DONE) == every_task_done
    assert (result.actual_end is not None) == (
        every_task_done and any(s.resolved is not None for s in found.values())
    )


@given(situations())
def test_missed_milestones_are_not_done_and_past_their_end(situation):
    baseline, found, as_of = situation
    result = compute_slippage(baseline, found, as_of)
    for milestone in result.milestones:
        assert milestone.missed == (
            milestone.status is not SlipStatus.DONE and as_of > milestone.planned_end
        )
        if milestone.missed:
            assert milestone.status in (SlipStatus.SLIPPING, SlipStatus.AT_RISK)
