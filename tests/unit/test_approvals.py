"""Per-approver approvals (pure): the decision rule, completeness, identity and the diff."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nivosync.core.approvals import (
    APPROVAL_TASK,
    Approval,
    Move,
    SubtaskState,
    approval_complete,
    approval_of,
    approval_status,
    approvals_for,
    approved_on,
    decision_state,
    diff_approvals,
    planned_approvals,
    with_approvals,
)
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import (
    ReleaseIdentity,
    approval_label,
    approval_labels,
    approval_property,
    approval_role_name,
    approval_slug_of,
    approval_summary,
    is_approval,
    missing_labels,
    slug_from_labels,
    task_id_of,
    task_issues,
)
from nivosync.core.plan import build_plan
from nivosync.core.reconcile import diff_release
from nivosync.core.slippage import TaskStatus
from nivosync.inputs.templates import load_template
from nivosync.jira.models import IssueSnapshot

from .test_reconcile import PEOPLE, REFS, as_created, snapshot

REPO = Path(__file__).resolve().parents[2]
RELEASE = ReleaseIdentity("Acme", "1.0")
ROLES = ("Delivery Supervisor", "Development Team", "Client SME Teams")


@pytest.fixture(scope="module")
def plan():
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    calendar = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
    return build_plan(template, RELEASE, date(2026, 12, 7), PEOPLE, calendar)


def subtask(key: str, role: str, **fields) -> IssueSnapshot:
    summary = approval_summary(RELEASE, role)
    return snapshot(key, approval_labels(RELEASE, role), summary=summary, **fields)


def state(key: str, category: str = "new", status: str = "To Do", resolution=None, **extra):
    return SubtaskState(
        key=key,
        url=f"https://jira/browse/{key}",
        status=status,
        category=category,
        resolution=resolution,
        resolved=extra.get("resolved"),
        assignee=extra.get("assignee"),
    )


# --- the decision rule -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "category", "resolution", "expected"),
    [
        ("Done", "done", "Done", "approved"),
        ("Done", "done", "Fixed", "approved"),
        ("Closed", "done", None, "approved"),
        ("Done", "done", "Won't Do", "rejected"),
        ("Done", "done", "won’t fix", "rejected"),  # a typographic apostrophe, any case
        ("Done", "done", "Declined", "rejected"),
        ("Done", "done", "Rejected", "rejected"),
        ("Rejected", "done", "Done", "rejected"),  # a reject status wins over its resolution
        ("Declined", "indeterminate", None, "rejected"),
        ("To Do", "new", None, "pending"),
        ("In Progress", "indeterminate", None, "pending"),
        ("In Review", "indeterminate", "Won't Do", "pending"),  # not done: not decided
    ],
)
def test_decision_rule(status, category, resolution, expected):
    assert decision_state(status, category, resolution) == expected


def test_by_whom_and_when_come_from_the_history_else_the_resolution_and_assignee():
    done = state("NVX-17", "done", "Done", "Done", resolved=date(2027, 1, 5), assignee="dana")
    from_history = approval_of("Delivery Supervisor", done, Move("admin", date(2027, 1, 4)))
    assert (from_history.state, from_history.by, from_history.on) == (
        "approved",
        "admin",
        date(2027, 1, 4),
    )
    assert from_history.from_history
    presumed = approval_of("Delivery Supervisor", done)
    assert (presumed.by, presumed.on, presumed.from_history) == ("dana", date(2027, 1, 5), False)
    pending = approval_of("Delivery Supervisor", state("NVX-17"), Move("dana", date(2027, 1, 4)))
    assert (pending.state, pending.by, pending.on, pending.key) == ("pending", None, None, "NVX-17")
    missing = approval_of("Delivery Supervisor", None)
    assert (missing.state, missing.key) == ("pending", None)


def test_approvals_for_keeps_the_template_order_and_marks_missing_sub_tasks_pending():
    states = {
        "development-team": state("NVX-18", "done", "Done", "Done", resolved=date(2027, 1, 4))
    }
    found = approvals_for(ROLES, states)
    assert [a.role for a in found] == list(ROLES)
    assert [a.state for a in found] == ["pending", "approved", "pending"]
    assert found[0].key is None and found[1].key == "NVX-18"
    assert approvals_for(ROLES, {}) == ()  # a release made before approval sub-tasks


def approval(role: str, state_: str, on: date | None = None) -> Approval:
    return Approval(role, state_, f"K-{role}", None, "someone", on)  # type: ignore[arg-type]


def test_complete_only_when_every_approver_approved():
    all_approved = [approval(r, "approved", date(2027, 1, n)) for n, r in enumerate(ROLES, 4)]
    assert approval_complete(all_approved, issue_done=False)
    assert approved_on(all_approved) == date(2027, 1, 6)  # the last approval
    one_rejected = [*all_approved[:2], approval(ROLES[2], "rejected", date(2027, 1, 6))]
    assert not approval_complete(one_rejected, issue_done=True)
    assert approved_on(one_rejected) is None
    one_pending = [*all_approved[:2], approval(ROLES[2], "pending")]
    assert not approval_complete(one_pending, issue_done=True)
    # No approvers, no sub-tasks: the approval issue's own status decides, as before.
    assert approval_complete([], issue_done=True) and not approval_complete([], issue_done=False)


def task(category: str = "done", resolved: date | None = date(2027, 1, 6), status: str = "Done"):
    return TaskStatus(APPROVAL_TASK, "NVX-15", "Approval", "dana", status, category, None, resolved)


def test_the_approval_task_is_measured_by_its_approvals():
    approved = [approval(r, "approved", date(2027, 1, n)) for n, r in enumerate(ROLES, 3)]
    open_task = task("indeterminate", None, "In Progress")
    done = approval_status(open_task, approved)
    assert (done.status_category, done.resolved, done.status) == (
        "done",
        date(2027, 1, 5),
        "Approved by all",
    )
    pending = [*approved[:2], approval(ROLES[2], "pending")]
    closed_early = approval_status(task(), pending)
    assert closed_early.status_category == "indeterminate" and closed_early.resolved is None
    assert closed_early.status == "Done; 2 of 3 approved"
    rejected = [*approved[:2], approval(ROLES[2], "rejected", date(2027, 1, 5))]
    flagged = approval_status(task(), rejected)
    assert flagged.status == "Rejected by Client SME Teams"
    assert flagged.status_category == "indeterminate"
    unchanged = task()
    assert approval_status(unchanged, []) is unchanged
    others = {"kickoff": task(), APPROVAL_TASK: task()}
    assert with_approvals(others, [])[APPROVAL_TASK] is others[APPROVAL_TASK]
    assert with_approvals(others, rejected)["kickoff"] is others["kickoff"]


# --- identity and the diff -------------------------------------------------------------------


def test_an_approval_sub_task_is_recognised_and_is_no_plan_task(plan):
    sub = subtask("NVX-17", "Client SME Teams")
    assert approval_label("Client SME Teams") == "nivosync-approval-client-sme-teams"
    assert is_approval(sub) and approval_slug_of(sub) == "client-sme-teams"
    assert task_id_of(sub) is None
    assert approval_role_name(sub, sub.summary) == "Client SME Teams"
    assert slug_from_labels(sub.labels) == RELEASE.slug  # the approval label names no release
    issues = [*as_created(plan), sub]
    assert set(task_issues(issues)) == {t.id for t in plan.tasks}
    diff = diff_release(plan, REFS, issues, True)
    assert diff.strangers == () and diff.duplicates == ()
    assert not diff.missing


def test_found_by_its_property_alone_and_its_label_put_back():
    value = approval_property(RELEASE, "Development Team")
    bare = snapshot("NVX-18", ("nivosync", RELEASE.label), properties={"nivosync": value})
    assert is_approval(bare) and approval_slug_of(bare) == "development-team"
    assert task_id_of(bare) is None
    assert missing_labels(bare, RELEASE.slug) == ("nivosync-approval-development-team",)
    assert approval_role_name(bare) == "Development Team"


def test_planned_approvals_and_the_diff(plan):
    planned = planned_approvals(plan)
    assert [a.role for a in planned] == list(ROLES)
    approval_task = plan.task(APPROVAL_TASK)
    assert {a.due for a in planned} == {approval_task.due}
    assert [a.person for a in planned] == ["dana@example.com", "dev@example.com", None]
    assert planned[0].summary == "Approval: Delivery Supervisor — Acme 1.0"
    found = [
        subtask("NVX-17", "Delivery Supervisor"),
        subtask("NVX-20", "Delivery Supervisor"),
        subtask("NVX-21", "Change Board"),  # a role the template no longer names
    ]
    diff = diff_approvals(plan, [*as_created(plan), *found])
    assert [a.role for a in diff.missing] == ["Development Team", "Client SME Teams"]
    assert diff.existing["delivery-supervisor"].key == "NVX-17"
    assert diff.duplicates == (("Delivery Supervisor", ("NVX-20",)),)
    assert [i.key for i in diff.unplanned] == ["NVX-21"]


def test_a_long_role_keeps_summary_and_label_within_jira_limits():
    role = "Very Long Approver Role " * 20
    assert len(approval_summary(RELEASE, role)) == 255
    assert len(approval_label(role)) <= 255
