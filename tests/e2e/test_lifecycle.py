"""A release's life after `create`, over simulated weeks: re-plan, cancel, done, past as-of."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import requests

from .conftest import E2ESite, reader
from .test_sync import ACME, cli, create, page_body, resolve_on, sync

NEW_START = "2027-01-04"
REASON = "customer freeze over the holidays"


@contextmanager
def on_day(site: E2ESite, day: str) -> Iterator[None]:
    """The sandbox's clock on `day` (Jira's timestamps then say that day, as they would)."""
    when = date.fromisoformat(day)
    site.sandbox.clock.set(datetime(when.year, when.month, when.day, 20, tzinfo=UTC))
    try:
        yield
    finally:
        site.sandbox.clock.set(None)


def epic_property(site: E2ESite, epic: str, name: str = "nivosync"):
    api = "3" if site.flavor == "cloud" else "2"
    url = f"{site.sandbox.jira_url}/rest/api/{api}/issue/{epic}/properties/{name}"
    response = requests.get(url, auth=site.sandbox.auth, timeout=10)
    return response.json()["value"] if response.status_code == 200 else None


def approval_keys(site: E2ESite) -> list[str]:
    """The approvers' sub-tasks of the release (one per approver role)."""
    roles = ("delivery-supervisor", "development-team", "client-sme-teams")
    labels = ", ".join(f"nivosync-approval-{r}" for r in roles)
    found = reader(site).search_issues(f"labels in ({labels}) ORDER BY key", maxResults=10)
    assert len(found) == 3
    return [i.key for i in found]


def replan(site: E2ESite, *extra: str):
    args = ["replan", *ACME, "--start", NEW_START, "--reason", REASON, "--json", *extra]
    result = cli(site, *args)
    assert "Traceback" not in result.output
    return result


def test_replan_moves_open_tasks_keeps_history_and_reports_against_both(site: E2ESite):
    keys = create(site)
    kickoff = keys["upgrade-release-kickoff"]
    resolve_on(site, kickoff, date(2026, 12, 7))
    epic = cli(site, "sync", *ACME, "--as-of", "2026-12-08", "--json", "--no-publish")
    epic_key = json.loads(epic.stdout)["releases"][0]["epic"]

    dry = replan(site, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["dry_run"] is True
    site.clear()
    result = replan(site)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["baseline_written"] is True
    assert report["to"] == {"start": "2027-01-04", "go_live": "2027-02-02"}
    assert kickoff in report["kept_done"]
    moved = {(m["key"], m["field"]) for m in report["moved"]}
    assert (keys["production-deployment"], "duedate") in moved
    assert not any(key == kickoff for key, _ in moved)
    client = reader(site)
    assert client.issue(keys["production-deployment"]).fields.duedate == "2027-02-02"
    assert client.issue(kickoff).fields.duedate == "2026-12-07"  # done: its dates are history
    stored = epic_property(site, epic_key)
    assert stored["baseline"]["start"] == "2027-01-04"
    assert stored["baseline"]["reason"] == REASON
    assert [b["start"] for b in stored["baselines"]] == ["2026-12-07"]
    plan_page = next(p for p in report["pages"] if p["kind"] == "plan")
    assert plan_page["action"] == "updated"
    assert "2027-02-02" in page_body(site, plan_page["id"]).replace("\u2011", "-")  # unbroken
    assert any("--change-advisory" in n for n in report["notes"])

    again = json.loads(replan(site).stdout)  # a re-run finds everything done already
    assert again["baseline_written"] is False and again["moved"] == []
    assert {p["action"] for p in again["pages"]} == {"unchanged"}

    refused = cli(site, "create", *ACME, "--start", "2026-12-07", "--json")
    assert refused.exit_code == 2
    assert "nivosync replan" in refused.stderr and "planned from 2027-01-04" in refused.stderr
    same = cli(site, "create", *ACME, "--start", NEW_START, "--json", "--no-publish")
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["drift"] == []

    _code, measured = sync(site, *ACME, "--as-of", "2027-01-05", "--no-publish")
    (release,) = measured["releases"]
    assert release["planned_go_live"] == "2027-02-02"
    assert release["original_go_live"] == "2027-01-07"
    assert release["replan_reason"] == REASON
    assert release["status"] == "on_track"


def test_cancel_records_closes_and_stops_measuring(site: E2ESite):
    create(site)
    code, first = sync(site, "--all", "--as-of", "2026-12-08")
    assert code == 0, first
    epic_key = first["releases"][0]["epic"]
    with on_day(site, "2026-12-09"):
        result = cli(site, "cancel", *ACME, "--reason", "customer withdrew", "--json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    assert outcome["cancellation"]["state"] == "cancelled"
    assert outcome["cancellation"]["on"] == "2026-12-09"  # the day on Jira's clock
    assert outcome["cancellation"]["reason"] == "customer withdrew"
    assert len(outcome["cancellation"]["open_tasks"]) == 15
    assert outcome["status_page"]["action"] == "updated"
    body = page_body(site, outcome["status_page"]["id"])
    assert "CANCELLED" in body and "customer withdrew" in body
    epic = reader(site).issue(epic_key)
    assert epic.fields.status.statusCategory.key == "done"
    assert "nivosync-cancelled" in epic.fields.labels

    site.clear()
    code, later = sync(site, "--all", "--as-of", "2026-12-20", "--fail-on-slip")
    assert code == 0, later  # not measured, so not slipping
    assert later["releases"] == []
    (finished,) = later["finished"]
    assert (finished["state"], finished["reason"]) == ("cancelled", "customer withdrew")
    assert later["portfolio_page"]["action"] == "updated"
    assert "customer withdrew" in page_body(site, later["portfolio_page"]["id"])
    again = json.loads(cli(site, "cancel", *ACME, "--reason", "other", "--json").stdout)
    assert again["already_cancelled"] is True
    assert again["cancellation"]["reason"] == "customer withdrew"  # the first is kept


def test_a_late_release_stays_until_done_then_is_done_with_actual_go_live(site: E2ESite):
    keys = create(site)
    code, report = sync(site, "--all", "--as-of", "2027-03-01", "--no-publish")
    assert [r["status"] for r in report["releases"]] == ["slipping"]  # late, never vanished
    # Every task, and every approver's sub-task: the approval task is done once all approved.
    for key in [*keys.values(), *approval_keys(site)]:
        resolve_on(site, key, date(2027, 1, 11))
    with on_day(site, "2027-01-12"):
        code, done = sync(site, "--all", "--as-of", "2027-01-12", "--fail-on-slip")
    assert code == 0, done  # a finished release does not fail the night
    (release,) = done["releases"]
    assert (release["status"], release["became"]) == ("done", "done")
    assert release["actual_go_live"] == "2027-01-11"
    epic = reader(site).issue(release["epic"])
    assert epic.fields.status.statusCategory.key == "done"
    assert "nivosync-done" in epic.fields.labels
    code, after = sync(site, "--all", "--as-of", "2027-01-13")
    assert after["releases"] == []
    assert [f["state"] for f in after["finished"]] == ["done"]
    code, much_later = sync(site, "--all", "--as-of", "2027-03-01", "--no-publish")
    assert much_later["finished"] == []  # listed for finished_listed_days only


def test_a_look_back_before_the_last_record_writes_nothing(site: E2ESite):
    keys = create(site)
    resolve_on(site, keys["upgrade-release-kickoff"], date(2026, 12, 9))  # two days late
    code, tonight = sync(site, "--all", "--as-of", "2026-12-14")
    assert code == 0, tonight
    site.clear()
    code, past = sync(site, "--all", "--as-of", "2026-12-08")
    assert code == 0, past
    (release,) = past["releases"]
    assert release["look_back"] is True
    # On 12-08 the kickoff was still open (it was resolved on 12-09): it counts as open then.
    kickoff = next(t for t in release["tasks"] if t["task_id"] == "upgrade-release-kickoff")
    assert kickoff["status_category"] != "done" and kickoff["resolved_after_as_of"] is True, kickoff
    assert site.writes() == []  # no history, no page, no portfolio out of order
    code, shown = sync(site, "--all", "--as-of", "2026-12-08", "--publish-past")
    assert shown["releases"][0]["status_page"]["action"] == "updated"
    history = epic_property(site, release["epic"], "nivosync.history")
    assert [h["last_seen"] for h in history] == ["2026-12-14"]  # never written out of order


def test_a_late_task_on_the_critical_path_moves_go_live(site: E2ESite):
    keys = create(site)
    resolve_on(site, keys["upgrade-release-kickoff"], date(2026, 12, 10))  # 3 working days late
    _code, report = sync(site, *ACME, "--as-of", "2026-12-10", "--no-publish")
    (release,) = report["releases"]
    assert release["status"] == "slipping"
    # 3 days late at the head of the critical path; the day of slack the plan leaves between
    # the UAT form (due on day 8) and UAT (from day 10) absorbs one: go-live moves by 2.
    assert (release["planned_go_live"], release["projected_go_live"]) == (
        "2027-01-07",
        "2027-01-11",
    )
    assert release["slip_days"] == 2
    assert release["critical_path"][0] == "upgrade-release-kickoff"
    review = next(t for t in release["tasks"] if t["task_id"] == "environment-review")
    assert review["critical"] is False and review["float_days"] > 0  # nothing waits for it
