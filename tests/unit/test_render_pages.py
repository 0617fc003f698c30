"""Page renderers: well-formed bodies, text never markup, empty and missing content stated.

Golden files (tests/unit/golden/*.xml) hold one representative body per page kind; review their
diff like code. Regenerate them with NIVOSYNC_UPDATE_GOLDEN=1 pytest tests/unit/test_render_pages.py
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest
import yaml

from nivosync.app.page_sources import default_notes_jql
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import RELEASE_PAGE_KINDS, page_title
from nivosync.core.plan import Plan, build_plan
from nivosync.core.template import PlanTemplate, UatScenarioSpec
from nivosync.core.uat_evidence import RESULTS, ScenarioResult, SignOff, UatEvidence
from nivosync.inputs.change_advisory import (
    ChangeAdvisoryDetails,
    ChangeWindow,
    combine,
    load_change_advisory,
)
from nivosync.inputs.notes import NoteItem, ReleaseNotesFile, load_notes
from nivosync.inputs.templates import load_template
from nivosync.render.pages import (
    GoLiveDates,
    IssueRef,
    JiraItem,
    JiraResults,
    JiraServer,
    RenderedPage,
    collect_changes,
    merge_scenarios,
    render_change_advisory,
    render_release_notes,
    render_release_plan,
    render_uat_form,
)
from nivosync.render.pages.change_advisory import AdvisoryContext
from nivosync.render.pages.change_plans import window_text
from nivosync.render.storage import (
    AC_NAMESPACE,
    NON_BREAKING_HYPHEN,
    RI_NAMESPACE,
    is_well_formed,
    parse_storage,
)

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
AC = f"{{{AC_NAMESPACE}}}"
RI = f"{{{RI_NAMESPACE}}}"
PEOPLE = {
    "Delivery Supervisor": "dana@example.com",
    "Development Team": "dev@example.com",
    "Testing Team": "qa@example.com",
    "Support Team": "support@example.com",
    "Client SME Teams": "sme@acme.example",
}
CALENDAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
BROWSE = "https://acme.atlassian.net/browse/"
JQL = default_notes_jql("NVX", "2.4.0")
HOSTILE = (
    "Evil <script>alert(\"x\")</script> & ]]> 'q' "
    '<ac:structured-macro ac:name="html"><ac:plain-text-body>x</ac:plain-text-body>'
)
NATIVE_MACROS = {"info", "note", "warning", "toc", "status", "jira", "panel", "anchor"}


# --- inputs ----------------------------------------------------------------------------------


def make_plan(
    template: PlanTemplate, customer: str = "Acme Health", release: str = "2.4.0"
) -> Plan:
    identity = ReleaseIdentity.checked(customer, release)
    return build_plan(template, identity, date(2026, 12, 7), PEOPLE, CALENDAR)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan(load_template(REPO / "plan_templates/nivomax-5-week.yaml"))


def ref(number: int, status: str, category: str, resolved: date | None = None) -> IssueRef:
    return IssueRef(f"NVX-{number}", f"{BROWSE}NVX-{number}", status, category, resolved)


def task_issues(plan: Plan) -> dict[str, IssueRef]:
    """Week 1 done, the UAT weeks under way, the rest not started."""
    issues = {}
    for number, task in enumerate(plan.tasks, start=2):
        if task.milestone == "release-kickoff":
            issues[task.id] = ref(number, "Done", "done", task.due)
        elif task.milestone == "preparation-training-uat":
            issues[task.id] = ref(number, "In Progress", "indeterminate")
        else:
            issues[task.id] = ref(number, "To Do", "new")
    return issues


NOTES_YAML = """\
summary: |
  NIVOMAX 2.4.0 for Acme Health: faster exports and fixes from UAT.
items:
  - section: features
    title: Bulk export of patient lists
    description: |
      Export up to 10,000 rows at once from any list view.

      The export runs in the background; a notification links to the file.
    jira: NVX-101
    screenshots: [img/export-dialog.png]
  - section: fixes
    title: Report totals include archived records
    jira: NVX-130
"""


def jira_results() -> JiraResults:
    return JiraResults(
        JQL,
        (
            JiraItem("NVX-101", "Bulk export", "Story", f"{BROWSE}NVX-101"),
            JiraItem("NVX-102", "Scheduler shows time zones", "Improvement", f"{BROWSE}NVX-102"),
            JiraItem("NVX-120", "Crash when a name contains <&>", "Bug", f"{BROWSE}NVX-120"),
            JiraItem("NVX-140", "Upgrade the PDF library", "Task", f"{BROWSE}NVX-140"),
        ),
    )


@pytest.fixture
def notes_file(tmp_path, monkeypatch) -> ReleaseNotesFile:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "export-dialog.png").write_bytes(b"\x89PNG")
    (tmp_path / "notes.yaml").write_text(NOTES_YAML, encoding="utf-8")
    return load_notes(tmp_path / "notes.yaml")


CHANGE_ADVISORY_YAML = """\
impact: |
  The application servers restart once; reports are unavailable while they restart.
rollback_plan: |
  Reinstall the 2.3.1 packages and restore the database snapshot taken just before deployment.
change_number: CHG0031337
change_type: normal
risk_rating: {likelihood: low, impact: high}
change_window: {start: "20:00", end: "22:00", time_zone: Europe/Berlin}
deployment_window: The lab interface is paused for the whole window.
affected_services: [Patient records, Lab results interface]
affected_users: Ward staff on the evening shift (about 40 people).
implementation_steps:
  - Stop the application servers.
  - Run the database migration.
  - Start the servers and check the version page.
backout_triggers:
  - The migration has not finished by 21:30.
communication:
  - {audience: Ward managers, message: The evening outage and its times, when: 3 days before}
risks:
  - risk: The database migration takes longer than the window.
    mitigation: Time the migration on the UAT copy beforehand.
"""


# --- helpers ---------------------------------------------------------------------------------


def assert_golden(name: str, page: RenderedPage) -> None:
    path = GOLDEN / f"{name}.xml"
    text = page.body + "\n"
    if os.environ.get("NIVOSYNC_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path.name}: run with NIVOSYNC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs: if the change is intended, run with NIVOSYNC_UPDATE_GOLDEN=1 "
        "and review the diff"
    )


def text(node: ET.Element) -> str:
    """What a reader sees: a lozenge as its title, no macro parameters, spaces collapsed, a
    non-breaking hyphen (dates in cells do not wrap) as the hyphen it shows."""
    return " ".join("".join(_seen(node)).split()).replace(NON_BREAKING_HYPHEN, "-")


def _seen(node: ET.Element):
    if node.tag == f"{AC}structured-macro" and node.get(f"{AC}name") == "status":
        yield params(node)["title"]
        return
    if node.tag == f"{AC}parameter":
        return
    yield node.text or ""
    for child in node:
        yield from _seen(child)
        yield child.tail or ""


def section(root: ET.Element, title: str) -> ET.Element:
    """The blocks after the h2 `title`, up to the next h2, under a new root."""
    out = ET.Element("section")
    inside = False
    for child in root:
        if child.tag == "h2":
            inside = text(child) == title
        elif inside:
            out.append(child)
    assert len(out), f"no section '{title}'"
    return out


def macros(node: ET.Element, name: str) -> list[ET.Element]:
    return [m for m in node.iter(f"{AC}structured-macro") if m.get(f"{AC}name") == name]


def params(macro: ET.Element) -> dict[str, str]:
    return {p.get(f"{AC}name"): p.text or "" for p in macro.findall(f"{AC}parameter")}


def lozenges(node: ET.Element) -> list[tuple[str, str]]:
    return [(params(m)["title"], params(m)["colour"]) for m in macros(node, "status")]


def warnings(node: ET.Element) -> list[str]:
    return [params(m).get("title", "") for m in macros(node, "warning")]


def regions(node: ET.Element) -> dict[str, str]:
    """The people's regions under `node` (region id → what a reader sees in it)."""
    found = {}
    for container in [*node.iter(f"{AC}rich-text-body"), *node.iter("td")]:
        first = next(iter(container), None)
        if first is not None and params(first).get("", "").startswith("nivosync-region-"):
            found[params(first)[""].removeprefix("nivosync-region-")] = text(container)
    return found


def rows(node: ET.Element) -> list[list[str]]:
    return [[text(cell) for cell in tr] for tr in node.iter("tr")]


def parsed(page: RenderedPage) -> ET.Element:
    is_well_formed(page.body)
    return parse_storage(page.body)


# --- every page kind -------------------------------------------------------------------------


def with_known_issues(notes: ReleaseNotesFile) -> ReleaseNotesFile:
    """The notes file plus a known issue and an upgrade note (release notes only: the other
    pages' golden files keep the plain notes file)."""
    extra = (
        NoteItem("known-issues", "Exports over 10,000 rows time out", jira_key="NVX-150"),
        NoteItem(
            "upgrade-notes",
            "Re-index the search",
            "Run the re-index job once the application servers are up again.",
        ),
    )
    return replace(notes, items=(*notes.items, *extra))


def representative_pages(plan: Plan, notes: ReleaseNotesFile, tmp_path: Path) -> dict:
    (tmp_path / "ca.yaml").write_text(CHANGE_ADVISORY_YAML, encoding="utf-8")
    changes = collect_changes(jira_results(), notes)
    approval = ref(14, "Approved", "done", date(2027, 1, 7))
    extra = UatScenarioSpec(
        id="uat-lab-interface",
        title="Lab results interface",
        steps=["Send a test order to the lab system.", "Wait for the result message."],
        expected="The result appears on the patient's record.",
        roles=["Client SME Teams"],
    )
    return {
        "release_plan": render_release_plan(
            plan,
            task_issues(plan),
            epic=ref(1, "In Progress", "indeterminate"),
            jira_server=JiraServer("Acme Jira", "8f2c3d3a-1b6e-3f7a-9c1d-5e4b2a6c7d8e"),
        ),
        "release_notes": render_release_notes(
            plan.release,
            collect_changes(jira_results(), with_known_issues(notes)),
            go_live=plan.go_live,
            forecast=GoLiveDates(plan.go_live, date(2027, 1, 11)),
        ),
        "change_advisory": render_change_advisory(
            plan, changes, load_change_advisory(tmp_path / "ca.yaml"), approval
        ),
        "uat_form": render_uat_form(plan, extra_scenarios=[extra]),
    }


@pytest.mark.parametrize("name", ["release_plan", "release_notes", "change_advisory", "uat_form"])
def test_each_page_kind_is_well_formed_and_matches_its_golden_file(
    name, plan, notes_file, tmp_path
):
    page = representative_pages(plan, notes_file, tmp_path)[name]
    root = parsed(page)
    assert {m.get(f"{AC}name") for m in root.iter(f"{AC}structured-macro")} <= NATIVE_MACROS
    assert page.title == page_title(page.kind, plan.release)
    assert_golden(name, page)


def test_page_kinds_and_titles(plan):
    assert RELEASE_PAGE_KINDS == ("plan", "notes", "change-advisory", "uat")
    assert [page_title(k, plan.release) for k in RELEASE_PAGE_KINDS] == [
        "Acme Health 2.4.0 — Release Plan",
        "Acme Health 2.4.0 — Release Notes",
        "Acme Health 2.4.0 — Change Advisory",
        "Acme Health 2.4.0 — UAT Form",
    ]


# --- escaping --------------------------------------------------------------------------------


@pytest.fixture
def hostile_plan(tmp_path) -> Plan:
    data = yaml.safe_load((REPO / "plan_templates/nivomax-5-week.yaml").read_text())
    data["tasks"][0]["summary"] = HOSTILE
    data["tasks"][0]["overview"] = HOSTILE
    data["risks"][0]["risk"] = HOSTILE
    scenario = data["uat_scenarios"][0]
    scenario["title"] = scenario["expected"] = HOSTILE
    scenario["steps"] = [HOSTILE]
    data["change_advisory"]["rollback_plan"] = HOSTILE
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return make_plan(load_template(path), customer="Acme <b>&amp;", release="2.4.0]]>")


def test_text_from_templates_jira_and_files_never_becomes_markup(hostile_plan):
    evil = IssueRef("NVX-9", "javascript:alert(1)", HOSTILE, "indeterminate")
    issues = {t.id: evil for t in hostile_plan.tasks}
    jira = JiraResults(f"summary ~ {HOSTILE}", (JiraItem("NVX-7", HOSTILE, HOSTILE, None),))
    notes = ReleaseNotesFile(Path("notes.md"), HOSTILE, ())
    changes = collect_changes(jira, notes)
    details = ChangeAdvisoryDetails(HOSTILE, impact=HOSTILE, deployment_window=HOSTILE)
    pages = [
        render_release_plan(
            hostile_plan, issues, epic=evil, jira_server=JiraServer(HOSTILE, HOSTILE)
        ),
        render_release_notes(hostile_plan.release, changes),
        render_change_advisory(hostile_plan, changes, details, evil),
        render_uat_form(hostile_plan),
    ]
    for page in pages:
        root = parsed(page)
        tags = {e.tag for e in root.iter()}
        assert "script" not in tags and "b" not in tags, page.kind
        assert {m.get(f"{AC}name") for m in root.iter(f"{AC}structured-macro")} <= NATIVE_MACROS
        assert not [a for a in root.iter("a") if "javascript" in a.get("href", "")]
        assert HOSTILE in "".join(root.itertext()), page.kind
        assert "Acme <b>&amp;" in "".join(root.itertext()) or page.kind == "notes", page.kind


# --- release plan ----------------------------------------------------------------------------


def test_release_plan_table_follows_the_template_table(plan):
    root = parsed(render_release_plan(plan, task_issues(plan)))
    table = rows(section(root, "Deployment and upgrade plan"))
    # The plan's own table, plus Status.
    assert "|".join(table[0]) == (
        "Week|Task|Description|Start Date|End Date|Approval Responsibility|Status|Notes"
    )
    assert table[1][:6] == [
        "Week 1",
        "Upgrade Release Kickoff (NVX-2)",
        "Schedule a kickoff meeting with the client, discuss scope, objectives, timelines, and "
        "assign roles.",
        "2026-12-07",
        "2026-12-07",
        "Delivery Supervisor (dana@example.com)",
    ]
    deploy = next(r for r in table if r[1].startswith("Production Deployment"))
    assert deploy[5] == "Delivery Supervisor (dana@example.com)Development Team (dev@example.com)"
    assert deploy[7] == "Go-liveAfter: Change Advisory Approval"
    uat = next(r for r in table if r[1].startswith("Feedback Collection"))
    assert "Holiday: 2026-12-25" in uat[7]
    plan_section = section(root, "Deployment and upgrade plan")
    assert set(lozenges(plan_section)) == {
        ("Done", "Green"),
        ("In Progress", "Blue"),
        ("To Do", "Grey"),
    }
    hrefs = [a.get("href") for a in plan_section.iter("a")]
    assert hrefs == [f"{BROWSE}NVX-{n}" for n in range(2, 17)]


def test_release_plan_without_jira_says_so_instead_of_guessing(plan):
    root = parsed(render_release_plan(plan))
    plan_section = section(root, "Deployment and upgrade plan")
    assert lozenges(plan_section) == []
    assert not list(plan_section.iter("a"))
    assert {r[6] for r in rows(plan_section)[1:]} == {"—"}
    assert "Jira epic" not in text(section(root, "Overview"))


def test_release_plan_milestones_resources_risks_and_live_macro(plan):
    root = parsed(render_release_plan(plan, task_issues(plan)))
    assert rows(section(root, "Milestones"))[1] == [
        "Week 1",
        "Release Kickoff",
        "Planning and Preparation",
        "2026-12-07",
        "2026-12-11",
        "4 (4 done)",
    ]
    assert rows(section(root, "Project resources"))[1] == [
        "Delivery Supervisor",
        "dana@example.com",
        "Oversees the release, ensuring timelines and deliverables are met.",
    ]
    assert len(rows(section(root, "Risk management"))) == 3
    assert text(section(root, "Non-working days")) == "2026-12-25 2027-01-01"
    (live,) = macros(section(root, "Jira issues"), "jira")
    assert params(live)["jqlQuery"] == (
        'labels = "nivosync-acme-health--2.4.0" ORDER BY duedate ASC, key ASC'
    )
    assert "serverId" not in params(live)


# --- release notes ---------------------------------------------------------------------------


def test_release_notes_state_empty_sources(plan, tmp_path):
    empty = collect_changes(JiraResults(JQL), None)
    root = parsed(render_release_notes(plan.release, empty))
    assert [text(li) for li in section(root, "Sources").iter("li")] == [
        f"No Jira issues matched {JQL}",
        "No notes file given",
    ]
    assert warnings(root) == ["No changes listed"]
    no_items = collect_changes(JiraResults(JQL), ReleaseNotesFile(tmp_path / "n.yaml"))
    statements = text(parsed(render_release_notes(plan.release, no_items)))
    assert "The notes file" in statements and "lists no items" in statements


def test_release_notes_combine_sources_into_sections(plan, notes_file):
    changes = collect_changes(jira_results(), notes_file)
    page = render_release_notes(plan.release, changes)
    root = parsed(page)
    assert [text(li) for li in section(root, "Sources").iter("li")] == [
        f"Jira: 4 issues matched {JQL}",
        "Notes file: 2 items from notes.yaml",
        "Described by the notes file instead of Jira's summary: NVX-101",
    ]
    features = section(root, "New features")
    assert text(features).startswith("NVX-101 Bulk export of patient lists Export up to")
    assert [a.get("href") for a in features.iter("a")] == [f"{BROWSE}NVX-101"]
    (shot,) = features.iter(f"{AC}image")
    assert shot.find(f"{RI}attachment").get(f"{RI}filename") == "export-dialog.png"
    assert [text(li) for li in section(root, "Improvements").iter("li")] == [
        "NVX-102 Scheduler shows time zones"
    ]
    assert [text(li) for li in section(root, "Bug fixes").iter("li")] == [
        "NVX-130 Report totals include archived records",  # from the notes: Jira has no URL
        "NVX-120 Crash when a name contains <&>",
    ]
    assert [text(li) for li in section(root, "Other changes").iter("li")] == [
        "NVX-140 Upgrade the PDF library"
    ]
    assert [(a.filename, a.path.name) for a in page.attachments] == [
        ("export-dialog.png", "export-dialog.png")
    ]


def test_issue_type_mapping_is_configurable(plan):
    changes = collect_changes(jira_results(), None, {"Task": "improvements", "Bug": "fixes"})
    assert [(i.key, i.section) for i in changes.items] == [
        ("NVX-140", "improvements"),
        ("NVX-120", "fixes"),
        ("NVX-101", "other"),
        ("NVX-102", "other"),
    ]
    root = parsed(render_release_notes(plan.release, changes))
    assert text(section(root, "New features")) == "None listed."


def test_default_notes_jql_quotes_values():
    assert default_notes_jql("NVX", 'v"2\\') == (
        'project = "NVX" AND fixVersion = "v\\"2\\\\" ORDER BY issuetype ASC, key ASC'
    )


# --- change advisory -------------------------------------------------------------------------


def test_change_advisory_flags_what_people_still_have_to_write(plan):
    changes = collect_changes(JiraResults(JQL), None)
    root = parsed(render_change_advisory(plan, changes))
    owner = "To be completed by Delivery Supervisor (dana@example.com): "
    for title, region in (
        ("Affected services and users", "ca-affected"),
        ("Impact on the system", "ca-impact"),
        ("Risk assessment", "ca-risk-rating"),
        ("Downtime expectations", "ca-downtime"),
        ("Communication plan", "ca-communication"),
    ):
        part = section(root, title)
        assert list(regions(part)) == [region], title
        assert regions(part)[region].startswith(owner), title
        assert warnings(part) == [], title  # a region holds no bodied macro (Cloud's editor)
    backout = regions(section(root, "Backout plan"))
    assert list(backout) == ["ca-rollback", "ca-backout-triggers"]
    assert all(v.startswith(owner) for v in backout.values())
    steps = regions(section(root, "Implementation plan"))["ca-implementation-steps"]
    assert steps.startswith(owner)
    assert text(section(root, "Impact on the system")).endswith("Source: none yet")
    assert warnings(section(root, "Planned changes")) == ["No planned changes found"]
    assert "list no changes for this release yet" in text(section(root, "Planned changes"))
    assert "fixVersion" not in text(root)  # no query for the CAB to read
    assert "impact:" not in text(root)  # addressed to the page's readers, not to the operator
    assert "--change-advisory" not in text(root)
    summary = dict(r for r in rows(section(root, "Summary")))
    assert summary["Change window"] == (
        f"{owner}the window's start and end times. Production Deployment: 2027-01-07"
    )
    assert summary["Change type"] == "Normal"  # the plan template's usual type
    assert summary["Change number"] == "None (no external change record)"
    assert summary["Requester"] == "Delivery Supervisor (dana@example.com)"
    assert summary["Implementers"] == "Development Team (dev@example.com)"
    assert summary["Test evidence"] == "UAT form not published yet"
    assert "Release details: none given yet" in text(section(root, "Sources"))
    approvals = section(root, "Approvals")
    assert "not known yet" in text(approvals)
    assert list(regions(approvals)) == [
        "ca-approval-delivery-supervisor",
        "ca-approval-development-team",
        "ca-approval-client-sme-teams",
    ]


def test_change_advisory_a_cab_can_approve_from(plan, notes_file, tmp_path):
    root = parsed(representative_pages(plan, notes_file, tmp_path)["change_advisory"])
    summary = dict(r for r in rows(section(root, "Summary")))
    assert summary["Change window"] == (
        "Thu 2027-01-07 20:00 – Thu 2027-01-07 22:00 Europe/Berlin (UTC+01:00) "
        "The lab interface is paused for the whole window."
    )
    assert (summary["Change number"], summary["Change type"]) == ("CHG0031337", "Normal")
    assert text(section(root, "Risk assessment")).startswith(
        "Risk rating: Medium (likelihood low × impact high) Source: Change Advisory file ca.yaml"
    )
    affected = text(section(root, "Affected services and users"))
    assert "Patient records" in affected and "Ward staff on the evening shift" in affected
    implementation = section(root, "Implementation plan")
    assert [r[0] for r in rows(implementation)[1:]] == [
        "Change Advisory Approval",
        "Production Deployment",
        "Post-Deployment Stabilization",
    ]
    assert [text(li) for li in implementation.iter("li")][:1] == ["Stop the application servers."]
    verification = text(section(root, "Verification"))
    assert "signed the UAT off" in verification and "Source: plan template" in verification
    backout = text(section(root, "Backout plan"))
    assert backout.startswith("Decided by: Delivery Supervisor (dana@example.com)")
    assert "The migration has not finished by 21:30." in backout
    assert rows(section(root, "Communication plan"))[1] == [
        "Ward managers",
        "The evening outage and its times",
        "3 days before",
    ]
    assert "Release details: Change Advisory file ca.yaml." in text(section(root, "Sources"))


def test_the_change_window_crosses_midnight_and_daylight_saving():
    window = ChangeWindow(time(22, 0), time(3, 30), None)
    assert window_text(date(2027, 3, 27), window, "Europe/Berlin") == (
        "Sat 2027-03-27 22:00 – Sun 2027-03-28 03:30 Europe/Berlin (UTC+01:00 / UTC+02:00)"
    )
    assert window_text(date(2027, 1, 5), ChangeWindow(time(9, 0), time(9, 30), "UTC"), "X") == (
        "Tue 2027-01-05 09:00 – Tue 2027-01-05 09:30 UTC (UTC+00:00)"
    )


def test_change_advisory_shows_the_uat_forms_results(plan):
    scenarios = plan.template.uat_scenarios
    evidence = UatEvidence(
        tuple(
            ScenarioResult(s.id, s.title, r)
            for s, r in zip(scenarios, ["passed", "failed", "blocked"], strict=False)
        )
        + tuple(ScenarioResult(s.id, s.title, "not tested") for s in scenarios[3:]),
        (SignOff("Client SME Teams", "rejected", "Rejected", "2027-01-04"),),
    )
    context = AdvisoryContext(evidence=evidence)
    changes = collect_changes(JiraResults(JQL), None)
    root = parsed(render_change_advisory(plan, changes, None, None, None, None, context))
    found = section(root, "Test evidence")
    counts = {r[0]: r[1] for r in rows(found)[1 : 3 + len(RESULTS)] if len(r) == 2}
    untested = str(len(scenarios) - 3)
    assert counts == {"Passed": "1", "Failed": "1", "Blocked": "1", "Not Tested": untested}
    assert f"{scenarios[1].id}: {scenarios[1].title} (failed)" in text(found)
    assert ["Client SME Teams", "sme@acme.example", "Rejected", "2027-01-04"] in rows(found)
    summary = dict(r for r in rows(section(root, "Summary")))
    assert summary["Test evidence"] == (
        f"1 of {len(scenarios)} scenarios passed, 1 failed, 1 blocked; "
        "sign-off rejected by Client SME Teams"
    )


def test_change_advisory_template_defaults_and_missing_approvers(plan):
    spec = plan.template.spec
    advisory = spec.change_advisory.model_copy(
        update={"approvers": [], "owner": "Support Team", "downtime": "None expected.",
                "rollback_plan": "Reinstall the previous version.", "change_type": None}
    )  # fmt: skip
    template = replace(plan.template, spec=spec.model_copy(update={"change_advisory": advisory}))
    changes = collect_changes(JiraResults(JQL), None)
    pending = ref(14, "Waiting for approval", "indeterminate")
    root = parsed(render_change_advisory(replace(plan, template=template), changes, None, pending))
    assert text(section(root, "Downtime expectations")) == "None expected. Source: plan template"
    rollback = section(root, "Backout plan")
    assert [text(h) for h in rollback.iter("h3")] == [
        "Standard procedure",
        "For this release",
        "Triggers",
    ]
    assert regions(rollback)["ca-rollback"].startswith(
        "To be completed by Support Team (support@example.com): "
    )
    summary = dict(r for r in rows(section(root, "Summary")))
    assert summary["Change type"].startswith("To be completed by Support Team")
    assert warnings(section(root, "Approvals")) == [
        "To be completed by Support Team (support@example.com)"
    ]


def test_change_advisory_says_where_each_value_came_from(plan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files are named relative to the working directory
    (tmp_path / "ca.yaml").write_text("impact: From the file.\n", encoding="utf-8")
    config = ChangeAdvisoryDetails("config", impact="From the config.", downtime="None.")
    details = combine(config, load_change_advisory(tmp_path / "ca.yaml"))
    root = parsed(render_change_advisory(plan, collect_changes(JiraResults(JQL), None), details))
    impact, downtime = section(root, "Impact on the system"), section(root, "Downtime expectations")
    assert text(impact) == "From the file. Source: Change Advisory file ca.yaml"
    assert text(downtime) == "None. Source: nivosync configuration"
    assert text(section(root, "Backout plan")).endswith("Source: none yet")


# --- UAT form --------------------------------------------------------------------------------


def test_uat_form_lists_scenarios_with_results_to_fill_in(plan):
    root = parsed(render_uat_form(plan))
    scenarios = rows(section(root, "Test scenarios"))
    assert "|".join(scenarios[0]) == (
        "ID|Scenario|Steps|Expected outcome|Tester|Result|Comments|Defects"
    )
    assert len(scenarios) == 1 + len(plan.template.uat_scenarios)
    assert {r[5] for r in scenarios[1:]} == {"Not tested"}
    assert {r[6] for r in scenarios[1:]} == {r[7] for r in scenarios[1:]} == {""}
    first = plan.template.uat_scenarios[0].id  # "uat-deployment"
    assert {f"{first}-{c}" for c in ("result", "comments", "defects")} <= set(
        regions(section(root, "Test scenarios"))
    )
    assert set(lozenges(section(root, "Test scenarios"))) == {("Not tested", "Grey")}
    sign_off = section(root, "Sign-off")
    assert [r[0] for r in rows(sign_off)[1:]] == [
        "Testing Team",
        "Client SME Teams",
        "Development Team",
    ]
    assert len(list(sign_off.iter(f"{AC}task"))) == 2
    assert {"uat-sign-off-checklist", "uat-sign-off-testing-team-decision"} <= set(
        regions(sign_off)
    )
    assert {t for t, _ in lozenges(root)} == {"Pass", "Fail", "Blocked", "Not tested", "Pending"}


def test_uat_scenarios_extend_per_customer_and_may_be_missing(plan):
    base = plan.template.uat_scenarios
    changed = base[1].model_copy(update={"title": "Acme daily tasks"})
    new = UatScenarioSpec(id="acme-extra", title="Extra", steps=["Do it."], expected="Done.")
    merged = merge_scenarios(base, [new, changed])
    assert [s.id for s in merged] == [*(s.id for s in base), "acme-extra"]
    assert merged[1].title == "Acme daily tasks"
    spec = plan.template.spec.model_copy(update={"uat_scenarios": []})
    bare = replace(plan, template=replace(plan.template, spec=spec))
    root = parsed(render_uat_form(bare))
    assert warnings(section(root, "Test scenarios")) == ["No scenarios"]
    assert rows(section(root, "Sign-off"))[1] == ["", "", "Pending", "", ""]


# --- locale independence ---------------------------------------------------------------------

RENDER_WITH_COUNTRIES = """
import sys
from datetime import date
from pathlib import Path

from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.inputs.templates import load_template
from nivosync.render.pages import render_release_plan

template = load_template(Path(sys.argv[1]))
people = {role: "dev@example.com" for role in template.role_names}
for country, subdivision in (("DE", "BY"), ("FR", None)):
    calendar = WorkCalendar.build({date(2026, 12, 24)}, country, subdivision)
    identity = ReleaseIdentity.checked("Acme Health", "2.4.0")
    plan = build_plan(template, identity, date(2026, 12, 7), people, calendar)
    print(render_release_plan(plan).body)
"""
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def render_in_locale(tmp_path: Path, **variables: str) -> str:
    """The plan pages rendered by a fresh interpreter whose only locale settings are these."""
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    env.update(variables)
    template = REPO / "plan_templates/nivomax-5-week.yaml"
    proc = subprocess.run(
        [sys.executable, "-c", RENDER_WITH_COUNTRIES, str(template)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_holiday_names_on_pages_do_not_depend_on_the_locale(tmp_path):
    plain = render_in_locale(tmp_path, LANG="C.UTF-8")
    german = render_in_locale(tmp_path, LANG="de_DE.UTF-8", LC_ALL="de_DE.UTF-8")
    french = render_in_locale(tmp_path, LC_ALL="fr_FR.UTF-8", LANGUAGE="fr:de")
    assert german == plain and french == plain
    plain = plain.replace("\u2011", "-")  # dates are written with non-breaking hyphens
    assert "<li>2027-01-06 (Epiphany)</li>" in plain  # Bavaria's, in English
    assert plain.count("<li>2026-12-25 (Christmas Day)</li>") == 2  # DE and FR
    assert "Weihnacht" not in plain and "Noël" not in plain
