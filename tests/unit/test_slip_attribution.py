"""Who caused the slip (issue 16, item 4): the shipped template, numbers checked by hand."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slip_attribution import CUSTOMER, VENDOR, Sla, attribute_slip, slip_chain
from nivosync.core.slippage import Baseline, TaskStatus, compute_slippage
from nivosync.inputs.templates import load_template

REPO = Path(__file__).resolve().parents[2]
CALENDAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
D = date
UAT, FEEDBACK = "customer-uat-engagement", "feedback-collection"
EVALUATE, GO_LIVE = "evaluate-feedback-and-address-issues", "production-deployment"
CUSTOMER_ROLES = {"Client SME Teams"}


@pytest.fixture(scope="module")
def setup() -> tuple[Baseline, dict[str, tuple[str, ...]]]:
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    people = {role: None for role in template.role_names}
    plan = build_plan(
        template, ReleaseIdentity("Acme Health", "2.4.0"), D(2026, 12, 7), people, CALENDAR
    )
    roles = {t.id: t.roles for t in plan.tasks}
    return Baseline.from_property(epic_property(plan, datetime(2026, 12, 1))), roles


def task(task_id: str, category: str, resolved: date | None = None) -> TaskStatus:
    return TaskStatus(task_id, f"K-{task_id}", task_id.replace("-", " "), None, category,
                      category, None, resolved)  # fmt: skip


def measured(baseline: Baseline, as_of: date, **resolved: date | None) -> dict[str, TaskStatus]:
    """Tasks due before `as_of` done on their due date, unless they wait for an open one;
    `resolved` overrides (None: open)."""
    found, waiting = {}, set()
    for planned in baseline.ordered_tasks():
        key = planned.id.replace("-", "_")
        if key in resolved:
            done_on = resolved[key]
            found[planned.id] = task(planned.id, "done" if done_on else "indeterminate", done_on)
            if done_on is None:
                waiting.add(planned.id)
        elif waiting.intersection(planned.depends_on):
            waiting.add(planned.id)
            found[planned.id] = task(planned.id, "new")
        elif planned.end < as_of:
            found[planned.id] = task(planned.id, "done", planned.end)
        else:
            found[planned.id] = task(planned.id, "new")
    return found


def test_go_live_plus_4_three_days_customer_one_day_vendor(setup):
    """UAT due Wed 2026-12-23, done Tue 12-29: 3 working days late (12-24, 12-28, 12-29; Christmas
    off). Feedback (2 days) then runs 12-30..12-31, done 12-31: 3 late, none its own. Evaluate
    (3 days) starts Mon 01-04, would finish 01-06, still open on Thu 01-07: finishes 01-07, 4
    late, 1 its own. CA 01-08..01-11, approval 01-12, go-live 01-13 instead of 01-07: +4."""
    baseline, roles = setup
    as_of = D(2027, 1, 7)
    tasks = measured(
        baseline, as_of,
        customer_uat_engagement=D(2026, 12, 29),
        feedback_collection=D(2026, 12, 31),
        evaluate_feedback_and_address_issues=None,
    )  # fmt: skip
    slippage = compute_slippage(baseline, tasks, as_of)
    assert slippage.slip_days == 4
    assert slippage.projected_go_live == D(2027, 1, 13)
    chain = [t.task_id for t in slip_chain(slippage, GO_LIVE, baseline.calendar)]
    assert chain[:3] == [UAT, FEEDBACK, EVALUATE]
    assert chain[-1] == GO_LIVE
    blame = attribute_slip(slippage, GO_LIVE, baseline.calendar, roles, CUSTOMER_ROLES)
    assert [(s.task_id, s.side, s.days, s.role) for s in blame.shares] == [
        (UAT, CUSTOMER, 3, "Client SME Teams"),
        (EVALUATE, VENDOR, 1, "Development Team"),
    ]
    assert blame.by_side() == {CUSTOMER: 3, VENDOR: 1}
    assert blame.text == (
        "go-live +4: 3 days customer (customer uat engagement), "
        "1 day vendor (evaluate feedback and address issues)"
    )


def test_sla_feedback_within_3_working_days_of_uat_end(setup):
    """The same night: feedback is to finish within 2 working days of the UAT's planned end
    (12-23 + 2 = 12-28); it finished 12-31 — breached; with 5 days (12-31) it is kept."""
    baseline, roles = setup
    as_of = D(2027, 1, 7)
    tasks = measured(baseline, as_of, customer_uat_engagement=D(2026, 12, 29),
                     feedback_collection=D(2026, 12, 31),
                     evaluate_feedback_and_address_issues=None)  # fmt: skip
    slippage = compute_slippage(baseline, tasks, as_of)
    strict = [Sla(UAT, "release-demo-to-sme", 2)]  # UAT within 2 days of the demo's end 12-17
    blame = attribute_slip(slippage, GO_LIVE, baseline.calendar, roles, CUSTOMER_ROLES, strict)
    assert blame.shares[0].sla_breached  # due 12-21 at the latest, finished 12-29
    assert "customer uat engagement, SLA missed" in blame.text
    kind = [Sla(UAT, "release-demo-to-sme", 10)]  # 12-17 + 10 = 01-04: kept
    blame = attribute_slip(slippage, GO_LIVE, baseline.calendar, roles, CUSTOMER_ROLES, kind)
    assert not blame.shares[0].sla_breached


def test_on_plan_and_vendor_only(setup):
    baseline, roles = setup
    on_plan = compute_slippage(baseline, measured(baseline, D(2026, 12, 10)), D(2026, 12, 10))
    blame = attribute_slip(on_plan, GO_LIVE, baseline.calendar, roles, CUSTOMER_ROLES)
    assert blame.shares == () and blame.text == "go-live on plan"
    # The CA approval (due 01-06) still open on Fri 01-08: finishes 01-08, go-live 01-11: +2.
    as_of = D(2027, 1, 8)
    late = compute_slippage(
        baseline, measured(baseline, as_of, change_advisory_approval=None), as_of
    )
    blame = attribute_slip(late, GO_LIVE, baseline.calendar, roles, CUSTOMER_ROLES)
    assert late.slip_days == 2
    assert [(s.task_id, s.side, s.days) for s in blame.shares] == [
        ("change-advisory-approval", VENDOR, 2)
    ]
    assert blame.text == "go-live +2: 2 days vendor (change advisory approval)"
