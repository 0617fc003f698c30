"""Re-planning: the epic property keeps every baseline; slippage against current and original."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from nivosync.core.baseline import (
    Baseline,
    BaselineError,
    PastBaseline,
    epic_property,
    parse_baseline,
    replanned_property,
)
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import Plan, build_plan
from nivosync.core.slippage import SlipStatus, TaskStatus, compute_slippage
from nivosync.inputs.templates import load_template

TEMPLATE = Path(__file__).resolve().parents[2] / "plan_templates/nivomax-5-week.yaml"
CALENDAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
RELEASE = ReleaseIdentity("Acme Health", "2.4.0")
CREATED = datetime(2026, 12, 1, 9, 30)
REPLANNED = datetime(2026, 12, 20, 17, 5, tzinfo=UTC)


def plan_from(start: date, release: ReleaseIdentity = RELEASE, calendar=CALENDAR) -> Plan:
    template = load_template(TEMPLATE)
    people = {role: None for role in template.role_names}
    return build_plan(template, release, start, people, calendar)


@pytest.fixture(scope="module")
def created() -> dict[str, Any]:
    return epic_property(plan_from(date(2026, 12, 7)), CREATED, {"Delivery Supervisor": "u-1"})


@pytest.fixture(scope="module")
def moved() -> Plan:
    return plan_from(date(2027, 1, 11))


# --- dependencies in the baseline --------------------------------------------------------------


def test_epic_property_stores_each_tasks_dependencies(created):
    plan = plan_from(date(2026, 12, 7))
    stored = created["baseline"]["tasks"]
    assert {t: v["depends_on"] for t, v in stored.items()} == {
        t.id: list(t.depends_on) for t in plan.tasks
    }
    assert stored["production-deployment"]["depends_on"] == ["change-advisory-approval"]
    baseline = parse_baseline(created)
    assert all(baseline.tasks[t.id].depends_on == t.depends_on for t in plan.tasks)


def test_an_epic_from_before_dependencies_were_stored_follows_none(created):
    old = copy.deepcopy(created)
    for task in old["baseline"]["tasks"].values():
        del task["depends_on"]
    baseline = parse_baseline(old)
    assert all(t.depends_on == () for t in baseline.ordered_tasks())
    # the approval 3 days late does not push the deployment: nothing says it waits for it
    approval = baseline.tasks["change-advisory-approval"]
    as_of = CALENDAR.add_working_days(approval.end, 3)
    found = {
        t.id: TaskStatus(t.id, f"K-{t.id}", t.id, None, "Done", "done", t.end, t.end)
        for t in baseline.ordered_tasks()
        if t.end < approval.end
    }
    result = compute_slippage(baseline, found, as_of)
    deployment = next(t for t in result.tasks if t.task_id == "production-deployment")
    assert deployment.projected_start == deployment.planned_start
    with_deps = compute_slippage(parse_baseline(created), found, as_of)
    assert with_deps.projected_go_live > result.projected_go_live


# --- replanned_property ------------------------------------------------------------------------


def test_replan_replaces_the_baseline_and_keeps_the_old_one(created, moved):
    before = copy.deepcopy(created)
    replanned = replanned_property(created, moved, REPLANNED, "customer freeze", "dana")
    assert created == before  # the input is not changed
    fresh = epic_property(moved, CREATED)
    assert replanned["baseline"] == {
        **fresh["baseline"],
        "set_at": "2026-12-20T17:05:00+00:00",
        "reason": "customer freeze",
        "by": "dana",
    }
    assert replanned["baselines"] == [{**created["baseline"], "set_at": "2026-12-01T09:30:00"}]
    kept = ("schema", "kind", "customer", "release", "slug", "template", "created_at", "people")
    assert {k: replanned[k] for k in kept} == {k: created[k] for k in kept}
    assert replanned["calendar"] == fresh["calendar"]
    assert set(replanned) == set(created) | {"baselines"}


def test_a_replanned_property_parses_with_its_history(created, moved):
    baseline = parse_baseline(replanned_property(created, moved, REPLANNED, "freeze", "dana"))
    assert (baseline.start, baseline.go_live) == (moved.start, moved.go_live)
    assert (baseline.replanned_at, baseline.replan_reason, baseline.replanned_by) == (
        REPLANNED,
        "freeze",
        "dana",
    )
    first = plan_from(date(2026, 12, 7))
    assert baseline.history == (
        PastBaseline(CREATED, None, None, first.start, first.end, first.go_live),
    )
    assert baseline.original == baseline.history[0]


def test_a_second_replan_appends_oldest_first(created, moved):
    once = replanned_property(created, moved, REPLANNED, "freeze", "dana")
    later = plan_from(date(2027, 2, 1))
    again = datetime(2027, 1, 15, 8, 0)
    twice = replanned_property(once, later, again, "UAT environment down", "fox")
    baseline = parse_baseline(twice)
    assert [p.go_live for p in baseline.history] == [
        plan_from(date(2026, 12, 7)).go_live,
        moved.go_live,
    ]
    assert [(p.set_at, p.reason, p.by) for p in baseline.history] == [
        (CREATED, None, None),
        (REPLANNED, "freeze", "dana"),
    ]
    assert baseline.original.go_live == plan_from(date(2026, 12, 7)).go_live
    assert (baseline.go_live, baseline.replanned_at) == (later.go_live, again)


def test_a_null_history_counts_as_none(created, moved):
    current = {**copy.deepcopy(created), "baselines": None}
    replanned = replanned_property(current, moved, REPLANNED, "freeze", "dana")
    assert len(replanned["baselines"]) == 1
    assert len(parse_baseline(replanned).history) == 1


def test_blank_reason_and_author_are_stored_as_none(created, moved):
    baseline = parse_baseline(replanned_property(created, moved, REPLANNED, "  ", ""))
    assert (baseline.replan_reason, baseline.replanned_by) == (None, None)


def test_a_never_replanned_baseline_is_its_own_original(created):
    baseline = parse_baseline(created)
    assert baseline.original == PastBaseline(
        CREATED, None, None, baseline.start, baseline.end, baseline.go_live
    )


def test_replan_refuses_another_release(created):
    other = plan_from(date(2027, 1, 11), ReleaseIdentity("Acme Health", "2.5.0"))
    with pytest.raises(BaselineError) as caught:
        replanned_property(created, other, REPLANNED, "x", "y")
    assert caught.value.field == "slug"
    assert f"'{created['slug']}'" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(kind="task"), "kind"),
        (lambda d: d.pop("baseline"), "baseline"),
        (lambda d: d.pop("slug"), "slug"),
        (lambda d: d.update(baselines="none"), "baselines"),
    ],
)
def test_replan_refuses_a_property_that_is_not_a_valid_epic_baseline(created, moved, change, field):
    broken = copy.deepcopy(created)
    change(broken)
    with pytest.raises(BaselineError) as caught:
        replanned_property(broken, moved, REPLANNED, "x", "y")
    assert caught.value.field == field


# --- slippage after a re-plan ------------------------------------------------------------------


def in_progress(baseline: Baseline) -> dict[str, TaskStatus]:
    return {
        t.id: TaskStatus(t.id, f"K-{t.id}", t.id, None, "In Progress", "indeterminate", t.end, None)
        for t in baseline.ordered_tasks()
    }


def test_slip_is_measured_against_the_current_baseline_and_reported_against_the_original(
    created, moved
):
    baseline = parse_baseline(replanned_property(created, moved, REPLANNED, "freeze", "dana"))
    result = compute_slippage(baseline, in_progress(baseline), moved.start)
    assert (result.status, result.slip_days) == (SlipStatus.ON_TRACK, 0)
    assert result.planned_go_live == result.projected_go_live == moved.go_live
    original = plan_from(date(2026, 12, 7)).go_live
    assert result.original_go_live == original
    assert result.slip_vs_original_days == CALENDAR.working_days_after(original, moved.go_live)
    assert result.slip_vs_original_days > 0
    assert (result.replanned_at, result.replan_reason) == (REPLANNED, "freeze")


def test_a_replan_to_an_earlier_go_live_reports_a_negative_slip_vs_original(created):
    earlier = plan_from(date(2026, 11, 30))
    baseline = parse_baseline(replanned_property(created, earlier, REPLANNED, "pulled in", "d"))
    result = compute_slippage(baseline, in_progress(baseline), earlier.start)
    assert result.slip_vs_original_days == -5  # one working week earlier, and on plan


def test_a_release_never_replanned_has_no_replan_and_the_same_original(created):
    baseline = parse_baseline(created)
    result = compute_slippage(baseline, in_progress(baseline), baseline.start)
    assert (result.replanned_at, result.replan_reason) == (None, None)
    assert result.original_go_live == result.planned_go_live
    assert result.slip_vs_original_days == 0
