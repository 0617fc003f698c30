"""Milestone slippage (issue 6, "Slippage rules"): tables of cases, the issue's worked example."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import (
    MISSING,
    Baseline,
    BaselineTask,
    SlipStatus,
    TaskStatus,
    compute_slippage,
    effective_slips,
    measure_task,
    slippage_to_json,
)
from nivosync.inputs.templates import load_template

REPO = Path(__file__).resolve().parents[2]
HOLIDAYS = {date(2026, 12, 25), date(2027, 1, 1)}
CALENDAR = WorkCalendar.build(HOLIDAYS)
D = date  # tables read better with short dates

WEEK_1 = "release-kickoff"
WEEK_2_3 = "preparation-training-uat"
WEEK_4 = "feedback-production-prep"
WEEK_5 = "deployment-stabilization"


@pytest.fixture(scope="module")
def template_baseline() -> Baseline:
    """The shipped template from 2026-12-07 with the issue's holidays, via the epic property."""
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    people = {role: None for role in template.role_names}
    identity = ReleaseIdentity("Acme Health", "2.4.0")
    plan = build_plan(template, identity, D(2026, 12, 7), people, CALENDAR)
    return Baseline.from_property(epic_property(plan, datetime(2026, 12, 1)))


def status(
    task_id: str,
    category: str = "indeterminate",
    resolved: date | None = None,
    due: date | None = None,
    key: str | None = None,
) -> TaskStatus:
    names = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
    return TaskStatus(
        task_id=task_id,
        key=key or f"K-{task_id}",
        summary=f"Acme Health 2.4.0: {task_id}",
        assignee="Dana Scully",
        status=names[category],
        status_category=category,
        due=due,
        resolved=resolved,
    )


def statuses(baseline: Baseline, **overrides: TaskStatus) -> dict[str, TaskStatus]:
    """Every task in progress with its baseline due date, except `overrides` (task_id=...)."""
    found = {t.id: status(t.id, due=t.end) for t in baseline.ordered_tasks()}
    found.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return found


def by_id(result, milestone_id):
    return next(m for m in result.milestones if m.id == milestone_id)


# --- the issue's worked example --------------------------------------------------------------


def worked_example_statuses(baseline: Baseline) -> dict[str, TaskStatus]:
    week_1 = next(m for m in baseline.milestones if m.id == WEEK_1).tasks
    found = statuses(baseline)
    for task_id in week_1:
        found[task_id] = status(task_id, "done", resolved=D(2026, 12, 11), due=D(2026, 12, 11))
    found[week_1[-1]] = status(
        week_1[-1], "done", resolved=D(2026, 12, 15), due=D(2026, 12, 11), key="ACME-4"
    )
    return found


def test_issue_worked_example(template_baseline):
    result = compute_slippage(
        template_baseline, worked_example_statuses(template_baseline), D(2026, 12, 16)
    )
    week_1, week_2_3 = by_id(result, WEEK_1), by_id(result, WEEK_2_3)
    assert (week_1.status, week_1.slip_days, week_1.own_slip) == (SlipStatus.DONE, 2, 2)
    assert (week_1.planned_end, week_1.projected_end) == (D(2026, 12, 11), D(2026, 12, 15))
    assert (week_1.tasks_done, week_1.tasks_total, week_1.late) == (4, 4, ())
    assert (week_2_3.planned_end, week_2_3.projected_end) == (D(2026, 12, 28), D(2026, 12, 30))
    assert (week_2_3.status, week_2_3.slip_days, week_2_3.own_slip) == (SlipStatus.SLIPPING, 2, 0)
    assert result.planned_go_live == D(2027, 1, 12)
    assert result.projected_go_live == D(2027, 1, 14)
    assert (result.status, result.slip_days) == (SlipStatus.SLIPPING, 2)
    assert [m.slip_days for m in result.milestones] == [2, 2, 2, 2]
    assert [m.projected_end for m in result.milestones][2:] == [D(2027, 1, 7), D(2027, 1, 14)]
    late_task = next(t for t in result.tasks if t.key == "ACME-4")
    assert (late_task.slip_days, late_task.late, late_task.resolved) == (2, False, D(2026, 12, 15))


def test_worked_example_next_day_nothing_new_slips(template_baseline):
    # Week 2-3 tasks are in progress and not yet due: slip stays the carried 2 days.
    result = compute_slippage(
        template_baseline, worked_example_statuses(template_baseline), D(2026, 12, 28)
    )
    assert by_id(result, WEEK_2_3).slip_days == 2
    assert result.projected_go_live == D(2027, 1, 14)


def test_worked_example_open_week_2_3_past_its_end_outgrows_the_carry(template_baseline):
    # As of Jan 4 (after Dec 29, 30, 31 and Jan 4; Jan 1 a holiday) every open Week 2-3 task is
    # 4 days late, more than the carried 2.
    result = compute_slippage(
        template_baseline, worked_example_statuses(template_baseline), D(2027, 1, 4)
    )
    week_2_3 = by_id(result, WEEK_2_3)
    assert (week_2_3.own_slip, week_2_3.slip_days) == (4, 4)
    assert week_2_3.projected_end == D(2027, 1, 4)
    assert len(week_2_3.late) == 6
    assert (result.slip_days, result.projected_go_live) == (4, D(2027, 1, 18))


# --- one task ----------------------------------------------------------------------------------

UAT = BaselineTask("uat", "m", start=D(2026, 12, 14), end=D(2026, 12, 28))  # Mon → Mon, Dec 25 off
XMAS_EVE = BaselineTask("eve", "m", start=D(2026, 12, 21), end=D(2026, 12, 24))  # ends Thursday


@pytest.mark.parametrize(
    ("planned", "category", "resolved", "as_of", "slip", "late", "at_risk"),
    [
        # done: measured to the resolution date, whatever the as-of date
        (UAT, "done", D(2026, 12, 28), D(2027, 2, 1), 0, False, False),
        (UAT, "done", D(2026, 12, 22), D(2027, 2, 1), 0, False, False),
        (UAT, "done", D(2026, 12, 29), D(2027, 2, 1), 1, False, False),
        (UAT, "done", D(2027, 1, 2), D(2027, 2, 1), 3, False, False),  # Sat; Jan 1 holiday
        (UAT, "done", D(2027, 1, 4), D(2026, 12, 20), 4, False, False),
        (UAT, "done", None, D(2027, 2, 1), 0, False, False),  # no resolution date: on time
        # open: measured to the as-of date, late after the planned end
        (UAT, "indeterminate", None, D(2026, 12, 28), 0, False, False),
        (UAT, "indeterminate", None, D(2026, 12, 29), 1, True, False),
        (UAT, "indeterminate", None, D(2027, 1, 2), 3, True, False),
        (UAT, "indeterminate", None, D(2026, 12, 15), 0, False, False),
        (XMAS_EVE, "indeterminate", None, D(2026, 12, 27), 0, True, False),  # late, no workday
        (XMAS_EVE, "indeterminate", None, D(2026, 12, 28), 1, True, False),
        # To Do after the planned start: at risk (not on the start day itself)
        (UAT, "new", None, D(2026, 12, 14), 0, False, False),
        (UAT, "new", None, D(2026, 12, 15), 0, False, True),
        (UAT, "new", None, D(2027, 1, 4), 4, True, True),
        (UAT, "new", None, D(2026, 12, 1), 0, False, False),
    ],
)
def test_task_rules(planned, category, resolved, as_of, slip, late, at_risk):
    measured = measure_task(planned, status("uat", category, resolved), CALENDAR, as_of)
    assert (measured.slip_days, measured.late, measured.at_risk) == (slip, late, at_risk)


@pytest.mark.parametrize(
    ("as_of", "slip", "late", "at_risk"),
    [
        (D(2026, 12, 14), 0, False, False),
        (D(2026, 12, 15), 0, False, True),
        (D(2026, 12, 29), 1, True, True),
    ],
)
def test_missing_task_is_reported_not_done_and_accrues_slip(as_of, slip, late, at_risk):
    measured = measure_task(UAT, None, CALENDAR, as_of)
    assert (measured.status, measured.status_category, measured.key) == (MISSING, MISSING, None)
    assert not measured.done and measured.missing
    assert (measured.slip_days, measured.late, measured.at_risk) == (slip, late, at_risk)
    assert measured.replanned is False


@pytest.mark.parametrize(
    ("due", "replanned"),
    [(D(2026, 12, 28), False), (D(2027, 1, 8), True), (D(2026, 12, 21), True), (None, True)],
)
def test_replanned_due_is_reported_but_baseline_is_measured(due, replanned):
    measured = measure_task(UAT, status("uat", due=due), CALENDAR, D(2026, 12, 30))
    assert (measured.due, measured.replanned) == (due, replanned)
    assert (measured.planned_end, measured.slip_days) == (D(2026, 12, 28), 2)


# --- milestones: carry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("milestones", "expected"),
    [
        ([], []),
        ([(0, False)], [0]),
        ([(2, True), (0, False)], [2, 2]),  # the worked example
        ([(2, True), (0, False), (0, False), (1, False)], [2, 2, 2, 2]),
        ([(0, False), (4, False), (1, False)], [0, 4, 4]),
        ([(1, False), (0, False), (5, False)], [1, 1, 5]),
        ([(2, True), (3, True), (0, False)], [2, 3, 3]),  # a done milestone keeps its own slip
        ([(2, True), (0, True), (0, False)], [2, 0, 0]),  # finished on time: slip absorbed
        ([(2, True), (1, True), (0, False)], [2, 1, 1]),
        ([(3, False), (0, True), (0, False)], [3, 0, 3]),  # unfinished slip passes one done later
        ([(3, False), (0, True), (0, True), (1, False)], [3, 0, 0, 3]),
        ([(0, False), (2, False), (0, True), (0, False)], [0, 2, 0, 2]),
    ],
)
def test_effective_slips(milestones, expected):
    assert effective_slips(milestones) == expected


# --- milestones and release from a small baseline ----------------------------------------------


def small_property(go_live_task: str = "deploy") -> dict:
    """Three milestones: prep (2 tasks, Dec 7-11), build (Dec 14-18), live (deploy, watch)."""
    tasks = {
        "kickoff": ("2026-12-07", "2026-12-09"),
        "env": ("2026-12-07", "2026-12-11"),
        "build": ("2026-12-14", "2026-12-18"),
        "deploy": ("2026-12-21", "2026-12-22"),
        "watch": ("2026-12-23", "2026-12-30"),
    }
    milestones = [("prep", ["kickoff", "env"]), ("make", ["build"]), ("live", ["deploy", "watch"])]
    return {
        "schema": 1,
        "kind": "epic",
        "baseline": {
            "start": "2026-12-07",
            "end": "2026-12-30",
            "go_live": tasks[go_live_task][1],
            "go_live_task": go_live_task,
            "milestones": [
                {"id": m, "name": m.title(), "end": "ignored", "tasks": ids}
                for m, ids in milestones
            ],
            "tasks": {t: {"start": s, "due": e} for t, (s, e) in tasks.items()},
        },
        "calendar": {"holidays": ["2026-12-25"], "country": None, "subdivision": None},
    }


SMALL = Baseline.from_property(small_property())
PREP_DONE = {
    "kickoff": status("kickoff", "done", D(2026, 12, 9)),
    "env": status("env", "done", D(2026, 12, 11)),
}


def small_statuses(**overrides: TaskStatus) -> dict[str, TaskStatus]:
    return statuses(SMALL, **overrides)


@pytest.mark.parametrize(
    ("overrides", "as_of", "prep_status", "prep_slip", "prep_end"),
    [
        ({}, D(2026, 12, 8), SlipStatus.ON_TRACK, 0, D(2026, 12, 11)),
        ({"env": status("env", "new")}, D(2026, 12, 7), SlipStatus.ON_TRACK, 0, D(2026, 12, 11)),
        ({"env": status("env", "new")}, D(2026, 12, 8), SlipStatus.AT_RISK, 0, D(2026, 12, 11)),
        # kickoff (due Wed) late by Thu-Fri: 2 days, but the milestone ends Fri: own slip counts
        ({}, D(2026, 12, 11), SlipStatus.SLIPPING, 2, D(2026, 12, 15)),
        ({"env": status("env", "new")}, D(2026, 12, 11), SlipStatus.SLIPPING, 2, D(2026, 12, 15)),
        (
            {
                "kickoff": status("kickoff", "done", D(2026, 12, 9)),
                "env": status("env", "done", D(2026, 12, 14)),
            },
            D(2026, 12, 20),
            SlipStatus.DONE,
            1,
            D(2026, 12, 14),
        ),
        (
            {"kickoff": status("kickoff", "done", D(2026, 12, 9))},
            D(2026, 12, 11),
            SlipStatus.ON_TRACK,
            0,
            D(2026, 12, 11),
        ),
    ],
)
def test_milestone_status(overrides, as_of, prep_status, prep_slip, prep_end):
    result = compute_slippage(SMALL, small_statuses(**overrides), as_of)
    prep = by_id(result, "prep")
    assert (prep.status, prep.slip_days, prep.projected_end) == (prep_status, prep_slip, prep_end)
    assert prep.planned_end == D(2026, 12, 11)  # the latest planned end of its tasks


def test_milestone_counts_and_late_keys():
    found = small_statuses(
        kickoff=status("kickoff", "done", D(2026, 12, 9), key="ACME-1"),
        env=status("env", key="ACME-2"),
        build=status("build", key="ACME-3"),
    )
    result = compute_slippage(SMALL, found, D(2026, 12, 15))
    prep, make = by_id(result, "prep"), by_id(result, "make")
    assert (prep.tasks_done, prep.tasks_total, prep.late) == (1, 2, ("ACME-2",))
    assert (make.tasks_done, make.tasks_total, make.late) == (0, 1, ())
    assert [t.task_id for t in result.tasks] == ["kickoff", "env", "build", "deploy", "watch"]


def test_missing_task_keeps_its_milestone_open_and_is_listed():
    done = {t: status(t, "done", D(2026, 12, 9)) for t in ("kickoff", "env", "build")}
    found = small_statuses(**done)
    del found["env"]
    result = compute_slippage(SMALL, found, D(2026, 12, 10))
    prep = by_id(result, "prep")
    assert (prep.status, prep.tasks_done, prep.tasks_total) == (SlipStatus.AT_RISK, 1, 2)
    assert result.missing == ("env",)
    assert by_id(result, "make").status is SlipStatus.DONE


def test_issues_not_in_the_baseline_are_ignored():
    found = small_statuses(stranger=status("stranger", "new"))
    result = compute_slippage(SMALL, found, D(2026, 12, 8))
    assert "stranger" not in {t.task_id for t in result.tasks}
    assert result.status is SlipStatus.ON_TRACK


@pytest.mark.parametrize(
    ("overrides", "as_of", "release_status", "slip", "projected"),
    [
        ({}, D(2026, 12, 8), SlipStatus.ON_TRACK, 0, D(2026, 12, 22)),
        (
            {"build": status("build", "new")},
            D(2026, 12, 15),
            SlipStatus.AT_RISK,
            0,
            D(2026, 12, 22),
        ),
        # build (due Fri 18) open on Wed 23: 3 days, carried into the go-live milestone
        ({}, D(2026, 12, 23), SlipStatus.SLIPPING, 3, D(2026, 12, 28)),  # Dec 25 off
    ],
)
def test_release_status(overrides, as_of, release_status, slip, projected):
    result = compute_slippage(SMALL, small_statuses(**PREP_DONE, **overrides), as_of)
    assert (result.status, result.slip_days) == (release_status, slip)
    assert (result.planned_go_live, result.projected_go_live) == (D(2026, 12, 22), projected)


def all_done(resolved: dict[str, date]) -> dict[str, TaskStatus]:
    return {t.id: status(t.id, "done", resolved.get(t.id, t.start)) for t in SMALL.ordered_tasks()}


def test_release_done_when_every_milestone_is_done_even_late():
    result = compute_slippage(SMALL, all_done({"deploy": D(2026, 12, 23)}), D(2027, 1, 5))
    assert (result.status, result.slip_days) == (SlipStatus.DONE, 1)
    assert result.projected_go_live == D(2026, 12, 23)
    assert all(m.status is SlipStatus.DONE for m in result.milestones)


def test_go_live_before_its_milestone_end_projects_from_go_live_not_the_milestone_end():
    # deploy (go-live, Dec 22) shares its milestone with a stabilisation task ending Dec 30.
    on_time = small_statuses(**PREP_DONE, build=status("build", "done", D(2026, 12, 18)))
    result = compute_slippage(SMALL, on_time, D(2026, 12, 21))
    assert (by_id(result, "live").projected_end, result.status) == (D(2026, 12, 30), "on_track")
    assert (result.projected_go_live, result.slip_days) == (D(2026, 12, 22), 0)
    late = small_statuses(**PREP_DONE, build=status("build", "done", D(2026, 12, 21)))
    result = compute_slippage(SMALL, late, D(2026, 12, 21))
    assert by_id(result, "live").projected_end == D(2026, 12, 31)
    assert (result.projected_go_live, result.slip_days) == (D(2026, 12, 23), 1)


def test_release_at_risk_when_only_a_milestone_after_go_live_slips():
    baseline = Baseline.from_property(small_property(go_live_task="build"))
    done = {t: status(t, "done", D(2026, 12, 9)) for t in ("kickoff", "env", "build")}
    result = compute_slippage(baseline, statuses(baseline, **done), D(2026, 12, 31))
    assert (result.slip_days, result.projected_go_live) == (0, D(2026, 12, 18))
    assert by_id(result, "live").status is SlipStatus.SLIPPING
    assert result.status is SlipStatus.AT_RISK


# --- JSON ----------------------------------------------------------------------------------


def test_json_shape_is_exactly_the_documented_one(template_baseline):
    result = compute_slippage(
        template_baseline, worked_example_statuses(template_baseline), D(2026, 12, 16)
    )
    document = slippage_to_json(result, "Acme Health", "2.4.0", "ACME-1")
    assert json.loads(json.dumps(document)) == document  # plain JSON types only
    assert list(document) == [
        "customer",
        "release",
        "epic",
        "status",
        "slip_days",
        "planned_go_live",
        "projected_go_live",
        "milestones",
        "tasks",
    ]
    assert {k: document[k] for k in list(document)[:7]} == {
        "customer": "Acme Health",
        "release": "2.4.0",
        "epic": "ACME-1",
        "status": "slipping",
        "slip_days": 2,
        "planned_go_live": "2027-01-12",
        "projected_go_live": "2027-01-14",
    }
    assert document["milestones"][1] == {
        "name": "Preparation, Training, and UAT",
        "status": "slipping",
        "planned_end": "2026-12-28",
        "projected_end": "2026-12-30",
        "slip_days": 2,
        "tasks_total": 6,
        "tasks_done": 0,
        "late": [],
    }
    assert document["tasks"][3] == {
        "key": "ACME-4",
        "task_id": "environment-review",
        "summary": "Acme Health 2.4.0: environment-review",
        "assignee": "Dana Scully",
        "status": "Done",
        "status_category": "done",
        "planned_end": "2026-12-11",
        "due": "2026-12-11",
        "resolved": "2026-12-15",
        "slip_days": 2,
        "late": False,
    }


def test_json_of_a_missing_task_has_nulls_and_missing_status():
    found = small_statuses()
    del found["watch"]
    document = slippage_to_json(compute_slippage(SMALL, found, D(2026, 12, 31)), "A", "1", "A-1")
    watch = document["tasks"][-1]
    assert (watch["task_id"], watch["key"], watch["summary"]) == ("watch", None, None)
    assert (watch["status"], watch["status_category"]) == ("missing", "missing")
    assert (watch["due"], watch["resolved"], watch["slip_days"], watch["late"]) == (
        None,
        None,
        1,
        True,
    )
    assert document["milestones"][-1]["late"] == [found["deploy"].key]
