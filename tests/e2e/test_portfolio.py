"""The portfolio across releases (issue 16) on both flavours: people's overloads, who caused a
go-live slip, and the portfolio page that shows them, from what `sync --all` read anyway."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import icalendar
import pytest
import vobject
import yaml
from PIL import Image

from .conftest import E2ESite
from .test_sync import cli, night_passes, page_body, resolve_on, sync

D = date
ACME = ["--customer", "Acme Health", "--release", "2.4.0"]
GLOBEX = ["--customer", "Globex Logistics", "--release", "1.0"]  # Bavaria: Epiphany 01-06 off
INITECH = ["--customer", "Initech", "--release", "3.0"]  # not in customers: the global roles
LIMITS = {
    "max_tasks_per_day": 3,
    "min_working_days_between_go_lives": 2,
    "max_go_lives_per_week": 1,
    "freezes": [{"name": "Stock-take", "start": "2027-01-11", "end": "2027-01-15"}],
}
ON_TIME = [  # Acme's tasks before its UAT, done on their due dates
    ("upgrade-release-kickoff", date(2026, 12, 7)),
    ("release-schedule-sharing", date(2026, 12, 11)),
    ("release-documentation-and-demo-scheduling", date(2026, 12, 11)),
    ("environment-review", date(2026, 12, 11)),
    ("uat-form-preparation", date(2026, 12, 16)),
    ("release-notes-document", date(2026, 12, 17)),
    ("release-demo-to-sme", date(2026, 12, 17)),
]


def with_portfolio(site: E2ESite) -> None:
    data = yaml.safe_load(site.config_path.read_text())
    data["portfolio"] = LIMITS
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))


def create(site: E2ESite, release: list[str], start: str) -> dict[str, str]:
    result = cli(
        site, "create", *release, "--start", start, "--json", "--no-publish", "--allow-conflict"
    )
    assert result.exit_code == 0, result.output
    return {i["task_id"]: i["key"] for i in json.loads(result.stdout)["issues"]}


@pytest.fixture
def three(site: E2ESite) -> tuple[E2ESite, dict[str, str]]:
    """Acme Health and Globex from Mon 2026-12-07, Initech a week later; one Delivery
    Supervisor (dana) and one Development Team (dev) for all three."""
    with_portfolio(site)
    acme = create(site, ACME, "2026-12-07")
    create(site, GLOBEX, "2026-12-07")
    create(site, INITECH, "2026-12-14")
    night_passes(site)
    return site, acme


def test_overloads_across_three_releases_by_hand(three):
    """As of the start, the forecast is the plan. Dana carries, on Tue 12-08, Acme's and
    Globex's Release Schedule Sharing and Documentation (12-08..12-11): 4 > 3. On Tue 12-15:
    Acme's and Globex's SME demo (12-15..12-17) and Initech's two follow-ups (12-15..12-18): 4.
    Go-lives: Acme Thu 01-07, Globex Fri 01-08 (its CA approval moves past Epiphany), 1 working
    day apart < 2, for dana (owner) and dev (watcher); Initech's on 01-14 is 4 days later."""
    site, _ = three
    site.clear()
    code, report = sync(site, "--all", "--as-of", "2026-12-07", "--no-publish")
    assert code == 0, report
    go_lives = {r["customer"]: r["planned_go_live"] for r in report["releases"]}
    assert go_lives == {
        "Acme Health": "2027-01-07",
        "Globex Logistics": "2027-01-08",
        "Initech": "2027-01-14",
    }
    overloads = report["portfolio"]["overloads"]
    found = [(o["person"], o["kind"], o["on"], o["count"]) for o in overloads]
    assert ("dana@example.com", "day", "2026-12-08", 4) in found
    assert ("dana@example.com", "day", "2026-12-15", 4) in found
    # Initech's go-live (Thu 01-14) is planned in the freeze (Mon 01-11 to Fri 01-15); Acme's
    # and Globex's share the week of Mon 01-04 (at most 1 a week).
    collisions = report["portfolio"]["go_live_conflicts"]
    assert [(c["kind"], c["on"], c["releases"], c["slid_into_freeze"]) for c in collisions] == [
        ("freeze", "2027-01-14", ["Initech 3.0"], False),
        ("week", "2027-01-04", ["Acme Health 2.4.0", "Globex Logistics 1.0"], False),
    ]
    go_live = [o for o in overloads if o["kind"] == "go-lives"]
    assert [(o["person"], o["on"], o["count"], o["limit"]) for o in go_live] == [
        ("dana@example.com", "2027-01-07", 1, 2),
        ("dev@example.com", "2027-01-07", 1, 2),
    ]
    assert go_live[0]["releases"] == ["Acme Health 2.4.0", "Globex Logistics 1.0"]
    first = next(o for o in overloads if o["on"] == "2026-12-08")
    assert sorted(t["task_id"] for t in first["tasks"]) == [
        "release-documentation-and-demo-scheduling",
        "release-documentation-and-demo-scheduling",
        "release-schedule-sharing",
        "release-schedule-sharing",
    ]


def test_the_analysis_costs_no_request(three, monkeypatch):
    """The same sync with the analysis switched off makes exactly the same requests."""
    site, _ = three
    site.clear()
    code, with_it = sync(site, "--all", "--as-of", "2026-12-07", "--no-publish")
    counted = [(r["method"], r["path"]) for r in site.requests()]
    assert code == 0 and with_it["portfolio"]["overloads"]
    monkeypatch.setattr("nivosync.app.sync._analysis", lambda config, run: None)
    site.clear()
    code, without = sync(site, "--all", "--as-of", "2026-12-07", "--no-publish")
    assert code == 0 and "portfolio" not in without
    assert sorted(counted) == sorted((r["method"], r["path"]) for r in site.requests())


def test_who_caused_the_slip_and_the_portfolio_page(three):
    """Acme's work before the UAT done on time; its UAT (Client SME Teams, due Wed 12-23) still
    open on Tue 12-29: it finishes 12-29 at the earliest, 3 working days late (12-24, 12-28,
    12-29; Christmas off), and so does everything after it: go-live +3, all the customer's."""
    site, acme = three
    for task_id, day in ON_TIME:
        resolve_on(site, acme[task_id], day)
    night_passes(site)
    code, report = sync(site, "--all", "--as-of", "2026-12-29")
    assert code == 0, report
    causes = report["portfolio"]["slip_attribution"]
    acme_cause = next(c for s, c in causes.items() if s.startswith("acme"))
    assert acme_cause["slip_days"] == 3
    assert acme_cause["by_side"] == {"customer": 3}
    assert acme_cause["text"] == "go-live +3: 3 days customer (Customer UAT Engagement)"
    # Acme's go-live, planned Thu 01-07, is forecast Tue 01-12 (+3: 01-08, 01-11, 01-12): it
    # slid into the freeze.
    acme = next(r for r in report["releases"] if r["customer"] == "Acme Health")
    assert acme["projected_go_live"] == "2027-01-12"
    slid = [c for c in report["portfolio"]["go_live_conflicts"] if c["slid_into_freeze"]]
    assert [c["releases"] for c in slid] == [["Acme Health 2.4.0"]]
    # Globex and Initech: nothing done, their kickoff (the vendor's) drives every day of it.
    for s, cause in causes.items():
        if not s.startswith("acme"):
            assert cause["slip_days"] > 0 and set(cause["by_side"]) == {"vendor"}
            assert sum(share["days"] for share in cause["shares"]) == cause["slip_days"]
    body = page_body(site, report["portfolio_page"]["id"])
    assert "go-live +3: 3 days customer (Customer UAT Engagement)" in body
    assert "<h2>Conflicts</h2>" in body and "go-lives 1 working day apart" in body
    assert "go-live 2027-01-12 is in the freeze" in body
    assert "People&#39;s load" in body or "People's load" in body
    assert "Customer UAT Engagement (due" not in body  # next milestone: the UAT's milestone
    assert "Preparation, Training, and UAT (due 2026-12-28, projected" in body


def calendar_uids(site: E2ESite, path, as_of: str) -> dict[str, date]:
    result = cli(site, "calendar", "--out", str(path), "--as-of", as_of)
    assert result.exit_code == 0, result.output
    assert "events of 3 releases" in result.stdout
    parsed = icalendar.Calendar.from_ical(path.read_bytes())
    found = {str(e["UID"]): e.decoded("DTSTART") for e in parsed.walk("VEVENT")}
    independent = vobject.readOne(path.read_text(encoding="utf-8"))
    assert {e.uid.value: e.dtstart.value for e in independent.vevent_list} == found
    return found


def test_calendar_feed_keeps_its_uids_across_a_replan(three, tmp_path):
    """3 releases x (go-live + 4 milestones) x (planned, forecast) = 30 events. Acme re-planned
    a week later (from Mon 12-14): its go-live moves from Thu 01-07 to Thu 01-14, same UIDs."""
    site, _ = three
    before = calendar_uids(site, tmp_path / "before.ics", "2026-12-07")
    assert len(before) == 30
    planned = "acme-health--2.4.0.go-live.planned@nivosync"
    forecast = "acme-health--2.4.0.go-live.forecast@nivosync"
    assert before[planned] == before[forecast] == date(2027, 1, 7)
    assert before["globex-logistics--1.0.go-live.planned@nivosync"] == date(2027, 1, 8)
    moved = cli(
        site, "replan", *ACME, "--start", "2026-12-14", "--reason", "customer asked",
        "--allow-conflict",  # 01-14 is in the freeze: see the test below
    )  # fmt: skip
    assert moved.exit_code == 0, moved.output
    night_passes(site)
    after = calendar_uids(site, tmp_path / "after.ics", "2026-12-07")
    assert set(after) == set(before)
    assert after[planned] == after[forecast] == date(2027, 1, 14)
    changed = {uid for uid in before if before[uid] != after[uid]}
    assert changed and all(uid.startswith("acme-health--2.4.0.") for uid in changed)


def test_create_refuses_a_go_live_in_a_freeze_or_a_crowded_week(three):
    """Hooli from Mon 12-14 would go live Thu 01-14: in the freeze, and in Initech's week (at
    most 1 a week) — exit 2, nothing written; with --allow-conflict, created with a warning.
    From Mon 12-28 (go-live Wed 01-27; 01-01 off) nothing conflicts."""
    site, _ = three
    hooli = ["--customer", "Hooli", "--release", "1.0"]
    site.clear()
    refused = cli(site, "create", *hooli, "--start", "2026-12-14", "--no-publish")
    assert refused.exit_code == 2, refused.output
    assert "go-live 2027-01-14 conflicts" in refused.stderr
    assert "in the freeze 'Stock-take'" in refused.stderr
    assert "2 go-lives in the week of 2027-01-11 (at most 1): Hooli 1.0, Initech 3.0" in (
        refused.stderr
    )
    assert site.writes() == []
    searches = [r for r in site.requests() if "search" in r["path"]]
    assert len(searches) == 1  # the running releases' epics, once
    allowed = cli(site, "create", *hooli, "--start", "2026-12-14", "--no-publish",
                  "--allow-conflict")  # fmt: skip
    assert allowed.exit_code == 0, allowed.output
    assert "warning: go-live conflict (allowed): Hooli 1.0: go-live 2027-01-14" in allowed.stderr
    rerun = cli(site, "create", *hooli, "--start", "2026-12-14", "--no-publish")
    assert rerun.exit_code == 0, rerun.output  # made already: a re-run is never refused
    assert "go-live 2027-01-14" in rerun.stderr
    fine = cli(site, "create", "--customer", "Umbrella", "--release", "1.0",
               "--start", "2026-12-28", "--no-publish")  # fmt: skip
    assert fine.exit_code == 0, fine.output
    assert "conflict" not in fine.stderr


def test_plan_what_if_names_the_new_conflicts_and_the_earliest_free_start(three):
    """Only the freeze (Mon 01-11 to Fri 01-15) and at most 1 go-live a week. Hooli from Mon
    12-14 would go live Thu 01-14: in the freeze, and in Initech's week. From Tue 12-15: Fri
    01-15, still in both. From Wed 12-16: Mon 01-18 — a week of its own, after the freeze."""
    site, _ = three
    data = yaml.safe_load(site.config_path.read_text())
    data["portfolio"] = {"max_go_lives_per_week": 1, "freezes": LIMITS["freezes"]}
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    hooli = ["--customer", "Hooli", "--release", "1.0", "--start", "2026-12-14"]
    site.clear()
    result = cli(site, "plan", *hooli, "--what-if", "--json")
    assert result.exit_code == 0, result.output
    what_if = json.loads(result.stdout)["what_if"]
    assert what_if["live_releases"] == 3
    assert what_if["go_live_conflicts"] == [
        "Hooli 1.0: go-live 2027-01-14 is in the freeze 'Stock-take' (2027-01-11 – 2027-01-15)",
        "2 go-lives in the week of 2027-01-11 (at most 1): Hooli 1.0, Initech 3.0",
    ]
    assert what_if["overloads"] == []
    assert what_if["earliest_start"] == "2026-12-16"
    assert site.writes() == []
    searched = [r["path"] for r in site.requests() if "search" in r["path"]]
    site.clear()
    code, _ = sync(site, "--all", "--no-publish")
    assert code == 0
    assert len(searched) <= len([r for r in site.requests() if "search" in r["path"]])
    text = cli(site, "plan", *hooli[:-1], "2026-12-16", "--what-if")
    assert "What-if against 3 live releases: Hooli 1.0 adds no conflict." in text.stdout


def test_replan_refuses_a_go_live_moved_into_a_freeze_unless_allowed(three):
    """Acme from Mon 12-14 would go live Thu 01-14: in the freeze (and in Initech's week). A
    re-plan there is exit 2 with nothing written; with --allow-conflict it moves, saying so."""
    site, _ = three
    args = [*ACME, "--start", "2026-12-14", "--reason", "client asked", "--json"]
    site.clear()
    refused = cli(site, "replan", *args)
    assert refused.exit_code == 2, refused.output
    assert "go-live 2027-01-14 conflicts" in refused.stderr
    assert "--allow-conflict to re-plan it anyway" in refused.stderr
    assert site.writes() == []
    moved = cli(site, "replan", *args, "--allow-conflict")
    assert moved.exit_code == 0, moved.output
    notes = json.loads(moved.stdout)["notes"]
    assert any(n.startswith("go-live conflict (allowed): ") for n in notes), notes


def test_the_change_advisory_shows_the_freeze_its_go_live_falls_in(three):
    """Before the re-plan Acme's go-live (01-07) is clear of the freeze; moved to 01-14, its
    Change Advisory says the go-live is in the freeze 'Stock-take'."""
    site, _ = three
    first = cli(site, "publish", *ACME, "--page", "change-advisory", "--json")
    assert first.exit_code == 0, first.output
    pages = {p["kind"]: p for p in json.loads(first.stdout)["pages"]}
    page_id = pages["change-advisory"]["id"]
    assert "None covers the go-live" in page_body(site, page_id)
    moved = cli(
        site, "replan", *ACME, "--start", "2026-12-14", "--reason", "customer asked",
        "--allow-conflict", "--change-advisory", str(_empty_advisory(site)),
    )  # fmt: skip
    assert moved.exit_code == 0, moved.output
    body = page_body(site, page_id).replace("\u2011", "-")
    assert "Change freezes" in body and "is in the freeze 'Stock-take'" in body, body[:2000]


JIRA_SEARCH = re.compile(r"^/rest/api/\d/search(/jql)?$")  # not Confluence's content search


def test_the_change_advisory_shows_the_go_lives_crowding_its_week_for_one_search(three):
    """At most 1 go-live a week: Acme goes live Thu 01-07 and Globex Fri 01-08, both in the week
    of Mon 01-04 — Acme's Change Advisory says so; Initech's (Thu 01-14, its week alone) says
    none. Reading the other releases' go-lives costs one search of their epics (Jira's
    searches counted), and none without a go-live limit (nor for a publish without the Change
    Advisory)."""
    site, _ = three

    def published(release: list[str], page: str = "change-advisory") -> tuple[str, int]:
        site.clear()
        result = cli(site, "publish", *release, "--page", page, "--json")
        assert result.exit_code == 0, result.output
        searches = len([r for r in site.requests() if JIRA_SEARCH.search(r["path"])])
        pages = {p["kind"]: p["id"] for p in json.loads(result.stdout)["pages"]}
        return page_body(site, pages[page]).replace("\u2011", "-"), searches

    acme, with_limit = published(ACME)
    assert "Go-live collisions" in acme
    crowded = (
        "2 go-lives in the week of 2027-01-04 (at most 1): Acme Health 2.4.0, Globex Logistics 1.0"
    )
    assert crowded in acme, acme[:3000]
    initech, _ = published(INITECH)
    assert "Go-live collisions" in initech and "None with the other releases" in initech
    assert "Initech 3.0: go-live 2027-01-14 is in the freeze" in initech
    _, plan_only = published(ACME, "plan")
    data = yaml.safe_load(site.config_path.read_text())
    del data["portfolio"]["max_go_lives_per_week"]
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    unlimited, without_limit = published(ACME)
    assert "Go-live collisions" not in unlimited and crowded not in unlimited
    assert with_limit == without_limit + 1
    assert plan_only == 1  # the release's own issues: no epics search without the CA page


def _empty_advisory(site: E2ESite):
    path = site.config_path.parent / "ca.yaml"
    path.write_text("change_number: CHG-1\n", encoding="utf-8")
    return path


def attachments(site: E2ESite, page_id: str) -> dict[str, tuple[str, bytes]]:
    """The page's attachments read back with plain HTTP: title → (id, bytes)."""
    import requests

    base, auth = site.sandbox.confluence_url, site.sandbox.auth
    if site.flavor == "cloud":  # v1's attachment listing is gone on Cloud (410)
        answer = requests.get(f"{base}/api/v2/pages/{page_id}/attachments", auth=auth, timeout=10)
        assert answer.status_code == 200, answer.text
        links = {a["title"]: (a["id"], a["downloadLink"]) for a in answer.json()["results"]}
    else:
        answer = requests.get(
            f"{base}/rest/api/content/{page_id}/child/attachment", auth=auth, timeout=10
        )
        assert answer.status_code == 200, answer.text
        links = {a["title"]: (a["id"], a["_links"]["download"]) for a in answer.json()["results"]}
    origin = base.removesuffix("/wiki").removesuffix("/confluence")
    found = {}
    for title, (ident, link) in links.items():
        url = origin + link if link.startswith(("/wiki", "/confluence")) else base + link
        found[title] = (ident, requests.get(url, auth=auth, timeout=10).content)
    return found


def uploads(site: E2ESite, page_id: str) -> list[str]:
    return [r["path"] for r in site.writes() if f"content/{page_id}/child/attachment" in r["path"]]


def test_the_portfolio_page_carries_the_calendar_feed_uploaded_only_when_it_changes(
    three, monkeypatch
):
    from nivosync.app import sync as sync_app

    built: list[int] = []
    real = sync_app.calendar_ics
    monkeypatch.setattr(sync_app, "calendar_ics", lambda *a: built.append(1) or real(*a))
    site, _ = three
    code, report = sync(site, "--all", "--as-of", "2026-12-07")
    assert code == 0, report
    page_id = report["portfolio_page"]["id"]
    files = attachments(site, page_id)
    assert set(files) == {"releases.ics", "people-load.png"}
    calendar = icalendar.Calendar.from_ical(files["releases.ics"][1])
    assert len([e for e in calendar.walk("VEVENT")]) == 30
    assert "releases.ics" in page_body(site, page_id)
    site.clear()
    assert built == [1]
    built.clear()
    code, _ = sync(site, "--all", "--as-of", "2026-12-07")  # a quiet night: nothing moved
    assert code == 0 and uploads(site, page_id) == [], uploads(site, page_id)
    assert built == []  # not even written (its digest is of its events)


def test_the_portfolio_page_shows_the_load_chart_drawn_only_when_its_load_changes(
    three, monkeypatch
):
    """As of the start the forecast is the plan; the load table's 4 weeks from Mon 12-07. Dana
    (limit 3 a day): Tue 12-08 Acme's and Globex's Schedule Sharing and Documentation, 4; Tue
    12-15 the two SME demos and Initech's two follow-ups, 4; Thu 12-24 Initech's SME demo and
    Acme's and Globex's Feedback Collection, 3; Mon 12-28 those two Feedback Collections, 2.
    Support (the three releases' Supporting and Help Content, from 12-14 and 12-21): 0, 2, 3,
    3. Six people carry a task in those weeks: a strip each."""
    import nivosync.app.sync as sync_module

    drawn = []
    real = sync_module.load_chart_png
    monkeypatch.setattr(sync_module, "load_chart_png", lambda c: drawn.append(c) or real(c))
    site, acme = three
    code, report = sync(site, "--all", "--as-of", "2026-12-07")
    assert code == 0, report
    page_id = report["portfolio_page"]["id"]
    assert len(drawn) == 1
    chart = drawn[0]
    assert chart.weeks == (D(2026, 12, 7), D(2026, 12, 14), D(2026, 12, 21), D(2026, 12, 28))
    rows = {w.person: (w.forecast, w.planned, w.limit) for w in chart.people}
    dana = "dana@example.com"
    assert rows[dana] == ((4, 4, 3, 2), (4, 4, 3, 2), 3)
    assert rows["support@example.com"] == ((0, 2, 3, 3), (0, 2, 3, 3), 3)
    assert len(rows) == 6
    # What the JSON and the page's table say, per week: the same numbers.
    peaks = {p["person"]: p["peak_per_week"] for p in report["portfolio"]["people"]}
    assert list(peaks[dana].values()) == [4, 4, 3, 2]
    ident, png = attachments(site, page_id)["people-load.png"]
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1000, 56 + 64 * 6 + 80)
    assert png == real(chart)  # what was uploaded is what was drawn
    body = page_body(site, page_id)
    assert '<ac:image ac:alt="People' in body and 'ri:filename="people-load.png"' in body
    # A quiet night draws nothing and uploads nothing.
    site.clear()
    code, _ = sync(site, "--all", "--as-of", "2026-12-07")
    assert code == 0 and len(drawn) == 1 and uploads(site, page_id) == []
    # Acme's Schedule Sharing done on its first day: dana carries 3 on Tue 12-08, not 4.
    resolve_on(site, acme["release-schedule-sharing"], D(2026, 12, 7))
    site.clear()
    code, _ = sync(site, "--all", "--as-of", "2026-12-07")
    assert code == 0 and len(drawn) == 2
    assert {w.person: w.forecast for w in drawn[1].people}[dana] == (3, 4, 3, 2)
    assert [u for u in uploads(site, page_id) if ident in u]  # a new version of the chart
    assert attachments(site, page_id)["people-load.png"][1] == real(drawn[1])


def test_create_with_pages_reads_the_other_releases_once_for_guard_and_advisory(three):
    """The go-live guard's search of the running releases' epics is the one the new
    release's Change Advisory shows its collisions from: one search more than without a
    go-live limit, not two."""
    site, _ = three

    def created(customer: str) -> tuple[int, str]:
        site.clear()
        release = ["--customer", customer, "--release", "1.0", "--start", "2026-12-28"]
        result = cli(site, "create", *release, "--json", "--allow-conflict")
        assert result.exit_code == 0, result.output
        searches = len([r for r in site.requests() if JIRA_SEARCH.search(r["path"])])
        pages = {p["kind"]: p["id"] for p in json.loads(result.stdout)["pages"]}
        return searches, page_body(site, pages["change-advisory"])

    with_limit, advisory = created("Hooli")
    assert "Go-live collisions" in advisory
    data = yaml.safe_load(site.config_path.read_text())
    del data["portfolio"]["max_go_lives_per_week"]
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    without_limit, advisory = created("Umbrella")
    assert "Go-live collisions" not in advisory
    assert with_limit == without_limit + 1
