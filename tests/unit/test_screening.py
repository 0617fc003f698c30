"""The create screens versus what nivosync sets (no HTTP: a stand-in gateway)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from nivosync.app.payloads import epic_fields, epic_payload, task_fields, task_payload
from nivosync.app.screening import check_screens, creations, settable_drift
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.reconcile import Drift, ReleaseDiff
from nivosync.errors import InvalidInput
from nivosync.inputs.templates import load_template
from nivosync.jira.flavor import CLOUD, DATACENTER, JiraFlavor
from nivosync.jira.models import CreateScreen, IssueSnapshot, IssueTypeRef, ScreenField, SiteFacts

REPO = Path(__file__).resolve().parents[2]
PEOPLE = {
    "Delivery Supervisor": "dana@example.com",
    "Development Team": "dev@example.com",
    "Testing Team": "qa@example.com",
    "Support Team": "support@example.com",
    "Client SME Teams": None,
}
EPIC, TASK = IssueTypeRef("1", "Epic", 1), IssueTypeRef("2", "Task", 0)
CLOUD_FACTS = SiteFacts("10000", "NVX", "R", (EPIC, TASK), "customfield_10015", None, None)
DC_FACTS = SiteFacts("10000", "NVX", "R", (EPIC, TASK), None, "customfield_10100", "cf_name")
EVERYTHING = [
    "project",
    "issuetype",
    "summary",
    "description",
    "labels",
    "duedate",
    "assignee",
    "parent",
    "issuelinks",
    "fixVersions",
    "customfield_10015",
]


@pytest.fixture(scope="module")
def plan():
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    calendar = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
    return build_plan(template, ReleaseIdentity("Acme", "1.0"), date(2026, 12, 7), PEOPLE, calendar)


def screen(issue_type: IssueTypeRef, ids, required=(), defaulted=()) -> CreateScreen:
    fields = tuple(
        ScreenField(i, i.title(), i in (*required, *defaulted), i in defaulted) for i in ids
    )
    return CreateScreen(issue_type, fields)


class Site:
    """What `check_screens` asks of a gateway."""

    def __init__(self, flavor: JiraFlavor, screens: dict[str, CreateScreen]) -> None:
        self.flavor, self.project_key, self.screens = flavor, "NVX", screens
        self.read: list[str] = []

    def create_screen(self, issue_type: IssueTypeRef) -> CreateScreen:
        self.read.append(issue_type.name)
        return self.screens[issue_type.id]


@pytest.mark.parametrize(("flavor", "facts"), [(CLOUD, CLOUD_FACTS), (DATACENTER, DC_FACTS)])
def test_planned_fields_are_what_the_payloads_set(plan, flavor, facts):
    epic = epic_payload(plan, flavor, facts, EPIC, datetime(2026, 12, 1, tzinfo=UTC), {})
    assert {f.id for f in epic_fields(facts)} == set(epic["fields"])
    refs = {p: f"ref-{p}" for p in PEOPLE.values() if p}
    for task in plan.tasks:
        blockers = [f"NVX-{i}" for i, _ in enumerate(task.depends_on)]
        for version in (None, "77"):
            payload = task_payload(
                plan, task, flavor, facts, TASK, "NVX-1", refs, blockers, version
            )
            sent = set(payload["fields"]) | set(payload.get("update", {}))
            assert {f.id for f in task_fields(flavor, facts, task, bool(version))} == sent


def test_fields_off_a_screen_are_reported_not_refused(plan):
    task_screen = screen(
        TASK,
        [i for i in EVERYTHING if i not in ("fixVersions", "customfield_10015")],
        required=("summary",),
        defaulted=("reporter",),
    )
    site = Site(CLOUD, {"1": screen(EPIC, EVERYTHING), "2": task_screen})
    planned = creations(site, CLOUD_FACTS, EPIC, TASK, plan.tasks, {m.id for m in plan.milestones})
    unset = check_screens(site, planned)
    assert [(u.issue_type, u.field) for u in unset] == [
        ("Task", "customfield_10015"),
        ("Task", "fixVersions"),
    ]
    assert unset[0].text() == (
        "start date (customfield_10015): not on the Task create screen of project NVX"
    )
    assert site.read == ["Epic", "Task"]


def test_a_required_field_nivosync_cannot_fill_is_invalid_input(plan):
    task_screen = screen(TASK, [*EVERYTHING, "customfield_10200"], required=("customfield_10200",))
    site = Site(CLOUD, {"2": task_screen})
    with pytest.raises(InvalidInput) as error:
        check_screens(site, creations(site, CLOUD_FACTS, None, TASK, plan.tasks, ()))
    assert str(error.value).startswith(
        "Customfield_10200 (customfield_10200) is required on the Task create screen of project "
        "NVX and nivosync has no value for it: make the field optional"
    )


def test_a_required_assignee_names_the_tasks_without_one(plan):
    unassigned = [t for t in plan.tasks if not t.assignee]
    tasks = (
        [*plan.tasks[:2], *unassigned]
        if unassigned
        else [plan.tasks[0], replace(plan.tasks[1], assignee=None)]
    )
    site = Site(CLOUD, {"2": screen(TASK, EVERYTHING, required=("assignee",))})
    with pytest.raises(InvalidInput) as error:
        check_screens(site, creations(site, CLOUD_FACTS, None, TASK, tasks, ()))
    missing = [t.id for t in tasks if not t.assignee]
    assert f"for {', '.join(f'task {m}' for m in missing)}:" in str(error.value)


def test_a_screen_without_labels_cannot_be_used(plan):
    site = Site(DATACENTER, {"1": screen(EPIC, [i for i in EVERYTHING if i != "labels"])})
    with pytest.raises(InvalidInput, match=r"Labels \(labels\) is not on the Epic create screen"):
        check_screens(site, creations(site, DC_FACTS, EPIC, TASK, (), ()))


def snapshot(key: str, issue_type: str = "Task") -> IssueSnapshot:
    return IssueSnapshot(
        key, key, "", issue_type, "To Do", "new", None, None, None, None, (), None, frozenset()
    )


def test_drift_on_a_field_the_screen_lacks_is_no_drift():
    issue = snapshot("NVX-2")
    drift = (
        Drift("NVX-2", "kickoff", "start", "2026-12-07", None),
        Drift("NVX-2", "kickoff", "duedate", "2026-12-11", None),
        Drift("NVX-2", "kickoff", "summary", "Kickoff", "Kick-off"),
        Drift("NVX-2", "kickoff", "link", "NVX-1", None),
    )
    diff = ReleaseDiff(None, {"kickoff": issue}, (), (), drift, ())
    asked: list[str] = []

    def screen_of(name: str) -> CreateScreen:
        asked.append(name)
        return screen(TASK, [i for i in EVERYTHING if i != "customfield_10015"])

    kept = settable_drift(diff, CLOUD_FACTS, screen_of)
    assert [d.field for d in kept] == ["duedate", "summary", "link"]
    assert asked == ["Task", "Task"]  # only for fields a screen could lack
    assert settable_drift(diff, CLOUD_FACTS, lambda name: None) == list(drift)
