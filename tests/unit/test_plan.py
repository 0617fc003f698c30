"""The computed plan: identity, dates on the working-day calendar, people on the tasks."""

from datetime import date
from pathlib import Path

import pytest

from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity, slugify
from nivosync.core.plan import build_plan, plan_to_json
from nivosync.errors import InvalidInput
from nivosync.inputs.templates import load_template

REPO = Path(__file__).resolve().parents[2]
PEOPLE = {
    "Delivery Supervisor": "dana@example.com",
    "Development Team": "dev@example.com",
    "Testing Team": "qa@example.com",
    "Support Team": "support@example.com",
    "Client SME Teams": None,
}
CALENDAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})


@pytest.fixture(scope="module")
def plan():
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    identity = ReleaseIdentity.checked("Acme Health", "2.4.0")
    return build_plan(template, identity, date(2026, 12, 7), PEOPLE, CALENDAR)


def test_identity_slug_and_label_are_stable():
    identity = ReleaseIdentity("Acme Health", "2.4.0")
    assert identity.slug == "acme-health--2.4.0"
    assert identity.label == "nivosync-acme-health--2.4.0"
    assert ReleaseIdentity("Zürich Küche AG", "v3 LTS").slug == "zurich-kuche-ag--v3-lts"
    assert slugify("  --Hello__World--  ") == "hello-world"
    with pytest.raises(InvalidInput, match=r"--release '!!!' needs at least one letter"):
        ReleaseIdentity.checked("Acme", "!!!")


def test_task_dates_follow_the_weeks(plan):
    by_id = {t.id: t for t in plan.tasks}
    assert (by_id["upgrade-release-kickoff"].start, by_id["upgrade-release-kickoff"].due) == (
        date(2026, 12, 7),
        date(2026, 12, 7),
    )
    uat = by_id["customer-uat-engagement"]  # days 5-8 of weeks 2-3; 12-25 is a holiday
    assert (uat.start, uat.due) == (date(2026, 12, 18), date(2026, 12, 23))
    assert by_id["evaluate-feedback-and-address-issues"].due == date(2026, 12, 31)
    assert plan.go_live == date(2027, 1, 7)  # week 5 day 2: after the approval on day 1
    assert plan.end == date(2027, 1, 12)
    assert [h[0] for h in plan.holidays] == [date(2026, 12, 25), date(2027, 1, 1)]


def test_milestones_end_with_their_last_task(plan):
    assert [(m.id, m.start, m.end) for m in plan.milestones] == [
        ("release-kickoff", date(2026, 12, 7), date(2026, 12, 11)),
        ("preparation-training-uat", date(2026, 12, 14), date(2026, 12, 28)),
        ("feedback-production-prep", date(2026, 12, 29), date(2027, 1, 5)),
        ("deployment-stabilization", date(2027, 1, 6), date(2027, 1, 12)),
    ]


def test_first_role_assigns_other_roles_watch(plan):
    deploy = plan.task("production-deployment")
    assert deploy.assignee == "dana@example.com"
    assert deploy.watchers == ("dev@example.com",)
    assert plan.task("customer-uat-engagement").assignee is None
    assert (
        plan.task("upgrade-release-kickoff").summary == "Acme Health 2.4.0: Upgrade Release Kickoff"
    )


def test_missing_role_and_non_working_start_are_invalid_input(plan):
    template = plan.template
    with pytest.raises(InvalidInput, match=r"no person configured for role.*Testing Team"):
        people = {k: v for k, v in PEOPLE.items() if k != "Testing Team"}
        build_plan(template, plan.release, date(2026, 12, 7), people, CALENDAR)
    with pytest.raises(
        InvalidInput, match=r"--start: .*2026-12-25.*use the next working day, 2026-12-28"
    ):
        build_plan(template, plan.release, date(2026, 12, 25), PEOPLE, CALENDAR)


def test_json_shape(plan):
    data = plan_to_json(plan)
    assert {"schema", "release", "epic", "tasks", "milestones", "roles", "risks"} <= set(data)
    assert data["release"]["slug"] == "acme-health--2.4.0"
    assert data["release"]["go_live"] == "2027-01-07"
    assert data["epic"]["summary"] == "Acme Health 2.4.0 — NIVOMAX Release Deployment Plan"
    task = data["tasks"][13]
    assert {"id", "summary", "milestone", "roles", "assignee", "start", "due", "depends_on"} <= set(
        task
    )
    assert task["id"] == "production-deployment"
    assert task["roles"] == ["Delivery Supervisor", "Development Team"]
    assert task["depends_on"] == ["change-advisory-approval"]
    assert data["milestones"][1]["end"] == "2026-12-28"
    assert len(data["tasks"]) == 15
