"""Properties of slippage over generated releases, task states and as-of dates."""

from __future__ import annotations

from datetime import date, timedelta
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
)

START = date(2026, 12, 7)
HOLIDAYS = ("2026-12-25", "2027-01-01")
CALENDAR = WorkCalendar.build({date.fromisoformat(d) for d in HOLIDAYS})
CATEGORIES = ("new", "indeterminate", "done", MISSING)


def workday(offset: int) -> date:
    return CALENDAR.add_working_days(START, offset)


@st.composite
def baselines(draw: st.DrawFn) -> Baseline:
    """1-4 milestones of 1-3 tasks, each milestone starting around where the previous ended."""
    tasks: dict[str, dict[str, str]] = {}
    milestones: list[dict[str, Any]] = []
    offset = 0
    for m in range(draw(st.integers(1, 4))):
        ids = []
        for t in range(draw(st.integers(1, 3))):
            first = offset + draw(st.integers(0, 3))
            last = first + draw(st.integers(0, 6))
            tasks[f"m{m}t{t}"] = {
                "start": workday(first).isoformat(),
                "due": workday(last).isoformat(),
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
    for milestone in result.milestones:
        assert milestone.slip_days >= milestone.own_slip
        assert CALENDAR.working_days_after(milestone.planned_end, milestone.projected_end) == (
            milestone.slip_days
        )
        if milestone.status is SlipStatus.DONE:
            assert milestone.slip_days == milestone.own_slip  # done: measured, nothing carried


@given(situations())
def test_effective_slip_never_decreases_along_milestones_not_done(situation):
    result = compute_slippage(*situation)
    open_slips = [m.slip_days for m in result.milestones if m.status is not SlipStatus.DONE]
    assert open_slips == sorted(open_slips)


@given(situations(), st.integers(1, 30))
def test_a_later_as_of_never_shrinks_a_slip(situation, days):
    baseline, found, as_of = situation
    earlier = compute_slippage(baseline, found, as_of)
    later = compute_slippage(baseline, found, as_of + timedelta(days=days))
    assert all(a <= b for a, b in zip(slips(earlier), slips(later), strict=True))


@given(baselines(), st.data())
def test_everything_done_on_time_is_done_with_no_slip(baseline, data):
    found = {}
    for task in baseline.ordered_tasks():
        early = data.draw(st.integers(0, 20))
        found[task.id] = task_status(task.id, "done", task.end - timedelta(days=early))
    as_of = data.draw(st.dates(START - timedelta(days=10), START + timedelta(days=400)))
    result = compute_slippage(baseline, found, as_of)
    assert (result.status, result.slip_days) == (SlipStatus.DONE, 0)
    assert result.projected_go_live == result.planned_go_live
    assert all(m.status is SlipStatus.DONE and m.slip_days == 0 for m in result.milestones)
    assert not any(t.late for t in result.tasks)


@given(situations())
def test_release_is_done_exactly_when_every_task_is_done(situation):
    baseline, found, as_of = situation
    result = compute_slippage(baseline, found, as_of)
    every_task_done = all(t.status_category == "done" for t in found.values()) and len(
        found
    ) == len(baseline.tasks)
    assert (result.status is SlipStatus.DONE) == every_task_done
