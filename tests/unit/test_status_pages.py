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

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import (
    Baseline,
    ReleaseSlippage,
    TaskStatus,
    compute_slippage,
    parse_baseline,
)
from nivosync.inputs.templates import load_template
from nivosync.render.status_page import (
    CHART_FILE,
    HistoryEntry,
    PortfolioRow,
    portfolio_body,
    status_page_body,
)
from nivosync.render.storage import AC_NAMESPACE, RI_NAMESPACE, is_well_formed, parse_storage

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
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


def browse(key: str) -> str:
    return f"{BROWSE}{key}"


# --- inputs ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    """The shipped template from 2026-12-07, as the epic property keeps it."""
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    people = {role: None for role in template.role_names}
    identity = ReleaseIdentity("Acme Health", "2.4.0")
    plan = build_plan(template, identity, D(2026, 12, 7), people, CALENDAR)
    return parse_baseline(epic_property(plan, datetime(2026, 12, 1, tzinfo=UTC)))


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
    """On 2026-12-16: two week-1 tasks still open (late, 3 days), one task deleted from Jira."""
    done = {
        WEEK_1[0]: task(baseline, WEEK_1[0], 2, "done", D(2026, 12, 11)),
        WEEK_1[2]: task(baseline, WEEK_1[2], 4, "done", D(2026, 12, 11)),
    }
    late = {
        WEEK_1[1]: task(baseline, WEEK_1[1], 3, "indeterminate", assignee=None),
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
    """On 2026-12-10: week 1 under way, nothing due yet."""
    started = {t: task(baseline, t, n, "indeterminate") for n, t in enumerate(WEEK_1, start=2)}
    return measured(baseline, D(2026, 12, 10), started)


def at_risk(baseline: Baseline) -> ReleaseSlippage:
    """On 2026-12-15: week 1 done on time, but a week 2-3 task is still To Do after its start."""
    done = {t: task(baseline, t, n, "done", D(2026, 12, 11)) for n, t in enumerate(WEEK_1, 2)}
    return measured(baseline, D(2026, 12, 15), done)


def all_done(baseline: Baseline) -> ReleaseSlippage:
    done = {
        t.id: task(baseline, t.id, n, "done", t.end)
        for n, t in enumerate(baseline.ordered_tasks(), start=2)
    }
    return measured(baseline, D(2027, 1, 13), done)


HISTORY = (
    HistoryEntry(D(2026, 12, 14), "on_track", 0, D(2027, 1, 12)),
    HistoryEntry(D(2026, 12, 15), "slipping", 2, D(2027, 1, 14)),
    # an earlier run on the same day: today's verdict replaces it
    HistoryEntry(D(2026, 12, 16), "at_risk", 1, D(2027, 1, 13)),
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
        ),
        PortfolioRow("Umbrella", "5.1", "missing", D(2027, 3, 1), None, 0, None, None),
        PortfolioRow(
            f"Wayne {HOSTILE} Co", "0.9", "at_risk", D(2027, 1, 20), D(2027, 1, 20), 0,
            None, url(501),
        ),
        PortfolioRow(
            "Stark", "7.0", "done", D(2026, 12, 1), D(2026, 12, 2), 1,
            "Stark 7.0 — Status Report", url(701),
        ),
        PortfolioRow(
            "Hooli", "4.4", "slipping", D(2027, 1, 5), D(2027, 1, 6), 1,
            "Hooli 4.4 — Status Report", "javascript:alert(1)",
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
    """What a reader sees: a lozenge as its title, spaces collapsed."""
    return " ".join("".join(_seen(node)).split())


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


def test_slipping_release_matches_its_golden_file(baseline):
    assert_golden("status_slipping", status_page_body(TITLE, slipping(baseline), HISTORY, browse))


def test_on_track_release_matches_its_golden_file(baseline):
    assert_golden("status_on_track", status_page_body(TITLE, on_track(baseline), (), browse))


def test_portfolio_matches_its_golden_file():
    assert_golden("portfolio", portfolio_body(portfolio_rows(), D(2026, 12, 16)))


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
        "Planned go-live": "2027-01-12",
        "Projected go-live": "2027-01-15",
        "Slip": "3 working days (slipped 1 more day since 2026-12-15)",
        "As of": "2026-12-16",
    }
    milestones = section_table(root, "Milestones")
    assert milestones is not None
    assert rows(milestones)[0] == [
        "Milestone", "Status", "Planned end", "Projected end", "Slip", "Done", "Late",
    ]  # fmt: skip
    assert rows(milestones)[1:] == [
        ["Release Kickoff", "SLIPPING", "2026-12-11", "2026-12-16", "3", "2/4", "NVX-3, NVX-5"],
        [
            "Preparation, Training, and UAT",
            "SLIPPING", "2026-12-28", "2026-12-31", "3", "0/6", "—",
        ],
        [
            "Evaluate Feedback, Apply Changes, and Prepare Production Apps",
            "SLIPPING", "2027-01-05", "2027-01-08", "3", "0/2", "—",
        ],
        [
            "Production Deployment and Stabilization Completed",
            "SLIPPING", "2027-01-12", "2027-01-15", "3", "0/3", "—",
        ],
    ]  # fmt: skip
    assert hrefs(milestones) == [f"{BROWSE}NVX-3", f"{BROWSE}NVX-5"]


def test_late_tasks_list_the_late_and_the_missing(baseline):
    root = parsed(status_page_body(TITLE, slipping(baseline), HISTORY, browse))
    late = section_table(root, "Late tasks")
    assert late is not None
    assert rows(late) == [
        ["Task", "Key", "Assignee", "Status", "Planned end", "Due in Jira", "Days late"],
        ["Release Schedule Sharing", "NVX-3", "unassigned", "In Progress",
         "2026-12-11", "2026-12-11", "3"],
        [f"Perform Environment Review {HOSTILE}", "NVX-5", f"Dana {HOSTILE} Scully",
         "In Progress", "2026-12-11", "2026-12-11", "3"],
        [MISSING_TASK, "missing in Jira", "unassigned", "missing", "2027-01-12", "—", "0"],
    ]  # fmt: skip
    assert hrefs(late) == [f"{BROWSE}NVX-3", f"{BROWSE}NVX-5"]
    assert "NVX-4" not in text(late)  # done, even if late, is not chased


def test_nothing_late_is_said_so(baseline):
    root = parsed(status_page_body(TITLE, on_track(baseline), (), browse))
    assert section_table(root, "Late tasks") is None
    children = list(root)
    after = children[[text(c) for c in children].index("Late tasks") + 1]
    assert (after.tag, text(after)) == ("p", "No task is late.")
    assert summary(root)["Slip"] == "0 working days (first nightly report)"


def test_history_newest_first_with_today_replacing_an_earlier_run(baseline):
    root = parsed(status_page_body(TITLE, slipping(baseline), HISTORY, browse))
    history = section_table(root, "History")
    assert history is not None
    assert rows(history) == [
        ["As of", "Status", "Slip (working days)", "Projected go-live"],
        ["2026-12-16", "SLIPPING", "3", "2027-01-15"],
        ["2026-12-15", "SLIPPING", "2", "2027-01-14"],
        ["2026-12-14", "ON TRACK", "0", "2027-01-12"],
    ]
    assert lozenges(history) == [("SLIPPING", "Red"), ("SLIPPING", "Red"), ("ON TRACK", "Green")]


def test_history_shows_the_last_30_runs(baseline):
    slip = slipping(baseline)
    start = D(2026, 11, 1)
    runs = [
        HistoryEntry(start + timedelta(days=i), "on_track", 0, D(2027, 1, 12)) for i in range(40)
    ]  # 2026-11-01 .. 2026-12-10, then today's run (2026-12-16)
    history = section_table(parsed(status_page_body(TITLE, slip, runs, browse)), "History")
    assert history is not None
    dates = [row[0] for row in rows(history)[1:]]
    assert len(dates) == 30
    assert dates[0] == "2026-12-16" and dates[1] == "2026-12-10" and dates[-1] == "2026-11-12"


@pytest.mark.parametrize(
    ("previous", "words"),
    [
        (2, "slipped 1 more day since 2026-12-15"),
        (1, "slipped 2 more days since 2026-12-15"),
        (3, "no change since 2026-12-15"),
        (4, "recovered 1 day since 2026-12-15"),
        (6, "recovered 3 days since 2026-12-15"),
    ],
)
def test_trend_against_the_previous_run(baseline, previous, words):
    history = [
        HistoryEntry(D(2026, 12, 12), "on_track", 0, D(2027, 1, 12)),
        HistoryEntry(D(2026, 12, 15), "slipping", previous, D(2027, 1, 14)),
    ]
    root = parsed(status_page_body(TITLE, slipping(baseline), history, browse))
    assert summary(root)["Slip"] == f"3 working days ({words})"


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


def portfolio_table(rows_: list[PortfolioRow]) -> tuple[str, ET.Element]:
    root = parsed(portfolio_body(rows_, D(2026, 12, 16)))
    (table,) = tables(root)
    return text(root[0]), table


def test_portfolio_worst_first_with_notes_links_and_dashes():
    intro, table = portfolio_table(portfolio_rows())
    assert intro == (
        "7 active releases as of 2026-12-16: 1 done, 1 on track, 1 at risk, 2 slipping, 1 missing."
    )
    assert rows(table) == [
        ["Customer", "Release", "Status", "Planned go-live", "Projected go-live", "Slip",
         "Status page"],
        ["Acme Health", "2.4.0", "SLIPPING", "2027-01-12", "2027-01-15", "3", TITLE],
        ["Hooli", "4.4", "SLIPPING", "2027-01-05", "2027-01-06", "1",
         "Hooli 4.4 — Status Report"],
        ["Umbrella", "5.1", "MISSING", "2027-03-01", "—", "0", "—"],
        ["Globex", "1.2", "STALE", "—", "—", "0", f"Jira answered 503 {HOSTILE}"],
        [f"Wayne {HOSTILE} Co", "0.9", "AT RISK", "2027-01-20", "2027-01-20", "0", "status"],
        ["Initech", "3.0", "ON TRACK", "2027-02-01", "2027-02-01", "0",
         "Initech 3.0 — Status Report"],
        ["Stark", "7.0", "DONE", "2026-12-01", "2026-12-02", "1", "Stark 7.0 — Status Report"],
    ]  # fmt: skip
    base = "https://acme.atlassian.net/wiki/spaces/REL/pages/"
    # the javascript: URL of Hooli's row is left as text, never a link
    assert hrefs(table) == [f"{base}101", f"{base}501", f"{base}301", f"{base}701"]


def test_portfolio_lozenge_of_each_status():
    _intro, table = portfolio_table(portfolio_rows())
    by_customer = {text(tr[0]): lozenges(tr) for tr in list(table.iter("tr"))[1:]}
    assert by_customer == {
        "Acme Health": [("SLIPPING", "Red")],
        "Hooli": [("SLIPPING", "Red")],
        "Umbrella": [("MISSING", "Red")],
        "Globex": [("STALE", "Grey")],
        f"Wayne {HOSTILE} Co": [("AT RISK", "Yellow")],
        "Initech": [("ON TRACK", "Green")],
        "Stark": [("DONE", "Blue")],
    }


def test_portfolio_ties_break_on_slip_then_go_live_then_name():
    def row(customer: str, slip: int, go_live: date | None) -> PortfolioRow:
        return PortfolioRow(customer, "1", "slipping", go_live, go_live, slip, None, None)

    _intro, table = portfolio_table(
        [
            row("D", 1, D(2027, 1, 9)),
            row("C", 1, None),
            row("B", 1, D(2027, 1, 9)),
            row("A", 1, D(2027, 1, 10)),
            row("E", 5, D(2027, 2, 1)),
        ]
    )
    assert [r[0] for r in rows(table)[1:]] == ["E", "B", "D", "A", "C"]


def test_portfolio_one_and_none():
    intro, _table = portfolio_table(portfolio_rows()[:1])
    assert intro == "1 active release as of 2026-12-16: 1 on track."
    stale_only, _table = portfolio_table([portfolio_rows()[1]])
    assert stale_only == "1 active release as of 2026-12-16."
    body = portfolio_body([], D(2026, 12, 16))
    assert body == "<p>No active releases as of 2026-12-16.</p>"


def test_portfolio_values_are_escaped():
    body = portfolio_body(portfolio_rows(), D(2026, 12, 16))
    is_well_formed(body)
    assert "<b>" not in body
    assert '<td>Wayne &lt;b&gt;&amp;" Co</td>' in body
    assert 'Jira answered 503 &lt;b&gt;&amp;"' in body
    assert "javascript:" not in body
