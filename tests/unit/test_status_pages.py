"""The nightly status page of a release and the portfolio page: golden bodies and what they say.

Golden files (tests/unit/golden/status_*.xml, portfolio.xml) are reviewed like code. Regenerate
them with NIVOSYNC_UPDATE_GOLDEN=1 pytest tests/unit/test_status_pages.py and review the diff.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tests.unit.test_portfolio_load import LIMITS as LOAD_LIMITS
from tests.unit.test_portfolio_load import RELEASES as LOAD_RELEASES

from nivosync.core.baseline import epic_property, replanned_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.portfolio_load import LimitRules, people_load
from nivosync.core.slippage import (
    Baseline,
    ReleaseSlippage,
    TaskStatus,
    compute_slippage,
    parse_baseline,
)
from nivosync.inputs.templates import load_template
from nivosync.render.pages.portfolio import PortfolioRow, PortfolioSections, portfolio_body
from nivosync.render.status_page import (
    CHART_FILE,
    HistoryEntry,
    PageContext,
    status_page_body,
)
from nivosync.render.storage import (
    AC_NAMESPACE,
    NON_BREAKING_HYPHEN,
    RI_NAMESPACE,
    UserId,
    is_well_formed,
    parse_storage,
)

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "plan_templates/nivomax-5-week.yaml"
GOLDEN = Path(__file__).parent / "golden"
CREATED = datetime(2026, 12, 1, tzinfo=UTC)
AC = f"{{{AC_NAMESPACE}}}"
RI = f"{{{RI_NAMESPACE}}}"
CALENDAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
BROWSE = "https://acme.atlassian.net/browse/"
TITLE = "Acme Health 2.4.0 — Status Report"
PREFIX = "Acme Health 2.4.0: "
HOSTILE = '<b>&"'
D = date

WEEK_1 = (
    "upgrade-release-kickoff",
    "release-schedule-sharing",
    "release-documentation-and-demo-scheduling",
    "environment-review",
)
WEEK_2_3_FIRST = "uat-form-preparation"
MISSING_TASK = "post-deployment-stabilization"
GO_LIVE_TASK = "production-deployment"
LAST_TASK = "post-deployment-stabilization"


def browse(key: str) -> str:
    return f"{BROWSE}{key}"


# --- inputs ----------------------------------------------------------------------------------


def plan_from(start: date):
    template = load_template(TEMPLATE)
    people = {role: None for role in template.role_names}
    identity = ReleaseIdentity("Acme Health", "2.4.0")
    return build_plan(template, identity, start, people, CALENDAR)


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    """The shipped template from 2026-12-07, as the epic property keeps it."""
    return parse_baseline(epic_property(plan_from(D(2026, 12, 7)), CREATED))


def replanned(start: date, reason: str) -> Baseline:
    """The release created for 2026-12-07, re-planned on 2026-12-18 to start on `start`."""
    created = epic_property(plan_from(D(2026, 12, 7)), CREATED)
    at = datetime(2026, 12, 18, 9, 30, tzinfo=UTC)
    return parse_baseline(replanned_property(created, plan_from(start), at, reason, "dana"))


def task(
    baseline: Baseline,
    task_id: str,
    number: int,
    category: str,
    resolved: date | None = None,
    summary: str | None = None,
    assignee: str | None = "Dana Scully",
) -> TaskStatus:
    names = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
    return TaskStatus(
        task_id=task_id,
        key=f"NVX-{number}",
        summary=summary or f"{PREFIX}{task_id.replace('-', ' ').title()}",
        assignee=assignee,
        status=names[category],
        status_category=category,
        due=baseline.tasks[task_id].end,
        resolved=resolved,
    )


def measured(
    baseline: Baseline, as_of: date, overrides: dict[str, TaskStatus | None]
) -> ReleaseSlippage:
    """Every task To Do on its baseline dates, except `overrides` (None: no issue in Jira)."""
    found: dict[str, TaskStatus] = {}
    for number, planned in enumerate(baseline.ordered_tasks(), start=2):
        found[planned.id] = task(baseline, planned.id, number, "new")
    for task_id, status in overrides.items():
        if status is None:
            del found[task_id]
        else:
            found[task_id] = status
    return compute_slippage(baseline, found, as_of)


def slipping(baseline: Baseline) -> ReleaseSlippage:
    """On 2026-12-16: two week-1 tasks still open (late, 3 days) — one on the way to UAT, so
    go-live moves; one nothing depends on — and one task deleted from Jira."""
    done = {
        WEEK_1[0]: task(baseline, WEEK_1[0], 2, "done", baseline.tasks[WEEK_1[0]].end),
        WEEK_1[1]: task(baseline, WEEK_1[1], 3, "done", D(2026, 12, 11)),
    }
    late = {
        WEEK_1[2]: task(baseline, WEEK_1[2], 4, "indeterminate", assignee=None),
        WEEK_1[3]: task(
            baseline,
            WEEK_1[3],
            5,
            "indeterminate",
            summary=f"{PREFIX}Perform Environment Review {HOSTILE}",
            assignee=f"Dana {HOSTILE} Scully",
        ),
    }
    uat = {WEEK_2_3_FIRST: task(baseline, WEEK_2_3_FIRST, 6, "indeterminate")}
    return measured(baseline, D(2026, 12, 16), {**done, **late, **uat, MISSING_TASK: None})


def on_track(baseline: Baseline) -> ReleaseSlippage:
    """On 2026-12-10: the kickoff done on its day, the rest of week 1 under way, nothing due."""
    started = {t: task(baseline, t, n, "indeterminate") for n, t in enumerate(WEEK_1, start=2)}
    kickoff = task(baseline, WEEK_1[0], 2, "done", baseline.tasks[WEEK_1[0]].end)
    return measured(baseline, D(2026, 12, 10), {**started, WEEK_1[0]: kickoff})


def at_risk(baseline: Baseline) -> ReleaseSlippage:
    """On 2026-12-15: week 1 done on time, but a week 2-3 task is still To Do after its start."""
    done = {t: task(baseline, t, n, "done", D(2026, 12, 11)) for n, t in enumerate(WEEK_1, 2)}
    return measured(baseline, D(2026, 12, 15), done)


def done_until(
    baseline: Baseline, last: str, resolved: dict[str, date] | None = None
) -> dict[str, TaskStatus]:
    """Every task up to `last` (plan order) done on its due, or on its day in `resolved`."""
    found: dict[str, TaskStatus] = {}
    for number, planned in enumerate(baseline.ordered_tasks(), start=2):
        day = (resolved or {}).get(planned.id, planned.end)
        found[planned.id] = task(baseline, planned.id, number, "done", day)
        if planned.id == last:
            break
    return found


def all_done(baseline: Baseline) -> ReleaseSlippage:
    return measured(baseline, D(2027, 1, 13), done_until(baseline, LAST_TASK))


def went_live_early(baseline: Baseline) -> ReleaseSlippage:
    """On 2027-01-08: deployed a day early (2027-01-06, due 01-07); stabilisation under way."""
    done = done_until(baseline, GO_LIVE_TASK, {GO_LIVE_TASK: D(2027, 1, 6)})
    stabilising = task(baseline, LAST_TASK, 16, "indeterminate")
    return measured(baseline, D(2027, 1, 8), {**done, LAST_TASK: stabilising})


def finished_late(baseline: Baseline) -> ReleaseSlippage:
    """On 2027-01-18: deployed 2 working days late (2027-01-11), stabilised by 2027-01-15."""
    late = {GO_LIVE_TASK: D(2027, 1, 11), LAST_TASK: D(2027, 1, 15)}
    return measured(baseline, D(2027, 1, 18), done_until(baseline, LAST_TASK, late))


def run(
    first: date, last: date, state: str, slip: int, go_live: date, message: str = ""
) -> HistoryEntry:
    """One recorded state: its first and last night."""
    return HistoryEntry(first, last, state, slip, go_live, digest=f"{first}", message=message)


# The states recorded before tonight's (2026-12-16): on track for three nights, then slipping.
HISTORY = (
    run(D(2026, 12, 11), D(2026, 12, 13), "on_track", 0, D(2027, 1, 7)),
    run(D(2026, 12, 14), D(2026, 12, 15), "slipping", 1, D(2027, 1, 8), "now slipping"),
)


def portfolio_rows() -> list[PortfolioRow]:
    def url(page_id: int) -> str:
        return f"https://acme.atlassian.net/wiki/spaces/REL/pages/{page_id}"

    return [
        PortfolioRow(
            "Initech", "3.0", "on_track", D(2027, 2, 1), D(2027, 2, 1), 0,
            "Initech 3.0 — Status Report", url(301),
        ),
        PortfolioRow(
            "Globex", "1.2", "stale", None, None, 0, None, None,
            note=f"Jira answered 503 {HOSTILE}",
        ),
        PortfolioRow(
            "Acme Health", "2.4.0", "slipping", D(2027, 1, 12), D(2027, 1, 15), 3,
            TITLE, url(101),
            next_milestone="Evaluate Feedback (due 2027-01-05, projected 2027-01-08)",
            milestone_owner="dana@example.com",
            slip_cause="go-live +3: 2 days customer (Customer UAT Engagement), 1 day vendor "
            "(Evaluate Feedback and Address Issues)",
        ),
        PortfolioRow("Umbrella", "5.1", "missing", D(2027, 3, 1), None, 0, None, None),
        PortfolioRow(
            f"Wayne {HOSTILE} Co", "0.9", "at_risk", D(2027, 1, 20), D(2027, 1, 20), 0,
            None, url(501),
        ),
        PortfolioRow(
            "Stark", "7.0", "done", D(2026, 12, 1), D(2026, 12, 3), 1,
            "Stark 7.0 — Status Report", url(701),
            actual_go_live=D(2026, 12, 2), finished_on=D(2026, 12, 9),
        ),
        PortfolioRow(
            "Hooli", "4.4", "slipping", D(2027, 1, 5), D(2027, 1, 6), 1,
            "Hooli 4.4 — Status Report", "javascript:alert(1)",
        ),
        PortfolioRow(
            "Soylent", "9", "cancelled", D(2027, 4, 1), None, 0, None, None,
            note="cancelled",
        ),
        PortfolioRow(
            "Tyrell", "1.1", "done", D(2026, 11, 20), D(2026, 11, 24), 0, None, None,
            note="done 2026-12-01", finished_on=D(2026, 12, 1),
        ),
        PortfolioRow(
            "Cyberdyne", "2.0", "cancelled", D(2027, 2, 15), None, 0, None, None,
            note=f"cancelled 2026-12-09: customer {HOSTILE} withdrew",
            finished_on=D(2026, 12, 9),
        ),
    ]  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


def assert_golden(name: str, body: str) -> None:
    path = GOLDEN / f"{name}.xml"
    text = body + "\n"
    if os.environ.get("NIVOSYNC_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path.name}: run with NIVOSYNC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs: if the change is intended, run with NIVOSYNC_UPDATE_GOLDEN=1 "
        "and review the diff"
    )


def parsed(body: str) -> ET.Element:
    is_well_formed(body)
    return parse_storage(body)


def params(macro: ET.Element) -> dict[str, str]:
    return {p.get(f"{AC}name"): p.text or "" for p in macro.findall(f"{AC}parameter")}


def lozenges(node: ET.Element) -> list[tuple[str, str]]:
    return [
        (params(m)["title"], params(m)["colour"])
        for m in node.iter(f"{AC}structured-macro")
        if m.get(f"{AC}name") == "status"
    ]


def text(node: ET.Element) -> str:
    """What a reader sees: a lozenge as its title, spaces collapsed, a non-breaking hyphen
    (dates in cells do not wrap) as the hyphen it shows."""
    return " ".join("".join(_seen(node)).split()).replace(NON_BREAKING_HYPHEN, "-")


def _seen(node: ET.Element):
    if node.tag == f"{AC}structured-macro" and node.get(f"{AC}name") == "status":
        yield params(node)["title"]
        return
    yield node.text or ""
    for child in node:
        yield from _seen(child)
        yield child.tail or ""


def tables(root: ET.Element) -> list[ET.Element]:
    return list(root.iter("table"))


def rows(table: ET.Element) -> list[list[str]]:
    return [[text(cell) for cell in tr] for tr in table.iter("tr")]


def summary(root: ET.Element) -> dict[str, str]:
    """The key/value table at the top of a status page."""
    return {row[0]: row[1] for row in rows(tables(root)[0])}


def section_table(root: ET.Element, heading: str) -> ET.Element | None:
    """The first table after the h2 `heading` (None when the section has none)."""
    children = list(root)
    start = next(i for i, c in enumerate(children) if c.tag == "h2" and text(c) == heading)
    for child in children[start + 1 :]:
        if child.tag == "h2":
            return None
        if child.tag == "table":
            return child
    return None


def hrefs(node: ET.Element) -> list[str]:
    return [a.get("href", "") for a in node.iter("a")]


# --- golden files ----------------------------------------------------------------------------


PLAN_TITLE = "Acme Health 2.4.0 — Release Plan"
DANA_CLOUD = UserId.cloud("5b10ac8d82e05b22cc7d4ef5")
DANA_DC = UserId.data_center("8a7f808a8f1e2b3c018f1e2b3c4d0001")


def owners(baseline: Baseline, owner: str | None = "Dana Scully") -> dict[str, str | None]:
    return {m.id: owner for m in baseline.milestones}


def test_slipping_release_matches_its_golden_file(baseline):
    shown = PageContext(PLAN_TITLE, owners(baseline), {"Dana Scully": DANA_CLOUD})
    body = status_page_body(TITLE, slipping(baseline), HISTORY, browse, context=shown)
    assert_golden("status_slipping", body)


def test_on_track_release_matches_its_golden_file(baseline):
    shown = PageContext(PLAN_TITLE, owners(baseline), {"Dana Scully": DANA_DC})
    assert_golden(
        "status_on_track", status_page_body(TITLE, on_track(baseline), (), browse, context=shown)
    )


def test_done_release_matches_its_golden_file(baseline):
    assert_golden("status_done", status_page_body(TITLE, finished_late(baseline), (), browse))


def test_portfolio_matches_its_golden_file():
    """With the conflicts and load of tests/unit/test_portfolio_load.py's two releases."""
    load = people_load(LOAD_RELEASES, LimitRules(LOAD_LIMITS))
    sections = PortfolioSections(load, load.weeks(2))
    assert_golden("portfolio", portfolio_body(portfolio_rows(), sections))


def test_portfolio_without_the_analysis_has_no_sections():
    body = portfolio_body(portfolio_rows())
    assert "Conflicts" not in body and "load" not in body


# --- the status page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "lozenge"),
    [
        (slipping, ("SLIPPING", "Red")),
        (at_risk, ("AT RISK", "Yellow")),
        (on_track, ("ON TRACK", "Green")),
        (all_done, ("DONE", "Blue")),
    ],
)
def test_status_lozenge_of_each_release_status(baseline, scenario, lozenge):
    root = parsed(status_page_body(TITLE, scenario(baseline), (), browse))
    (status_row,) = [tr for tr in tables(root)[0].iter("tr") if text(tr[0]) == "Status"]
    assert lozenges(status_row) == [lozenge]


def test_slipping_page_summary_and_milestones(baseline):
    slip = slipping(baseline)
    root = parsed(status_page_body(TITLE, slip, HISTORY, browse))
    assert summary(root) == {
        "Status": "SLIPPING",
        "Planned go-live": "2027-01-07",
        "Projected go-live": "2027-01-11",
        "Slip": "2 working days (slipped 1 more working day since 2026-12-15)",
        "Planned release end": "2027-01-12",
        "Projected release end": "2027-01-14",
        "Next milestone": "Release Kickoff (planned end 2026-12-11, projected end 2026-12-16)",
        "Unchanged since": "2026-12-16",
    }
    assert "Re-planned" not in text(root)  # never re-planned: no re-plan line
    milestones = section_table(root, "Milestones")
    assert milestones is not None
    assert rows(milestones)[0] == [
        "Milestone", "Status", "Planned end", "Projected end", "Slip", "Done", "Late",
    ]  # fmt: skip
    assert rows(milestones)[1:] == [
        ["Release Kickoff", "SLIPPING MISSED", "2026-12-11", "2026-12-16", "3", "2/4",
         "NVX-4, NVX-5"],
        [
            "Preparation, Training, and UAT",
            "SLIPPING", "2026-12-28", "2026-12-30", "2", "0/6", "—",
        ],
        [
            "Evaluate Feedback, Apply Changes, and Prepare Production Apps",
            "SLIPPING", "2027-01-05", "2027-01-07", "2", "0/2", "—",
        ],
        [
            "Production Deployment and Stabilization Completed",
            "SLIPPING", "2027-01-12", "2027-01-14", "2", "0/3", "—",
        ],
    ]  # fmt: skip
    assert hrefs(milestones) == [f"{BROWSE}NVX-4", f"{BROWSE}NVX-5"]


def test_milestones_are_marked_missed_once_their_end_passed(baseline):
    milestones = section_table(
        parsed(status_page_body(TITLE, slipping(baseline), (), browse)), "Milestones"
    )
    assert milestones is not None
    marks = [lozenges(tr) for tr in list(milestones.iter("tr"))[1:]]
    assert marks[0] == [("SLIPPING", "Red"), ("MISSED", "Red")]  # Release Kickoff, due 12-11
    assert marks[1:] == [[("SLIPPING", "Red")]] * 3
    early = section_table(
        parsed(status_page_body(TITLE, on_track(baseline), (), browse)), "Milestones"
    )
    assert early is not None and "MISSED" not in text(early)


TASK_HEADERS = [
    "Key", "Task", "Assignee", "Status", "Planned due", "Finish", "Slip", "Float", "Critical path",
]  # fmt: skip


def task_rows(slip: ReleaseSlippage) -> dict[str, list[str]]:
    """The task table by key ("missing in Jira" for a missing task), header checked."""
    table = section_table(parsed(status_page_body(TITLE, slip, (), browse)), "Tasks")
    assert table is not None
    header, *body = rows(table)
    assert header == TASK_HEADERS
    return {row[0]: row[1:] for row in body}


def test_tasks_table_lists_late_at_risk_missing_and_critical_tasks(baseline):
    root = parsed(status_page_body(TITLE, slipping(baseline), HISTORY, browse))
    table = section_table(root, "Tasks")
    assert table is not None
    assert rows(table) == [
        TASK_HEADERS,
        ["NVX-4", "Release Documentation And Demo Scheduling", "unassigned", "In Progress",
         "2026-12-11", "2026-12-16 (forecast)", "3", "0", "yes"],
        ["NVX-5", f"Perform Environment Review {HOSTILE}", f"Dana {HOSTILE} Scully",
         "In Progress", "2026-12-11", "2026-12-16 (forecast)", "3", "19", "no"],
        ["NVX-6", "Uat Form Preparation", "Dana Scully", "In Progress", "2026-12-16",
         "2026-12-21 (forecast)", "3", "0", "yes"],
        ["NVX-7", "Supporting And Help Content", "Dana Scully", "To Do, past its planned start",
         "2026-12-28", "2026-12-28 (forecast)", "0", "12", "no"],
        ["NVX-8", "Release Notes Document", "Dana Scully", "To Do, past its planned start",
         "2026-12-17", "2026-12-17 (forecast)", "0", "18", "no"],
        ["NVX-9", "Release Demo To Sme", "Dana Scully", "To Do, past its planned start",
         "2026-12-17", "2026-12-21 (forecast)", "2", "0", "yes"],
        ["NVX-10", "Customer Uat Engagement", "Dana Scully", "To Do", "2026-12-23",
         "2026-12-28 (forecast)", "2", "0", "yes"],
        ["NVX-11", "Feedback Collection", "Dana Scully", "To Do", "2026-12-28",
         "2026-12-30 (forecast)", "2", "0", "yes"],
        ["NVX-12", "Evaluate Feedback And Address Issues", "Dana Scully", "To Do", "2026-12-31",
         "2027-01-05 (forecast)", "2", "0", "yes"],
        ["NVX-13", "Change Advisory Preparation", "Dana Scully", "To Do", "2027-01-05",
         "2027-01-07 (forecast)", "2", "0", "yes"],
        ["NVX-14", "Change Advisory Approval", "Dana Scully", "To Do", "2027-01-06",
         "2027-01-08 (forecast)", "2", "0", "yes"],
        ["NVX-15", "Production Deployment", "Dana Scully", "To Do", "2027-01-07",
         "2027-01-11 (forecast)", "2", "0", "yes"],
        ["missing in Jira", MISSING_TASK, "unassigned", "missing", "2027-01-12",
         "2027-01-14 (forecast)", "2", "0", "yes"],
    ]  # fmt: skip
    assert hrefs(table)[:2] == [f"{BROWSE}NVX-4", f"{BROWSE}NVX-5"]
    # done and off the critical path: history, not listed
    assert "NVX-2" not in text(table) and "NVX-3" not in text(table)


def test_critical_tasks_are_marked_in_bold(baseline):
    table = section_table(parsed(status_page_body(TITLE, slipping(baseline), (), browse)), "Tasks")
    assert table is not None
    marks = {text(tr[0]): tr[-1] for tr in list(table.iter("tr"))[1:]}
    assert marks["NVX-4"].find("strong") is not None and text(marks["NVX-4"]) == "yes"
    assert marks["NVX-5"].find("strong") is None and text(marks["NVX-5"]) == "no"


def test_on_track_tasks_table_is_the_critical_path(baseline):
    slip = on_track(baseline)
    listed = task_rows(slip)
    critical = [t.key for t in slip.tasks if t.critical]
    assert list(listed) == critical and len(critical) == 8
    assert {row[-1] for row in listed.values()} == {"yes"}
    assert {row[-2] for row in listed.values()} == {"0"}


def test_a_task_resolved_after_the_as_of_date_is_not_shown_done(baseline):
    """Issue 12, item 6: on 2026-12-16 the review resolved on 12-18 was still open."""
    kickoff = task(baseline, WEEK_1[0], 2, "done", baseline.tasks[WEEK_1[0]].end)
    review = task(baseline, WEEK_1[3], 5, "done", D(2026, 12, 18))
    slip = measured(baseline, D(2026, 12, 16), {WEEK_1[0]: kickoff, WEEK_1[3]: review})
    row = task_rows(slip)["NVX-5"]
    assert row[2:5] == [
        "open (resolved 2026-12-18, after the as-of date)", "2026-12-11", "2026-12-16 (forecast)",
    ]  # fmt: skip
    assert "Done" not in row and "(actual)" not in " ".join(row)
    milestones = section_table(parsed(status_page_body(TITLE, slip, (), browse)), "Milestones")
    assert milestones is not None and rows(milestones)[1][5] == "1/4"


def test_go_live_done_shows_the_actual_go_live(baseline):
    """Deployed a day early: the actual date, not the forecast (which never goes early)."""
    slip = went_live_early(baseline)
    assert (slip.projected_go_live, slip.actual_go_live) == (D(2027, 1, 7), D(2027, 1, 6))
    facts = summary(parsed(status_page_body(TITLE, slip, (), browse)))
    assert facts["Actual go-live"] == "2027-01-06"
    assert "Projected go-live" not in facts
    assert facts["Projected release end"] == "2027-01-12"
    assert "Actual release end" not in facts
    assert task_rows(slip)["NVX-16"][4] == "2027-01-12 (forecast)"


def test_done_release_shows_done_and_its_actual_go_live_and_end(baseline):
    slip = finished_late(baseline)
    root = parsed(status_page_body(TITLE, slip, (), browse))
    assert summary(root) == {
        "Status": "DONE",
        "Planned go-live": "2027-01-07",
        "Actual go-live": "2027-01-11",
        "Slip": "2 working days (first report)",
        "Planned release end": "2027-01-12",
        "Actual release end": "2027-01-15",
        "Next milestone": "none: every milestone is done",
        "Unchanged since": "2027-01-18",
    }
    assert lozenges(tables(root)[0])[0] == ("DONE", "Blue")
    (done,) = [m for m in root.iter(f"{AC}structured-macro") if m.get(f"{AC}name") == "tip"]
    assert params(done)["title"] == "Done"
    assert text(done.find(f"{AC}rich-text-body")) == (
        "This release is done: it went live on 2027-01-11 (planned 2027-01-07) and ended on "
        "2027-01-15."
    )
    assert task_rows(slip)["NVX-16"][4:] == ["2027-01-15 (actual)", "3", "0", "yes"]


def test_a_release_not_done_has_no_done_panel(baseline):
    body = status_page_body(TITLE, went_live_early(baseline), (), browse)
    assert 'ac:name="tip"' not in body and "This release is done" not in body


def replan_line(slip: ReleaseSlippage) -> str:
    root = parsed(status_page_body(TITLE, slip, (), browse))
    (line,) = [text(c) for c in root if c.tag == "p" and text(c).startswith("Re-planned")]
    return line


def test_replanned_release_says_how_far_behind_the_original_it_is():
    later = replanned(D(2026, 12, 21), "customer asked for two more weeks")
    slip = measured(later, D(2026, 12, 21), {})
    assert slip.planned_go_live == D(2027, 1, 21) and slip.status == "on_track"
    assert replan_line(slip) == (
        "Re-planned on 2026-12-18 (customer asked for two more weeks): 10 working days behind "
        "the original go-live 2027-01-07."
    )
    facts = summary(parsed(status_page_body(TITLE, slip, (), browse)))
    assert (facts["Planned go-live"], facts["Projected go-live"]) == ("2027-01-21", "2027-01-21")


def test_replanned_earlier_is_not_behind_the_original():
    earlier = replanned(D(2026, 12, 2), "")
    slip = measured(earlier, D(2026, 12, 2), {})
    assert slip.slip_vs_original_days < 0
    assert (
        replan_line(slip) == "Re-planned on 2026-12-18: not behind the original go-live 2027-01-07."
    )


def test_history_lists_states_newest_first_tonights_still_open(baseline):
    slip = slipping(baseline)
    now = run(D(2026, 12, 16), D(2026, 12, 16), "slipping", 3, D(2027, 1, 15), "slipped 1 more")
    root = parsed(status_page_body(TITLE, slip, HISTORY, browse, now))
    history = section_table(root, "History")
    assert history is not None
    assert rows(history) == [
        ["From", "To", "Status", "Slip (working days)", "Projected go-live", "Change"],
        ["2026-12-16", "(current)", "SLIPPING", "3", "2027-01-15", "slipped 1 more"],
        ["2026-12-14", "2026-12-15", "SLIPPING", "1", "2027-01-08", "now slipping"],
        ["2026-12-11", "2026-12-13", "ON TRACK", "0", "2027-01-07", "—"],
    ]
    assert summary(root)["Latest change"] == "slipped 1 more"


def test_history_shows_the_last_30_states(baseline):
    start = D(2026, 11, 1)
    states = [
        run(start + timedelta(days=i), start + timedelta(days=i), "on_track", i % 2, D(2027, 1, 12))
        for i in range(40)
    ]  # 2026-11-01 .. 2026-12-10, then tonight's (2026-12-16)
    body = status_page_body(TITLE, slipping(baseline), states, browse)
    history = section_table(parsed(body), "History")
    assert history is not None
    dates = [row[0] for row in rows(history)[1:]]
    assert len(dates) == 30
    assert dates[0] == "2026-12-16" and dates[1] == "2026-12-10" and dates[-1] == "2026-11-12"


def test_the_page_depends_on_what_was_measured_never_on_the_night(baseline):
    """Issue 12, item 7: the same measurement on a later night renders the same page."""
    first = measured(baseline, D(2026, 11, 23), {})
    later = measured(baseline, D(2026, 12, 4), {})
    assert first.as_of != later.as_of
    now = run(D(2026, 11, 23), D(2026, 12, 4), first.status, 0, first.projected_go_live)
    assert status_page_body(TITLE, first, HISTORY[:1], browse, now) == status_page_body(
        TITLE, later, HISTORY[:1], browse, now
    )
    assert "2026-12-04" not in status_page_body(TITLE, later, HISTORY[:1], browse, now)


@pytest.mark.parametrize(
    ("previous", "words"),
    [
        (2, "slipped 1 more working day since 2026-12-15"),
        (1, "slipped 2 more working days since 2026-12-15"),
        (3, "no change in slip since 2026-12-15"),
        (4, "recovered 1 working day since 2026-12-15"),
        (6, "recovered 3 working days since 2026-12-15"),
    ],
)
def test_trend_against_the_previous_state(baseline, previous, words):
    slip = slipping(baseline)
    history = [
        run(D(2026, 12, 12), D(2026, 12, 12), "on_track", 0, D(2027, 1, 12)),
        run(
            D(2026, 12, 14),
            D(2026, 12, 15),
            "slipping",
            slip.slip_days - 3 + previous,
            D(2027, 1, 14),
        ),
    ]
    root = parsed(status_page_body(TITLE, slip, history, browse))
    assert summary(root)["Slip"] == f"{slip.slip_days} working days ({words})"


def test_chart_is_the_attached_image(baseline):
    root = parsed(status_page_body(TITLE, slipping(baseline), (), browse))
    (img,) = root.iter(f"{AC}image")
    assert img.get(f"{AC}alt") == f"{TITLE}: planned and actual/projected dates"
    assert img.find(f"{RI}attachment").get(f"{RI}filename") == CHART_FILE == "slippage.png"


def test_values_are_escaped_text_never_markup(baseline):
    title = f"Acme {HOSTILE} 2.4.0 — Status Report"
    slip = slipping(baseline)
    summaries = {t.key: t.summary for t in slip.tasks if t.key}
    assert summaries["NVX-5"].endswith(HOSTILE)
    body = status_page_body(title, slip, HISTORY, browse)
    root = parsed(body)
    assert "<b>" not in body and '<b>&"' not in body
    assert 'Perform Environment Review &lt;b&gt;&amp;"' in body
    assert 'ac:alt="Acme &lt;b&gt;&amp;&quot; 2.4.0 — Status Report: planned' in body
    assert not list(root.iter("b"))
    img = next(root.iter(f"{AC}image"))
    assert img.get(f"{AC}alt").startswith(f"Acme {HOSTILE} 2.4.0")


# --- the portfolio page ----------------------------------------------------------------------

ACTIVE = "Active releases"
FINISHED = "Recently completed and cancelled"
PAGES = "https://acme.atlassian.net/wiki/spaces/REL/pages/"


def portfolio(rows_: list[PortfolioRow]) -> tuple[str, ET.Element | None, ET.Element | None]:
    """The count line, the active releases' table and the finished ones' (None if absent)."""
    root = parsed(portfolio_body(rows_))
    headings = [text(c) for c in root if c.tag == "h2"]
    assert headings == [h for h in (ACTIVE, FINISHED) if h in headings]  # active ones first

    def table(name: str) -> ET.Element | None:
        return section_table(root, name) if name in headings else None

    return text(root[0]), table(ACTIVE), table(FINISHED)


def test_portfolio_active_worst_first_with_notes_links_and_dashes():
    intro, active, _finished = portfolio(portfolio_rows())
    assert intro == (
        "6 active releases: 1 on track, 1 at risk, 2 slipping, 1 missing. "
        "4 recently finished: 2 done, 2 cancelled."
    )
    assert active is not None
    assert rows(active) == [
        ["Customer", "Release", "Status", "Planned go-live", "Projected / actual go-live", "Slip",
         "Next milestone", "Owner", "Status page"],
        ["Acme Health", "2.4.0", "SLIPPING", "2027-01-12", "2027-01-15", "3",
         "Evaluate Feedback (due 2027-01-05, projected 2027-01-08)", "dana@example.com", TITLE],
        ["Hooli", "4.4", "SLIPPING", "2027-01-05", "2027-01-06", "1", "—", "—",
         "Hooli 4.4 — Status Report"],
        ["Umbrella", "5.1", "MISSING", "2027-03-01", "—", "0", "—", "—", "—"],
        ["Globex", "1.2", "STALE", "—", "—", "0", "—", "—", f"Jira answered 503 {HOSTILE}"],
        [f"Wayne {HOSTILE} Co", "0.9", "AT RISK", "2027-01-20", "2027-01-20", "0", "—", "—",
         "status"],
        ["Initech", "3.0", "ON TRACK", "2027-02-01", "2027-02-01", "0", "—", "—",
         "Initech 3.0 — Status Report"],
    ]  # fmt: skip
    # the javascript: URL of Hooli's row is left as text, never a link
    assert hrefs(active) == [f"{PAGES}101", f"{PAGES}501", f"{PAGES}301"]


def test_portfolio_then_the_finished_newest_first_with_actual_go_live_and_reason():
    _intro, _active, finished = portfolio(portfolio_rows())
    assert finished is not None
    assert rows(finished) == [
        ["Customer", "Release", "Status", "Planned go-live", "Actual go-live", "Outcome",
         "Status page"],
        # finished the same day: done before cancelled; the actual go-live, not the forecast
        ["Stark", "7.0", "DONE", "2026-12-01", "2026-12-02", "done 2026-12-09",
         "Stark 7.0 — Status Report"],
        ["Cyberdyne", "2.0", "CANCELLED", "2027-02-15", "—",
         f"cancelled 2026-12-09: customer {HOSTILE} withdrew", "—"],
        ["Tyrell", "1.1", "DONE", "2026-11-20", "2026-11-24", "done 2026-12-01", "—"],
        ["Soylent", "9", "CANCELLED", "2027-04-01", "—", "cancelled", "—"],  # no date: last
    ]  # fmt: skip
    assert hrefs(finished) == [f"{PAGES}701"]


def test_portfolio_active_go_live_done_shows_the_actual():
    row = PortfolioRow(
        "Acme", "1", "at_risk", D(2027, 1, 7), D(2027, 1, 7), 0, None, None,
        actual_go_live=D(2027, 1, 6),
    )  # fmt: skip
    _intro, active, finished = portfolio([row])
    assert active is not None and finished is None
    assert rows(active)[1][4] == "2027-01-06 (actual)"


def test_portfolio_lozenge_of_each_status():
    _intro, active, finished = portfolio(portfolio_rows())
    assert active is not None and finished is not None
    trs = list(active.iter("tr"))[1:] + list(finished.iter("tr"))[1:]
    by_customer = {text(tr[0]): lozenges(tr) for tr in trs}
    assert by_customer == {
        "Acme Health": [("SLIPPING", "Red")],
        "Hooli": [("SLIPPING", "Red")],
        "Umbrella": [("MISSING", "Red")],
        "Globex": [("STALE", "Grey")],
        f"Wayne {HOSTILE} Co": [("AT RISK", "Yellow")],
        "Initech": [("ON TRACK", "Green")],
        "Stark": [("DONE", "Blue")],
        "Tyrell": [("DONE", "Blue")],
        "Cyberdyne": [("CANCELLED", "Grey")],
        "Soylent": [("CANCELLED", "Grey")],
    }


def test_portfolio_ties_break_on_slip_then_go_live_then_name():
    def row(customer: str, slip: int, go_live: date | None) -> PortfolioRow:
        return PortfolioRow(customer, "1", "slipping", go_live, go_live, slip, None, None)

    _intro, active, _finished = portfolio(
        [
            row("D", 1, D(2027, 1, 9)),
            row("C", 1, None),
            row("B", 1, D(2027, 1, 9)),
            row("A", 1, D(2027, 1, 10)),
            row("E", 5, D(2027, 2, 1)),
        ]
    )
    assert active is not None
    assert [r[0] for r in rows(active)[1:]] == ["E", "B", "D", "A", "C"]


def test_portfolio_one_and_none():
    intro, _active, _finished = portfolio(portfolio_rows()[:1])
    assert intro == "1 active release: 1 on track."
    stale_only, _active, _finished = portfolio([portfolio_rows()[1]])
    assert stale_only == "1 active release."
    assert portfolio_body([]) == "<p>No active releases.</p>"


def test_portfolio_with_only_finished_releases_says_none_is_active():
    """Issue 12, item 5: the portfolio is always rewritten, also when nothing runs any more."""
    finished_only = [r for r in portfolio_rows() if r.status in ("done", "cancelled")]
    intro, active, finished = portfolio(finished_only)
    assert intro == "No active releases. 4 recently finished: 2 done, 2 cancelled."
    assert active is None
    assert finished is not None and len(rows(finished)) == 5


def test_portfolio_values_are_escaped():
    body = portfolio_body(portfolio_rows())
    is_well_formed(body)
    assert "<b>" not in body
    assert '<td>Wayne &lt;b&gt;&amp;" Co</td>' in body
    assert 'Jira answered 503 &lt;b&gt;&amp;"' in body
    assert 'customer &lt;b&gt;&amp;" withdrew' in body
    assert "javascript:" not in body
