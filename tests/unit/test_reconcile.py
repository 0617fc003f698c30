"""Pure reconciliation: what exists versus the plan, with no HTTP."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import EPIC_LABEL, WATCHERS_PENDING, ReleaseIdentity, task_label
from nivosync.core.plan import build_plan
from nivosync.core.reconcile import creation_layers, diff_release
from nivosync.inputs.templates import load_template
from nivosync.jira.models import IssueSnapshot, JiraUser

REPO = Path(__file__).resolve().parents[2]
PEOPLE = {
    "Delivery Supervisor": "dana@example.com",
    "Development Team": "dev@example.com",
    "Testing Team": "qa@example.com",
    "Support Team": "support@example.com",
    "Client SME Teams": None,
}
REFS = {p: f"acc-{p.split('@')[0]}" for p in PEOPLE.values() if p}


@pytest.fixture(scope="module")
def plan():
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    calendar = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
    return build_plan(template, ReleaseIdentity("Acme", "1.0"), date(2026, 12, 7), PEOPLE, calendar)


def snapshot(key: str, labels: tuple[str, ...], **fields) -> IssueSnapshot:
    base = dict(
        key=key,
        id=key.split("-")[1],
        summary="",
        issue_type="Task",
        status="To Do",
        status_category="new",
        assignee=None,
        due=None,
        start=None,
        resolved=None,
        labels=labels,
        epic_key=None,
        blocked_by=frozenset(),
    )
    base.update(fields)
    return IssueSnapshot(**base)


def as_created(plan, skip=()) -> list[IssueSnapshot]:
    """Issues exactly as nivosync would have created them."""
    epic = snapshot(
        "NVX-1",
        ("nivosync", plan.release.label, EPIC_LABEL),
        summary=plan.epic_summary,
        due=plan.end,
    )
    keys = {t.id: f"NVX-{n}" for n, t in enumerate(plan.tasks, start=2)}
    issues = [epic]
    for task in plan.tasks:
        if task.id in skip:
            continue
        issues.append(
            snapshot(
                keys[task.id],
                ("nivosync", plan.release.label, task_label(task.id)),
                summary=task.summary,
                due=task.due,
                start=task.start,
                epic_key="NVX-1",
                assignee=JiraUser(REFS[task.assignee], task.assignee) if task.assignee else None,
                blocked_by=frozenset(keys[d] for d in task.depends_on),
            )
        )
    return issues


def test_fresh_release_needs_everything(plan):
    diff = diff_release(plan, REFS, [], check_start=True)
    assert diff.epic is None and len(diff.missing) == 15 and not diff.complete


def test_complete_release_has_nothing_to_do_and_no_drift(plan):
    diff = diff_release(plan, REFS, as_created(plan), check_start=True)
    assert diff.complete and diff.drift == () and diff.strangers == ()


def test_missing_tasks_are_found_and_layered_by_dependency(plan):
    found = as_created(plan, skip={"production-deployment", "post-deployment-stabilization"})
    diff = diff_release(plan, REFS, found, check_start=True)
    assert diff.missing == ("production-deployment", "post-deployment-stabilization")
    layers = creation_layers(plan, diff.missing, list(diff.existing))
    assert layers == [["production-deployment"], ["post-deployment-stabilization"]]


def test_fresh_layers_respect_every_dependency(plan):
    layers = creation_layers(plan, [t.id for t in plan.tasks], [])
    seen: set[str] = set()
    for layer in layers:
        for task_id in layer:
            assert set(plan.task(task_id).depends_on) <= seen
        seen.update(layer)
    assert len(seen) == 15
    assert layers[0] == [
        "upgrade-release-kickoff",
        "supporting-and-help-content",
        "release-notes-document",
    ]


def test_drift_in_summary_assignee_dates_epic_and_links(plan):
    found = as_created(plan)
    kickoff = found[1]
    found[1] = IssueSnapshot(
        **{
            **kickoff.__dict__,
            "summary": "Renamed",
            "due": date(2026, 12, 18),
            "assignee": JiraUser("acc-someone", "Someone"),
            "start": None,
            "epic_key": "NVX-99",
        }
    )
    deploy = next(i for i in found if task_label("production-deployment") in i.labels)
    found[found.index(deploy)] = IssueSnapshot(**{**deploy.__dict__, "blocked_by": frozenset()})
    diff = diff_release(plan, REFS, found, check_start=True)
    fields = sorted((d.key, d.field) for d in diff.drift)
    assert fields == sorted(
        [
            ("NVX-2", "summary"),
            ("NVX-2", "assignee"),
            ("NVX-2", "duedate"),
            ("NVX-2", "start"),
            ("NVX-2", "epic"),
            (deploy.key, "link"),
        ]
    )
    assignee = next(d for d in diff.drift if d.field == "assignee")
    assert (assignee.planned, assignee.actual) == ("acc-dana", "acc-someone")


def test_start_is_ignored_when_the_site_has_no_start_field(plan):
    found = [IssueSnapshot(**{**i.__dict__, "start": None}) for i in as_created(plan)]
    assert diff_release(plan, REFS, found, check_start=False).drift == ()


def test_unassigned_roles_never_drift(plan):
    found = as_created(plan)
    uat = next(i for i in found if task_label("customer-uat-engagement") in i.labels)
    found[found.index(uat)] = IssueSnapshot(**{**uat.__dict__, "assignee": JiraUser("x", "X")})
    assert diff_release(plan, REFS, found, check_start=True).drift == ()


def test_duplicates_keep_the_oldest_and_strangers_are_reported(plan):
    found = as_created(plan)
    clone = IssueSnapshot(**{**found[1].__dict__, "key": "NVX-40", "id": "40"})
    stranger = snapshot("NVX-41", ("nivosync", plan.release.label))
    diff = diff_release(plan, REFS, [clone, *found, stranger], check_start=True)
    assert diff.existing["upgrade-release-kickoff"].key == "NVX-2"
    assert diff.duplicates == (("upgrade-release-kickoff", ("NVX-40",)),)
    assert [s.key for s in diff.strangers] == ["NVX-41"]


def test_duplicates_are_ordered_by_key_number_not_text(plan):
    """NVX-9 is older than NVX-10 although "NVX-10" < "NVX-9" as text (issue 9, defect 1)."""
    found = [i for i in as_created(plan) if i.key not in ("NVX-9", "NVX-10")]
    task = plan.tasks[0]
    labels = ("nivosync", plan.release.label, task_label(task.id))
    twins = [snapshot(k, labels, summary=task.summary) for k in ("NVX-10", "NVX-9")]
    found = [i for i in found if task_label(task.id) not in i.labels] + twins
    diff = diff_release(plan, REFS, found, check_start=False)
    assert diff.existing[task.id].key == "NVX-9"
    assert diff.duplicates == ((task.id, ("NVX-10",)),)


def test_property_identity_wins_over_labels(plan):
    found = as_created(plan, skip={"release-notes-document"})
    relabelled = snapshot(
        "NVX-50",
        ("nivosync", plan.release.label),
        properties={"nivosync": {"task_id": "release-notes-document"}},
    )
    diff = diff_release(plan, REFS, [*found, relabelled], check_start=False)
    assert diff.key_of("release-notes-document") == "NVX-50"


def test_pending_watchers_are_noticed(plan):
    found = as_created(plan)
    deploy = next(i for i in found if task_label("production-deployment") in i.labels)
    pending = IssueSnapshot(**{**deploy.__dict__, "labels": (*deploy.labels, WATCHERS_PENDING)})
    found[found.index(deploy)] = pending
    diff = diff_release(plan, REFS, found, check_start=True)
    assert diff.watchers_pending == ("production-deployment",) and not diff.complete


def test_a_done_tasks_dates_are_history_not_drift(plan):
    found = as_created(plan)
    kickoff = next(i for i in found if task_label("upgrade-release-kickoff") in i.labels)
    moved = {"due": date(2026, 11, 30), "start": date(2026, 11, 30)}
    found[found.index(kickoff)] = IssueSnapshot(**{**kickoff.__dict__, **moved})
    assert {d.field for d in diff_release(plan, REFS, found, check_start=True).drift} == {
        "duedate",
        "start",
    }
    done = IssueSnapshot(**{**kickoff.__dict__, **moved, "status_category": "done"})
    found[found.index(next(i for i in found if i.key == kickoff.key))] = done
    assert diff_release(plan, REFS, found, check_start=True).drift == ()
