"""Slippage (issue 12, "a forecast that follows dependencies"): the shipped template and a small
hand-built baseline, task rules, statuses, point-in-time as-of and the `sync --json` shape."""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import pytest

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import (
    MISSING,
    SYNC_JSON_SCHEMA,
    Baseline,
    BaselineMilestone,
    BaselineTask,
    ReleaseSlippage,
    SlipStatus,
    TaskStatus,
    compute_slippage,
    slippage_to_json,
    status_as_of,
)
from nivosync.inputs.templates import load_template

REPO = Path(__file__).resolve().parents[2]
HOLIDAYS = {date(2026, 12, 25), date(2027, 1, 1)}
CALENDAR = WorkCalendar.build(HOLIDAYS)
D = date  # tables read better with short dates

WEEK_1 = "release-kickoff"
ENVIRONMENT_REVIEW = "environment-review"
UAT = "customer-uat-engagement"


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


def done_before(baseline: Baseline, as_of: date, *open_ids: str) -> dict[str, TaskStatus]:
    """Tasks due before `as_of` done on their due date, except `open_ids` and what depends on
    them (in template order, which is a dependency order here): those are in progress."""
    found = statuses(baseline)
    waiting = set(open_ids)
    for task in baseline.ordered_tasks():
        if task.id in waiting or waiting.intersection(task.depends_on):
            waiting.add(task.id)
        elif task.end < as_of:
            found[task.id] = status(task.id, "done", resolved=task.end, due=task.end)
    return found


def by_id(result: ReleaseSlippage, milestone_id: str):
    return next(m for m in result.milestones if m.id == milestone_id)


def task(result: ReleaseSlippage, task_id: str):
    return next(t for t in result.tasks if t.task_id == task_id)


def dependents(baseline: Baseline, task_id: str) -> list[str]:
    return [t.id for t in baseline.ordered_tasks() if task_id in t.depends_on]


# --- the shipped template ----------------------------------------------------------------------


def test_template_on_time_is_on_track_with_a_critical_path_through_go_live(template_baseline):
    result = compute_slippage(template_baseline, statuses(template_baseline), D(2026, 12, 7))
    assert (result.status, result.slip_days) == (SlipStatus.ON_TRACK, 0)
    assert result.projected_go_live == result.planned_go_live == template_baseline.go_live
    assert result.projected_end == result.planned_end == template_baseline.end
    assert all(t.projected_finish == t.planned_end for t in result.tasks)
    assert all((m.status, m.slip_days) == (SlipStatus.ON_TRACK, 0) for m in result.milestones)
    path = result.critical_path
    assert template_baseline.go_live_task in path
    assert task(result, path[-1]).planned_end == template_baseline.end
    for before, after in pairwise(path):
        assert before in template_baseline.tasks[after].depends_on


def test_issue_6_worked_example_now_moves_nothing(template_baseline):
    # Week 1 done on Dec 11 but the environment review on Dec 15 (2 days late): nothing depends
    # on it, so the go-live stays; week 1 is done and its lateness is history.
    assert dependents(template_baseline, ENVIRONMENT_REVIEW) == []
    found = statuses(template_baseline)
    for task_id in by_id_milestone(template_baseline, WEEK_1).tasks:
        found[task_id] = status(task_id, "done", resolved=D(2026, 12, 11))
    found[ENVIRONMENT_REVIEW] = status(ENVIRONMENT_REVIEW, "done", D(2026, 12, 15), key="ACME-4")
    result = compute_slippage(template_baseline, found, D(2026, 12, 16))
    week_1 = by_id(result, WEEK_1)
    assert (week_1.status, week_1.slip_days, week_1.missed) == (SlipStatus.DONE, 2, False)
    assert (week_1.planned_end, week_1.projected_end) == (D(2026, 12, 11), D(2026, 12, 15))
    assert (result.status, result.slip_days) == (SlipStatus.ON_TRACK, 0)
    assert result.projected_go_live == result.planned_go_live
    review = task(result, ENVIRONMENT_REVIEW)
    assert (review.slip_days, review.late, review.actual_finish) == (2, False, D(2026, 12, 15))
    assert not review.critical and review.float_days > 0


def by_id_milestone(baseline: Baseline, milestone_id: str) -> BaselineMilestone:
    return next(m for m in baseline.milestones if m.id == milestone_id)


def _no_dependents_before_the_end(baseline: Baseline) -> list[str]:
    return [
        t.id
        for t in baseline.ordered_tasks()
        if not dependents(baseline, t.id) and t.end < baseline.end
    ]


@pytest.mark.parametrize(
    "task_id",
    [
        "release-schedule-sharing",
        "environment-review",
        "supporting-and-help-content",
        "release-notes-document",
    ],
)
def test_template_a_3_day_late_task_nothing_depends_on_does_not_move_go_live(
    template_baseline, task_id
):
    assert task_id in _no_dependents_before_the_end(template_baseline)
    due = template_baseline.tasks[task_id].end
    as_of = CALENDAR.add_working_days(due, 3)
    found = done_before(template_baseline, as_of, task_id)
    result = compute_slippage(template_baseline, found, as_of)
    late = task(result, task_id)
    assert (late.slip_days, late.late, late.projected_finish) == (3, True, as_of)
    assert not late.critical
    assert (result.status, result.slip_days) == (SlipStatus.AT_RISK, 0)
    assert result.projected_go_live == result.planned_go_live
    milestone = by_id(result, late.milestone)
    ends_late = late.projected_finish > milestone.planned_end
    assert milestone.status is (SlipStatus.SLIPPING if ends_late else SlipStatus.AT_RISK)


def _critical_until_go_live(baseline: Baseline) -> list[str]:
    on_time = compute_slippage(baseline, statuses(baseline), baseline.start)
    path = list(on_time.critical_path)
    return path[: path.index(baseline.go_live_task) + 1]


def test_template_critical_path_is_the_uat_to_go_live_chain(template_baseline):
    path = _critical_until_go_live(template_baseline)
    assert UAT in path and path[-1] == "production-deployment"
    assert path[path.index(UAT) :] == [
        UAT,
        "feedback-collection",
        "evaluate-feedback-and-address-issues",
        "change-advisory-preparation",
        "change-advisory-approval",
        "production-deployment",
    ]


@pytest.mark.parametrize(
    "task_id",
    [
        UAT,
        "feedback-collection",
        "evaluate-feedback-and-address-issues",
        "change-advisory-preparation",
        "change-advisory-approval",
        "production-deployment",
    ],
)
def test_template_a_3_day_late_task_on_the_critical_path_moves_go_live_3_days(
    template_baseline, task_id
):
    due = template_baseline.tasks[task_id].end
    as_of = CALENDAR.add_working_days(due, 3)
    found = done_before(template_baseline, as_of, task_id)
    result = compute_slippage(template_baseline, found, as_of)
    late = task(result, task_id)
    assert (late.slip_days, late.projected_finish, late.critical) == (3, as_of, True)
    assert (result.status, result.slip_days) == (SlipStatus.SLIPPING, 3)
    assert result.projected_go_live == CALENDAR.add_working_days(result.planned_go_live, 3)
    assert task_id in result.critical_path


def test_template_late_uat_counts_working_days_across_christmas(template_baseline):
    due = template_baseline.tasks[UAT].end  # Wed Dec 23
    as_of = CALENDAR.add_working_days(due, 3)  # Thu 24, (Fri 25 off, weekend) Mon 28, Tue 29
    assert (as_of - due).days == 6
    result = compute_slippage(template_baseline, done_before(template_baseline, as_of, UAT), as_of)
    assert task(result, UAT).slip_days == 3
    assert result.slip_days == 3


def test_template_done_early_pulls_no_successor_earlier(template_baseline):
    # The UAT form and the SME demo done on the first day of week 2: UAT still starts as planned.
    first = template_baseline.tasks["uat-form-preparation"].start
    found = done_before(template_baseline, first)
    for task_id in ("uat-form-preparation", "release-demo-to-sme"):
        found[task_id] = status(task_id, "done", resolved=first)
    result = compute_slippage(template_baseline, found, first)
    uat = task(result, UAT)
    assert (uat.projected_start, uat.projected_finish) == (uat.planned_start, uat.planned_end)
    form = task(result, "uat-form-preparation")
    assert (form.actual_finish, form.projected_finish) == (first, form.planned_end)
    assert result.projected_go_live == result.planned_go_live


# --- one task ------------------------------------------------------------------------------

UAT_TASK = BaselineTask("uat", "m", start=D(2026, 12, 14), end=D(2026, 12, 28))  # Dec 25 off
XMAS_EVE = BaselineTask("uat", "m", start=D(2026, 12, 21), end=D(2026, 12, 24))  # ends Thursday


def alone(planned: BaselineTask) -> Baseline:
    return Baseline(
        start=planned.start,
        end=planned.end,
        go_live=planned.end,
        go_live_task=planned.id,
        milestones=(BaselineMilestone("m", "M", (planned.id,)),),
        tasks={planned.id: planned},
        calendar=CALENDAR,
    )


@pytest.mark.parametrize(
    ("planned", "category", "resolved", "as_of", "slip", "late", "at_risk"),
    [
        # done: measured to the resolution date
        (UAT_TASK, "done", D(2026, 12, 28), D(2027, 2, 1), 0, False, False),
        (UAT_TASK, "done", D(2026, 12, 22), D(2027, 2, 1), 0, False, False),
        (UAT_TASK, "done", D(2026, 12, 29), D(2027, 2, 1), 1, False, False),
        (UAT_TASK, "done", D(2027, 1, 2), D(2027, 2, 1), 3, False, False),  # Sat; Jan 1 off
        (UAT_TASK, "done", None, D(2027, 2, 1), 0, False, False),  # no resolution date: on time
        # resolved after the as-of date: it was open then
        (UAT_TASK, "done", D(2027, 1, 4), D(2026, 12, 20), 0, False, False),
        (UAT_TASK, "done", D(2027, 1, 5), D(2027, 1, 4), 4, True, False),
        # open: finishes no earlier than the as-of date, late after the planned end
        (UAT_TASK, "indeterminate", None, D(2026, 12, 28), 0, False, False),
        (UAT_TASK, "indeterminate", None, D(2026, 12, 29), 1, True, False),
        (UAT_TASK, "indeterminate", None, D(2027, 1, 2), 3, True, False),
        (UAT_TASK, "indeterminate", None, D(2026, 12, 15), 0, False, False),
        (XMAS_EVE, "indeterminate", None, D(2026, 12, 27), 0, True, False),  # late, no workday
        (XMAS_EVE, "indeterminate", None, D(2026, 12, 28), 1, True, False),
        # To Do after the planned start: at risk (not on the start day itself)
        (UAT_TASK, "new", None, D(2026, 12, 14), 0, False, False),
        (UAT_TASK, "new", None, D(2026, 12, 15), 0, False, True),
        (UAT_TASK, "new", None, D(2027, 1, 4), 4, True, True),
        (UAT_TASK, "new", None, D(2026, 12, 1), 0, False, False),
    ],
)
def test_task_rules(planned, category, resolved, as_of, slip, late, at_risk):
    result = compute_slippage(alone(planned), {"uat": status("uat", category, resolved)}, as_of)
    measured = result.tasks[0]
    assert (measured.slip_days, measured.late, measured.at_risk) == (slip, late, at_risk)
    assert (measured.float_days, measured.critical) == (0, True)  # alone: always critical


@pytest.mark.parametrize(
    ("as_of", "slip", "late", "at_risk"),
    [
        (D(2026, 12, 14), 0, False, False),
        (D(2026, 12, 15), 0, False, True),
        (D(2026, 12, 29), 1, True, True),
    ],
)
def test_missing_task_is_reported_not_done_and_forecast_as_open(as_of, slip, late, at_risk):
    measured = compute_slippage(alone(UAT_TASK), {}, as_of).tasks[0]
    assert (measured.status, measured.status_category, measured.key) == (MISSING, MISSING, None)
    assert not measured.done and measured.missing
    assert (measured.slip_days, measured.late, measured.at_risk) == (slip, late, at_risk)
    assert (measured.replanned, measured.resolved_after_as_of) == (False, False)


@pytest.mark.parametrize(
    ("due", "replanned"),
    [(D(2026, 12, 28), False), (D(2027, 1, 8), True), (D(2026, 12, 21), True), (None, True)],
)
def test_replanned_due_is_reported_but_baseline_is_measured(due, replanned):
    result = compute_slippage(alone(UAT_TASK), {"uat": status("uat", due=due)}, D(2026, 12, 30))
    measured = result.tasks[0]
    assert (measured.due, measured.replanned) == (due, replanned)
    assert (measured.planned_end, measured.slip_days) == (D(2026, 12, 28), 2)


# --- a small baseline with dependencies --------------------------------------------------------


def small_property(go_live_task: str = "deploy") -> dict:
    """prep: kickoff (Dec 7-9), env (Dec 7-11, nothing depends on it); make: build (Dec 14-18,
    after kickoff); live: deploy (Dec 21-22, after build), watch (Dec 23-30, after deploy)."""
    tasks = {
        "kickoff": ("2026-12-07", "2026-12-09", []),
        "env": ("2026-12-07", "2026-12-11", []),
        "build": ("2026-12-14", "2026-12-18", ["kickoff"]),
        "deploy": ("2026-12-21", "2026-12-22", ["build"]),
        "watch": ("2026-12-23", "2026-12-30", ["deploy"]),
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
            "tasks": {t: {"start": s, "due": e, "depends_on": d} for t, (s, e, d) in tasks.items()},
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


def test_small_on_time_float_and_critical_path():
    result = compute_slippage(SMALL, small_statuses(), D(2026, 12, 7))
    floats = {t.task_id: t.float_days for t in result.tasks}
    # kickoff has Thu-Fri before build starts; env can run to the release end on Dec 30
    assert floats == {"kickoff": 2, "env": 12, "build": 0, "deploy": 0, "watch": 0}
    assert result.critical_path == ("build", "deploy", "watch")
    assert [t.critical for t in result.tasks] == [False, False, True, True, True]
    assert (result.status, result.projected_end) == (SlipStatus.ON_TRACK, D(2026, 12, 30))


@pytest.mark.parametrize(
    ("overrides", "as_of", "prep_status", "prep_slip", "prep_end"),
    [
        ({}, D(2026, 12, 8), SlipStatus.ON_TRACK, 0, D(2026, 12, 11)),
        ({"env": status("env", "new")}, D(2026, 12, 7), SlipStatus.ON_TRACK, 0, D(2026, 12, 11)),
        ({"env": status("env", "new")}, D(2026, 12, 8), SlipStatus.AT_RISK, 0, D(2026, 12, 11)),
        # kickoff (due Wed) open on Fri: 2 days late, but the milestone still ends Fri
        ({}, D(2026, 12, 11), SlipStatus.AT_RISK, 0, D(2026, 12, 11)),
        # env (due Fri 11) open on Wed 16: the milestone ends 3 days late
        ({}, D(2026, 12, 16), SlipStatus.SLIPPING, 3, D(2026, 12, 16)),
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


@pytest.mark.parametrize(
    ("as_of", "overrides", "missed"),
    [
        (D(2026, 12, 11), {}, False),  # its last day: not yet missed
        (D(2026, 12, 12), {}, True),  # the day after (a Saturday): missed
        (D(2026, 12, 14), PREP_DONE, False),  # done: never missed
    ],
)
def test_milestone_missed_after_its_planned_end_unless_done(as_of, overrides, missed):
    result = compute_slippage(SMALL, small_statuses(**overrides), as_of)
    assert by_id(result, "prep").missed is missed


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
        (PREP_DONE, D(2026, 12, 8), SlipStatus.ON_TRACK, 0, D(2026, 12, 22)),
        (
            {**PREP_DONE, "build": status("build", "new")},
            D(2026, 12, 15),
            SlipStatus.AT_RISK,
            0,
            D(2026, 12, 22),
        ),
        # build (due Fri 18) open on Wed 23: deploy Thu 24 + Mon 28 (Dec 25 off)
        (PREP_DONE, D(2026, 12, 23), SlipStatus.SLIPPING, 3, D(2026, 12, 28)),
        # env 3 days late: nothing depends on it
        (
            {"kickoff": PREP_DONE["kickoff"]},
            D(2026, 12, 16),
            SlipStatus.AT_RISK,
            0,
            D(2026, 12, 22),
        ),
        # kickoff done 2 days late: its float absorbs it; the milestone is done: history
        (
            {**PREP_DONE, "kickoff": status("kickoff", "done", D(2026, 12, 11))},
            D(2026, 12, 11),
            SlipStatus.ON_TRACK,
            0,
            D(2026, 12, 22),
        ),
        # kickoff 3 days late (open Mon 14): 2 days of float, go-live 1 day late
        ({"env": PREP_DONE["env"]}, D(2026, 12, 14), SlipStatus.SLIPPING, 1, D(2026, 12, 23)),
    ],
)
def test_release_status(overrides, as_of, release_status, slip, projected):
    result = compute_slippage(SMALL, small_statuses(**overrides), as_of)
    assert (result.status, result.slip_days) == (release_status, slip)
    assert (result.planned_go_live, result.projected_go_live) == (D(2026, 12, 22), projected)


def test_a_late_task_using_up_its_float_joins_the_critical_path():
    found = small_statuses(**{**PREP_DONE, "kickoff": status("kickoff", "done", D(2026, 12, 11))})
    result = compute_slippage(SMALL, found, D(2026, 12, 11))
    assert task(result, "kickoff").float_days == 0
    assert result.critical_path == ("kickoff", "build", "deploy", "watch")


def test_done_early_does_not_pull_successors_earlier():
    found = small_statuses(**PREP_DONE, build=status("build", "done", D(2026, 12, 15)))
    result = compute_slippage(SMALL, found, D(2026, 12, 15))
    build, deploy = task(result, "build"), task(result, "deploy")
    assert (build.actual_finish, build.projected_finish) == (D(2026, 12, 15), D(2026, 12, 18))
    assert (deploy.projected_start, deploy.projected_finish) == (D(2026, 12, 21), D(2026, 12, 22))


def test_done_without_a_resolution_date_finishes_on_its_due():
    found = small_statuses(**PREP_DONE, build=status("build", "done"))
    result = compute_slippage(SMALL, found, D(2027, 1, 20))
    build = task(result, "build")
    assert (build.projected_finish, build.actual_finish, build.slip_days) == (
        D(2026, 12, 18),
        None,
        0,
    )


def test_go_live_before_its_milestone_end_projects_from_the_go_live_task():
    # deploy (go-live, Dec 22) shares its milestone with a stabilisation task ending Dec 30.
    on_time = small_statuses(**PREP_DONE, build=status("build", "done", D(2026, 12, 18)))
    result = compute_slippage(SMALL, on_time, D(2026, 12, 21))
    assert (by_id(result, "live").projected_end, result.status) == (D(2026, 12, 30), "on_track")
    assert (result.projected_go_live, result.slip_days) == (D(2026, 12, 22), 0)
    late = small_statuses(**PREP_DONE, build=status("build", "done", D(2026, 12, 21)))
    result = compute_slippage(SMALL, late, D(2026, 12, 21))
    assert by_id(result, "live").projected_end == D(2026, 12, 31)
    assert (result.projected_go_live, result.slip_days) == (D(2026, 12, 23), 1)
    assert result.projected_end == D(2026, 12, 31)


def test_release_at_risk_when_only_work_after_go_live_slips():
    baseline = Baseline.from_property(small_property(go_live_task="build"))
    done = {t: status(t, "done", D(2026, 12, 9)) for t in ("kickoff", "env", "build")}
    result = compute_slippage(baseline, statuses(baseline, **done), D(2026, 12, 31))
    assert (result.slip_days, result.projected_go_live) == (0, D(2026, 12, 18))
    assert by_id(result, "live").status is SlipStatus.SLIPPING
    assert result.status is SlipStatus.AT_RISK


def done_on(resolved: dict[str, date]) -> dict[str, TaskStatus]:
    return {t.id: status(t.id, "done", resolved.get(t.id, t.end)) for t in SMALL.ordered_tasks()}


def test_release_done_late_reports_actual_go_live_and_end():
    found = done_on({"deploy": D(2026, 12, 23), "watch": D(2027, 1, 4)})
    result = compute_slippage(SMALL, found, D(2027, 1, 5))
    assert (result.status, result.slip_days) == (SlipStatus.DONE, 1)
    assert (result.projected_go_live, result.actual_go_live) == (D(2026, 12, 23), D(2026, 12, 23))
    assert (result.projected_end, result.actual_end) == (D(2027, 1, 4), D(2027, 1, 4))
    assert all(m.status is SlipStatus.DONE and not m.missed for m in result.milestones)


def test_actuals_are_none_until_done():
    found = done_on({"deploy": D(2026, 12, 22)})
    found["watch"] = status("watch")
    result = compute_slippage(SMALL, found, D(2026, 12, 28))
    assert (result.actual_go_live, result.actual_end) == (D(2026, 12, 22), None)
    found["deploy"] = status("deploy")
    result = compute_slippage(SMALL, found, D(2026, 12, 22))
    assert result.actual_go_live is None


# --- point in time -------------------------------------------------------------------------


def test_a_task_resolved_after_as_of_was_open_that_day():
    found = small_statuses(**PREP_DONE, build=status("build", "done", D(2026, 12, 21)))
    result = compute_slippage(SMALL, found, D(2026, 12, 18))
    build = task(result, "build")
    assert (build.status, build.status_category, build.resolved_after_as_of) == (
        "Done",
        "indeterminate",
        True,
    )
    assert (build.done, build.actual_finish, build.resolved) == (False, None, D(2026, 12, 21))
    assert by_id(result, "make").tasks_done == 0
    on_the_day = task(compute_slippage(SMALL, found, D(2026, 12, 21)), "build")
    assert (on_the_day.done, on_the_day.resolved_after_as_of) == (True, False)
    assert on_the_day.actual_finish == D(2026, 12, 21)


def test_a_past_as_of_is_not_done_before_the_last_task_was():
    found = done_on({"watch": D(2027, 1, 5)})
    before = compute_slippage(SMALL, found, D(2027, 1, 4))
    assert before.status is not SlipStatus.DONE
    assert (before.actual_go_live, before.actual_end) == (D(2026, 12, 22), None)
    assert by_id(before, "live").missed
    after = compute_slippage(SMALL, found, D(2027, 1, 5))
    assert (after.status, after.actual_end) == (SlipStatus.DONE, D(2027, 1, 5))


def test_status_as_of_keeps_everything_but_the_category():
    done = status("x", "done", D(2026, 12, 21))
    assert status_as_of(done, D(2026, 12, 21)) == done
    earlier = status_as_of(done, D(2026, 12, 20))
    assert earlier is not None
    assert (earlier.status, earlier.status_category, earlier.resolved) == (
        "Done",
        "indeterminate",
        D(2026, 12, 21),
    )
    assert status_as_of(None, D(2026, 12, 20)) is None
    unresolved = status("x", "done")
    assert status_as_of(unresolved, D(2020, 1, 1)) == unresolved


# --- JSON ----------------------------------------------------------------------------------


def test_sync_schema_name_is_bumped_for_the_new_meaning():
    assert SYNC_JSON_SCHEMA == "nivosync.sync/2"


def test_json_shape_and_values():
    found = small_statuses(**PREP_DONE)
    result = compute_slippage(SMALL, found, D(2026, 12, 23))
    document = slippage_to_json(result, "Acme Health", "2.4.0", "ACME-1")
    assert json.loads(json.dumps(document)) == document  # plain JSON types only
    assert {k: v for k, v in document.items() if k not in ("milestones", "tasks")} == {
        "customer": "Acme Health",
        "release": "2.4.0",
        "epic": "ACME-1",
        "status": "slipping",
        "slip_days": 3,
        "planned_go_live": "2026-12-22",
        "projected_go_live": "2026-12-28",
        "actual_go_live": None,
        "planned_end": "2026-12-30",
        "projected_end": "2027-01-04",
        "actual_end": None,
        "original_go_live": "2026-12-22",
        "slip_vs_original_days": 3,
        "replanned_at": None,
        "replan_reason": None,
        "critical_path": ["build", "deploy", "watch"],
    }
    assert list(document)[:7] == [
        "customer",
        "release",
        "epic",
        "status",
        "slip_days",
        "planned_go_live",
        "projected_go_live",
    ]
    assert document["milestones"][1] == {
        "id": "make",
        "name": "Make",
        "status": "slipping",
        "planned_end": "2026-12-18",
        "projected_end": "2026-12-23",
        "slip_days": 3,
        "tasks_total": 1,
        "tasks_done": 0,
        "late": ["K-build"],
        "missed": True,
    }
    assert document["tasks"][2] == {
        "key": "K-build",
        "task_id": "build",
        "summary": "Acme Health 2.4.0: build",
        "assignee": "Dana Scully",
        "status": "In Progress",
        "status_category": "indeterminate",
        "planned_start": "2026-12-14",
        "planned_end": "2026-12-18",
        "due": "2026-12-18",
        "resolved": None,
        "resolved_after_as_of": False,
        "projected_start": "2026-12-14",
        "projected_finish": "2026-12-23",
        "actual_finish": None,
        "slip_days": 3,
        "late": True,
        "at_risk": False,
        "float_days": 0,
        "critical": True,
        "depends_on": ["kickoff"],
    }
    kickoff, env = document["tasks"][:2]
    assert (kickoff["float_days"], kickoff["critical"], kickoff["actual_finish"]) == (
        5,
        False,
        "2026-12-09",
    )
    assert env["float_days"] == 15  # Dec 14 to Jan 4, less Christmas


def test_json_of_a_replanned_release_has_its_date_time_and_reason():
    data = small_property()
    data["baseline"].update(set_at="2026-12-20T09:30:00+01:00", reason="customer freeze", by="ds")
    data["baselines"] = [
        {"start": "2026-11-30", "end": "2026-12-23", "go_live": "2026-12-15", "set_at": None}
    ]
    result = compute_slippage(Baseline.from_property(data), small_statuses(), D(2026, 12, 7))
    document = slippage_to_json(result, "A", "1", "A-1")
    assert (document["replanned_at"], document["replan_reason"]) == (
        "2026-12-20T09:30:00+01:00",
        "customer freeze",
    )
    assert (document["original_go_live"], document["slip_vs_original_days"]) == ("2026-12-15", 5)


def test_json_of_a_missing_task_has_nulls_and_missing_status():
    found = small_statuses(
        **PREP_DONE,
        build=status("build", "done", D(2026, 12, 18)),
        deploy=status("deploy", "done", D(2026, 12, 22)),
    )
    del found["watch"]
    document = slippage_to_json(compute_slippage(SMALL, found, D(2026, 12, 31)), "A", "1", "A-1")
    watch = document["tasks"][-1]
    assert (watch["task_id"], watch["key"], watch["summary"]) == ("watch", None, None)
    assert (watch["status"], watch["status_category"]) == ("missing", "missing")
    assert (watch["due"], watch["resolved"], watch["actual_finish"], watch["late"]) == (
        None,
        None,
        None,
        True,
    )
    assert (watch["slip_days"], watch["projected_finish"]) == (1, "2026-12-31")
    assert document["milestones"][-1]["late"] == []  # a missing task has no key to chase


def test_json_of_the_template_release_lists_every_task(template_baseline):
    result = compute_slippage(template_baseline, statuses(template_baseline), D(2026, 12, 16))
    document = slippage_to_json(result, "Acme Health", "2.4.0", "ACME-1")
    assert json.loads(json.dumps(document)) == document
    assert len(document["tasks"]) == len(template_baseline.tasks)
    assert [m["id"] for m in document["milestones"]] == [m.id for m in template_baseline.milestones]
    assert set(document["critical_path"]) <= {
        t["task_id"] for t in document["tasks"] if t["critical"]
    }
