"""`nivosync sync` against the sandbox: the issue's worked example, pages, history, budget."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from nivosync.cli import main

from .conftest import E2ESite, reader, start_site

ACME = ["--customer", "Acme Health", "--release", "2.4.0"]
WEEK_ONE = [
    "upgrade-release-kickoff",
    "release-schedule-sharing",
    "release-documentation-and-demo-scheduling",
    "environment-review",
]


def cli(site: E2ESite, *args: str):
    return CliRunner().invoke(main, ["--config", str(site.config_path), *args])


def create(site: E2ESite) -> dict[str, str]:
    result = cli(site, "create", *ACME, "--start", "2026-12-07", "--json")
    assert result.exit_code == 0, result.output
    night_passes(site)
    return {i["task_id"]: i["key"] for i in json.loads(result.stdout)["issues"]}


def night_passes(site: E2ESite) -> None:
    """`sync --all` runs nightly, long after `create`: Jira's search index has caught up with
    the new epics by then (a single-release sync finds them at once, through the ledger)."""
    site.sandbox.faults.configure({"index_lag_seconds": 0})


def resolve_on(site: E2ESite, key: str, day: date) -> None:
    site.sandbox.clock.set(datetime(day.year, day.month, day.day, 15, tzinfo=UTC))
    client = reader(site)
    done = next(t["id"] for t in client.transitions(key) if t["name"].lower() == "done")
    client.transition_issue(key, done)
    site.sandbox.clock.set(None)


def sync(site: E2ESite, *args: str) -> tuple[int, dict]:
    result = cli(site, "sync", *args, "--json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else {}


def test_issue_worked_example(site: E2ESite):
    keys = create(site)
    for task in WEEK_ONE[:-1]:
        resolve_on(site, keys[task], date(2026, 12, 11))
    resolve_on(site, keys[WEEK_ONE[-1]], date(2026, 12, 15))
    site.clear()
    code, report = sync(site, *ACME, "--as-of", "2026-12-16", "--no-publish")
    assert code == 0
    assert report["as_of"] == "2026-12-16"
    (release,) = report["releases"]
    week1, week23, *_ = release["milestones"]
    assert (week1["status"], week1["slip_days"]) == ("done", 2)
    # The Environment Review finished 2 working days late, but nothing depends on it: the
    # forecast keeps weeks 2-3 and the go-live on plan, and the release is at risk only.
    assert (week23["projected_end"], week23["slip_days"]) == ("2026-12-28", 0)
    assert release["projected_go_live"] == release["planned_go_live"] == "2027-01-07"
    assert release["slip_days"] == 0
    assert release["status"] == "at_risk"
    review = next(t for t in release["tasks"] if t["task_id"] == "environment-review")
    assert (review["slip_days"], review["critical"]) == (2, False)
    assert site.writes() == []  # --no-publish writes nothing


def test_publishes_status_and_portfolio_pages_with_history(site: E2ESite):
    create(site)
    code, report = sync(site, "--all", "--as-of", "2026-12-14")
    assert code == 0, report
    page = report["releases"][0]["status_page"]
    assert page["action"] == "created"
    assert report["portfolio_page"]["action"] == "created"
    site.clear()
    code, again = sync(site, "--all", "--as-of", "2026-12-14")
    assert again["releases"][0]["status_page"]["action"] == "unchanged"
    assert site.writes() == []  # same night again: nothing to write
    code, later = sync(site, "--all", "--as-of", "2026-12-16", "--fail-on-slip")
    assert code == 3
    assert later["releases"][0]["status_page"]["action"] == "updated"
    body = page_body(site, later["releases"][0]["status_page"]["id"])
    assert "slipped 2 more working days since 2026\u201112\u201114" in body  # unbreakable date
    assert "slippage.png" in body


def page_body(site: E2ESite, page_id: str) -> str:
    import requests

    base = site.sandbox.confluence_url
    auth = site.sandbox.auth
    if site.flavor == "cloud":
        data = requests.get(
            f"{base}/api/v2/pages/{page_id}",
            params={"body-format": "storage"},
            auth=auth,
            timeout=10,
        ).json()
        return data["body"]["storage"]["value"]
    data = requests.get(
        f"{base}/rest/api/content/{page_id}",
        params={"expand": "body.storage"},
        auth=auth,
        timeout=10,
    ).json()
    return data["body"]["storage"]["value"]


def test_unknown_release_and_bad_options_exit_2(site: E2ESite):
    result = cli(site, "sync", "--customer", "Nobody", "--release", "1")
    assert result.exit_code == 2 and "create it first" in result.stderr
    result = cli(site, "sync", "--all", "--customer", "Acme Health")
    assert result.exit_code == 2 and "either --all" in result.stderr


def seed_releases(site: E2ESite, count: int) -> None:
    """`count` releases as `create` makes them, written in bulk (links left out for speed)."""
    from nivosync.app.creation import find_people, resolve
    from nivosync.app.payloads import epic_payload, task_payload
    from nivosync.app.planning import compute_plan
    from nivosync.app.sites import jira_gateway, open_sites
    from nivosync.inputs.config import load_config
    from nivosync.inputs.templates import load_template, shipped_templates_dir

    config = load_config(site.config_path)
    template = load_template(shipped_templates_dir() / "nivomax-5-week.yaml")
    plans = [
        compute_plan(config, template, f"Customer {n:03d}", "1.0", date(2026, 12, 7))
        for n in range(count)
    ]
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        resolved = resolve(jira, "Task")
        find_people(jira, plans[0], resolved, {})
        now = datetime(2026, 11, 30, tzinfo=UTC)
        epics = [
            epic_payload(p, jira.flavor, resolved.facts, resolved.epic_type, now) for p in plans
        ]
        keys = []
        for start in range(0, len(epics), 50):
            keys += [key for _, key, _ in jira.bulk_create(epics[start : start + 50]).created]
        tasks = [
            task_payload(
                p, t, jira.flavor, resolved.facts, resolved.task_type, key, resolved.refs, []
            )
            for p, key in zip(plans, keys, strict=True)
            for t in p.tasks
        ]
        for start in range(0, len(tasks), 50):
            assert not jira.bulk_create(tasks[start : start + 50]).failures
    # Made days before the night they are synced: Jira's search shows them by then (on a fast
    # machine the seeding takes less than the sandbox's index lag).
    time.sleep(site.sandbox.faults.index_lag_seconds)


def test_two_hundred_releases_within_the_search_budget(cloud_site: E2ESite):
    seed_releases(cloud_site, 200)
    cloud_site.clear()
    code, report = sync(cloud_site, "--all", "--as-of", "2026-12-16", "--no-publish")
    assert code == 0
    assert len(report["releases"]) == 200
    assert all(len(r["tasks"]) == 15 for r in report["releases"])
    searches = [r for r in cloud_site.requests() if r["path"].endswith("/search/jql")]
    assert len(searches) <= 40, len(searches)
    print(f"searches for 200 releases: {len(searches)}")
    others = [f"{r['method']} {r['path']}" for r in cloud_site.requests() if r not in searches]
    assert len(others) <= 2, others  # the project and its fields: no request per issue


def test_a_release_that_cannot_be_measured_gets_a_stale_status_page(site: E2ESite):
    import requests

    create(site)
    code, report = sync(site, "--all", "--as-of", "2026-12-14")
    assert code == 0
    page_id = report["releases"][0]["status_page"]["id"]
    epic = report["releases"][0]["epic"]
    api = "3" if site.flavor == "cloud" else "2"
    url = f"{site.sandbox.jira_url}/rest/api/{api}/issue/{epic}/properties/nivosync"
    broken = requests.put(
        url,
        json={
            "kind": "epic",
            "schema": 1,
            "slug": "acme-health--2.4.0",
            "customer": "Acme Health",
            "release": "2.4.0",
        },
        auth=site.sandbox.auth,
        timeout=10,
    )
    assert broken.status_code in (200, 201, 204), broken.text
    code, later = sync(site, "--all", "--as-of", "2026-12-15")
    assert code == 1  # an operational failure for that release
    assert later["releases"][0]["status"] == "error"
    body = page_body(site, page_id)
    assert "This report is stale: the data is from 2026-12-14" in body
    assert "unreadable" in body


def test_json_logs_one_object_per_line_with_release_counts_and_duration(site: E2ESite, capfd):
    import sys

    create(site)
    capfd.readouterr()
    result = CliRunner().invoke(
        main,
        [
            "--config",
            str(site.config_path),
            "--log-format",
            "json",
            "sync",
            "--all",
            "--as-of",
            "2026-12-16",
            "--no-publish",
        ],
    )
    assert result.exit_code == 0
    err = result.stderr + capfd.readouterr().err + getattr(sys.stderr, "getvalue", str)()
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    events = {r["event"]: r for r in records}
    assert events["release synced"]["release"] == "acme-health--2.4.0"
    assert events["release synced"]["tasks"] == 15
    assert events["sync finished"]["releases"] == 1 and "duration_ms" in events["sync finished"]


def create_globex(site: E2ESite) -> str:
    """A second release (Globex 1.0, no pages); its epic's key."""
    other = cli(
        site,
        "create",
        "--customer",
        "Globex",
        "--release",
        "1.0",
        "--start",
        "2026-12-07",
        "--json",
        "--no-publish",
    )
    assert other.exit_code == 0, other.output
    return str(json.loads(other.stdout)["epic"]["key"])


def damage_epic(site: E2ESite, epic_key: str, baseline: object) -> None:
    """Someone edits the epic's `nivosync` property by hand: the baseline becomes `baseline`."""
    import requests

    api = "/rest/api/3" if site.flavor == "cloud" else "/rest/api/2"
    url = f"{site.sandbox.jira_url}{api}/issue/{epic_key}/properties/nivosync"
    auth = site.sandbox.auth
    stored = requests.get(url, auth=auth, timeout=10).json()["value"]
    answer = requests.put(url, json={**stored, "baseline": baseline}, auth=auth, timeout=10)
    assert answer.status_code in (200, 201), answer.text


@pytest.mark.parametrize("baseline", [None, [], "garbage"])
def test_one_damaged_epic_does_not_stop_the_night(site: E2ESite, baseline):
    """Issue 9, defect 2: the damaged release is reported (status error); the others measured."""
    create(site)
    epic_key = create_globex(site)
    damage_epic(site, epic_key, baseline)
    code, report = sync(site, "--all", "--as-of", "2026-12-14")
    assert code == 1
    by_customer = {r["customer"]: r for r in report["releases"]}
    assert by_customer["Globex"]["status"] == "error"
    assert "baseline" in by_customer["Globex"]["error"]
    assert by_customer["Acme Health"]["status"] == "slipping"  # measured as usual
    assert by_customer["Acme Health"]["status_page"]["action"] == "created"
    assert report["portfolio_page"]["action"] == "created"


def rename_task(site: E2ESite, key: str, summary: str) -> None:
    reader(site).issue(key).update(fields={"summary": summary})


def test_dollars_in_a_summary_are_text_and_a_broken_release_stops_only_itself(
    site: E2ESite, monkeypatch
):
    """Issue 11, item 4: `Budget $^$ review` crashed matplotlib's mathtext for every release
    every night; and any failure while measuring or drawing one release is that release's."""
    keys = create(site)
    rename_task(site, keys["upgrade-release-kickoff"], "Budget $^$ review")
    create_globex(site)
    code, report = sync(site, "--all", "--as-of", "2026-12-14")
    assert code == 0, report
    assert {r["status"] for r in report["releases"]} == {"slipping"}

    from nivosync.app import status_reports

    real = status_reports.slip_chart_png

    def fragile(slippage, title):
        if title.startswith("Globex"):
            raise ValueError("cannot draw this one")
        return real(slippage, title)

    monkeypatch.setattr(status_reports, "slip_chart_png", fragile)
    code, report = sync(site, "--all", "--as-of", "2026-12-15")
    assert code == 1
    by_customer = {r["customer"]: r for r in report["releases"]}
    assert "cannot draw this one" in by_customer["Globex"]["publish_error"]
    assert by_customer["Acme Health"].get("publish_error") is None
    assert report["portfolio_page"]["id"]  # the portfolio is still published


@pytest.fixture
def dc_site(tmp_path, monkeypatch):
    yield from start_site(tmp_path, "datacenter", monkeypatch)


def test_data_center_reads_each_epic_once_beyond_the_searches(dc_site: E2ESite):
    """Issue 15: Data Center's search returns no issue properties, so each epic is read once
    with all of nivosync's properties (it was one read per property: 3 per release)."""
    seed_releases(dc_site, 20)
    dc_site.sandbox.faults.configure({"index_lag_seconds": 0})  # the nightly run finds them
    dc_site.clear()
    code, report = sync(dc_site, "--all", "--as-of", "2026-12-16", "--no-publish")
    assert code == 0
    assert len(report["releases"]) == 20
    assert all(r["status"] != "error" and len(r["tasks"]) == 15 for r in report["releases"])
    log = dc_site.requests()
    searches = [r for r in log if r["path"].endswith("/search")]
    others = [f"{r['method']} {r['path']}" for r in log if r not in searches]
    assert not [r for r in others if "/properties/" in r], others
    assert len(others) <= 20 + 2, others  # one epic read per release; the project and fields
    print(f"Data Center, 20 releases: {len(searches)} searches, {len(others)} other requests")


def test_a_quiet_night_reads_no_page_and_no_epic_property_per_release(site: E2ESite):
    """Issue 15: the status pages are checked by one search (a request per 50 pages, with
    their versions and nivosync's property), and a state recorded already is not read again:
    a night with no change costs the searches and a few fixed requests, not requests per
    release. The first night creates each page without listing its (no) attachments, and
    looks the Delivery Supervisor up once for every release's comment."""
    seed_releases(site, 12)
    night_passes(site)
    site.clear()
    code, first = sync(site, "--all", "--as-of", "2026-12-16")
    assert code in (0, 1), first
    assert {r["status_page"]["action"] for r in first["releases"]} == {"created"}
    log = site.requests()
    assert not [r for r in log if r["path"].endswith("/attachments")], "a new page was listed"
    lookups = [
        r for r in log if "/user/assignable/search" in r["path"] or "/user/search" in r["path"]
    ]
    assert len(lookups) <= 1, lookups
    site.clear()
    code, quiet = sync(site, "--all", "--as-of", "2026-12-16")
    assert {r["status_page"]["action"] for r in quiet["releases"]} == {"unchanged"}
    assert quiet["portfolio_page"]["action"] == "unchanged"
    assert site.writes() == []
    log = site.requests()
    searches = [r for r in log if re.search(r"/search(/jql)?$", r["path"])]
    people = [r for r in log if r["path"].endswith("/rest/api/user")]  # Data Center mentions
    others = [f"{r['method']} {r['path']}" for r in log if r not in searches and r not in people]
    # the project, its fields, who nivosync is and its night record (and on Data Center one
    # read per epic: its properties); the space, the portfolio page found (and its property)
    per_epic = 12 if site.flavor == "datacenter" else 0
    assert len(others) <= 9 + per_epic, others
    assert len(people) <= 11, people  # once per person named on the pages, not per release
    assert len(searches) <= 5, [r["path"] for r in searches]  # epics, tasks, pages, portfolio
