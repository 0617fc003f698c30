"""Issue 12, item 7 against the sandbox (both flavours): write on change, notify on change.

A release created to start on 2027-01-04 is synced nightly from 2026-12-13: before it starts
nothing in Jira changes and nothing in its measurement does, so ten quiet nights write nothing
to Confluence, draw no chart and tell nobody. On 2027-01-06 its kickoff (in progress since its
start day, due 2027-01-04) is late and go-live moves: one page update with a version message
saying so, one comment on the epic mentioning the Delivery Supervisor, one webhook call.

Each night is "today" (the test sets the clock nivosync reads), as a cron job would run it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import yaml
from click.testing import CliRunner

from nivosync.cli import main
from nivosync.sandbox.seed import account_id_for

from .conftest import E2ESite, reader

ACME = ["--customer", "Acme Health", "--release", "2.4.0"]
START = date(2027, 1, 4)
FIRST_NIGHT = date(2026, 12, 13)
SLIP_NIGHT = date(2027, 1, 6)  # kickoff two days late: go-live moves one (the float)
SECRET = "T000/B000/s3cr3t-hook-9f1c"
WEBHOOK_ENV = "NIVOSYNC_TEST_WEBHOOK_URL"


@dataclass
class Receiver:
    """A local incoming webhook: what it was sent, and its secret URL."""

    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    posts: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            known = self.path == f"/services/{SECRET}"
            if known:
                posts.append({"path": self.path, "body": body})
            self.send_response(200 if known else 404)  # Slack: 404 no_service
            self.end_headers()
            self.wfile.write(b"ok" if known else b"no_service")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver(f"http://127.0.0.1:{server.server_port}/services/{SECRET}", posts)
    server.shutdown()
    server.server_close()


@pytest.fixture
def nightly(site: E2ESite, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> E2ESite:
    """The site, configured to post changes to the receiver; the release created."""
    data = yaml.safe_load(site.config_path.read_text())
    data["notify"] = {"webhook_url_env": WEBHOOK_ENV}
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv(WEBHOOK_ENV, receiver.url)
    result = cli(site, "create", *ACME, "--start", START.isoformat(), "--no-publish", "--json")
    assert result.exit_code == 0, result.output
    site.sandbox.faults.configure({"index_lag_seconds": 0})  # the nightly run finds it
    return site


@pytest.fixture
def charts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the charts drawn."""
    from nivosync.app import status_reports

    drawn: list[str] = []
    real = status_reports.slip_chart_png

    def counted(slippage, title):
        drawn.append(title)
        return real(slippage, title)

    monkeypatch.setattr(status_reports, "slip_chart_png", counted)
    return drawn


def cli(site: E2ESite, *args: str):
    return CliRunner().invoke(main, ["--config", str(site.config_path), *args])


def night(
    site: E2ESite, monkeypatch: pytest.MonkeyPatch, day: date, *args: str, logs: bool = False
):
    """`sync --all` as the cron job runs it on `day` (today, no --as-of); `logs`: JSON logs
    with debug records."""
    from nivosync.app import sync as sync_app

    monkeypatch.setattr(sync_app, "today_in", lambda config: day)
    options = ["--log-format", "json", "-v"] if logs else []
    result = CliRunner().invoke(
        main, ["--config", str(site.config_path), *options, "sync", "--all", "--json", *args]
    )
    assert "Traceback" not in result.output, result.output
    return result


def report(result) -> dict[str, Any]:
    return json.loads(result.stdout)


def confluence_writes(site: E2ESite) -> list[str]:
    return [
        f"{r['method']} {r['path']}"
        for r in site.requests()
        if r["method"] != "GET" and r["path"].startswith(("/wiki", "/confluence"))
    ]


def jira_writes(site: E2ESite) -> list[str]:
    return [
        f"{r['method']} {r['path']}"
        for r in site.requests()
        if r["method"] != "GET"
        and r["path"].startswith("/rest/api/")
        and not r["path"].endswith(("/search/jql", "/search"))
    ]


def comments(site: E2ESite, epic: str) -> list[Any]:
    api = "3" if site.flavor == "cloud" else "2"
    url = f"{site.sandbox.jira_url}/rest/api/{api}/issue/{epic}/comment"
    answer = requests.get(url, auth=site.sandbox.auth, timeout=10)
    assert answer.status_code == 200, answer.text
    return [c["body"] for c in answer.json()["comments"]]


def start_kickoff(site: E2ESite, key: str) -> None:
    """Someone moves the kickoff to In Progress on its start day."""
    site.sandbox.clock.set(datetime(START.year, START.month, START.day, 9, tzinfo=UTC))
    client = reader(site)
    progress = next(t["id"] for t in client.transitions(key) if "progress" in t["name"].lower())
    client.transition_issue(key, progress)
    site.sandbox.clock.set(None)


def version_message(site: E2ESite, page_id: str) -> str:
    base, auth = site.sandbox.confluence_url, site.sandbox.auth
    if site.flavor == "cloud":
        page = requests.get(f"{base}/api/v2/pages/{page_id}", auth=auth, timeout=10).json()
    else:
        url = f"{base}/rest/api/content/{page_id}"
        page = requests.get(url, params={"expand": "version"}, auth=auth, timeout=10).json()
    return str(page["version"].get("message", ""))


def kickoff_key(site: E2ESite, result) -> str:
    tasks = report(result)["releases"][0]["tasks"]
    return next(t["key"] for t in tasks if t["task_id"] == "upgrade-release-kickoff")


def quiet_nights(
    site: E2ESite, monkeypatch: pytest.MonkeyPatch, charts: list[str]
) -> tuple[str, str]:
    """The first night (pages created), then ten unchanged ones; the kickoff's and the epic's
    keys."""
    first = night(site, monkeypatch, FIRST_NIGHT)
    assert first.exit_code == 0, first.output
    assert report(first)["releases"][0]["status_page"]["action"] == "created"
    assert report(first)["releases"][0]["change"]["kind"] == "changed"  # on plan: quiet
    charts.clear()
    site.clear()
    for n in range(1, 11):
        result = night(site, monkeypatch, FIRST_NIGHT + timedelta(days=n))
        assert result.exit_code == 0, result.output
        (release,) = report(result)["releases"]
        assert release["status_page"]["action"] == "unchanged"
        assert release["change"]["kind"] == "unchanged"
        assert report(result)["portfolio_page"]["action"] == "unchanged"
    return kickoff_key(site, result), release["epic"]


def test_ten_quiet_nights_then_one_slip_told_once(
    nightly: E2ESite, receiver: Receiver, charts: list[str], monkeypatch, capfd
):
    site = nightly
    kickoff, epic = quiet_nights(site, monkeypatch, charts)
    assert confluence_writes(site) == []  # pages, attachments, properties, labels: none
    assert charts == []  # nothing changed: no chart drawn
    assert receiver.posts == []
    assert comments(site, epic) == []
    writes = jira_writes(site)
    # one a night: the night record on nivosync's own user, not the epic's history
    assert len(writes) == 10 and all(w.endswith("/nivosync.nights.nvx") for w in writes), writes
    print(f"ten quiet nights: Confluence writes 0, Jira writes {len(writes)} (night record)")

    start_kickoff(site, kickoff)
    site.clear()
    slipped = night(site, monkeypatch, SLIP_NIGHT, logs=True)
    assert slipped.exit_code == 0, slipped.output
    (release,) = report(slipped)["releases"]
    assert release["status"] == "slipping"
    assert release["change"]["kind"] == "worsened"
    message = release["change"]["message"]
    assert message.startswith("now slipping, slipped 1 working day")
    assert message.endswith("Upgrade Release Kickoff late")
    assert release["notified"] == ["comment", "webhook"]
    assert release["status_page"]["action"] == "updated"
    said = version_message(site, release["status_page"]["id"])
    assert said.startswith(message + " [nivosync ")  # what changed, then nivosync's own mark
    print(f"slip night: Confluence writes {confluence_writes(site)}; Jira {jira_writes(site)}")
    status_id, portfolio_id = release["status_page"]["id"], report(slipped)["portfolio_page"]["id"]
    bodies = [w for w in confluence_writes(site) if w.startswith("PUT") and "propert" not in w]
    assert [w.rsplit("/", 1)[-1] for w in bodies] == [status_id, portfolio_id]  # once each
    assert report(slipped)["portfolio_page"]["action"] == "updated"
    assert charts == ["Acme Health 2.4.0"]

    (told,) = comments(site, epic)
    if site.flavor == "cloud":
        first = told["content"][0]["content"][0]
        assert first == {"type": "mention", "attrs": {"id": account_id_for("dana@example.com")}}
        text = json.dumps(told)
    else:
        assert told.startswith("[~dana] ")
        text = told
    assert "Upgrade Release Kickoff late" in text and "nivosync change" in text
    (post,) = receiver.posts
    assert post["body"]["text"].startswith(f"Acme Health 2.4.0: {message}.")
    assert "projected go-live" in post["body"]["text"]

    site.clear()
    again = night(site, monkeypatch, SLIP_NIGHT)  # the same night, run again
    assert again.exit_code == 0
    assert report(again)["releases"][0]["change"]["kind"] == "unchanged"
    assert len(comments(site, epic)) == 1 and len(receiver.posts) == 1
    assert confluence_writes(site) == []

    logs = slipped.output + slipped.stderr + again.output + capfd.readouterr().err
    assert SECRET not in logs and receiver.url not in logs
    assert "services/" not in logs


def test_no_notify_publishes_but_tells_nobody(
    nightly: E2ESite, receiver: Receiver, charts: list[str], monkeypatch
):
    site = nightly
    first = night(site, monkeypatch, FIRST_NIGHT)
    start_kickoff(site, kickoff_key(site, first))
    site.clear()
    quiet = night(site, monkeypatch, SLIP_NIGHT, "--no-notify")
    assert quiet.exit_code == 0, quiet.output
    (release,) = report(quiet)["releases"]
    assert (release["change"]["kind"], release["status_page"]["action"]) == ("worsened", "updated")
    assert "notified" not in release
    assert receiver.posts == [] and comments(site, release["epic"]) == []
    assert not [w for w in jira_writes(site) if w.endswith("/comment")]
    # The change was seen by whoever ran it: the next night does not tell it either.
    later = night(site, monkeypatch, SLIP_NIGHT)
    assert report(later)["releases"][0]["change"]["kind"] == "unchanged"
    assert receiver.posts == []


def test_a_failing_webhook_is_reported_owed_and_sent_the_next_night(
    nightly: E2ESite, receiver: Receiver, charts: list[str], monkeypatch
):
    site = nightly
    first = night(site, monkeypatch, FIRST_NIGHT)
    start_kickoff(site, kickoff_key(site, first))
    monkeypatch.setenv(WEBHOOK_ENV, receiver.url.replace("/services/", "/gone/") + "x")
    broken = night(site, monkeypatch, SLIP_NIGHT)
    assert broken.exit_code == 1  # the release is measured and published; the notice failed
    (release,) = report(broken)["releases"]
    assert release["notified"] == ["comment"]
    assert "webhook not sent" in release["notify_error"]
    assert SECRET not in broken.output + broken.stderr
    monkeypatch.setenv(WEBHOOK_ENV, receiver.url)
    receiver.posts.clear()
    retried = night(site, monkeypatch, SLIP_NIGHT)  # re-run: only what is owed is sent
    assert retried.exit_code == 0, retried.output
    assert report(retried)["releases"][0]["notified"] == ["webhook"]
    assert len(receiver.posts) == 1 and len(comments(site, release["epic"])) == 1


def test_a_webhook_variable_named_but_unset_stops_before_any_write(nightly: E2ESite, monkeypatch):
    site = nightly
    monkeypatch.delenv(WEBHOOK_ENV)
    site.clear()
    result = night(site, monkeypatch, FIRST_NIGHT)
    assert result.exit_code == 2
    assert (
        f"${WEBHOOK_ENV} is not set" in result.stderr and "notify.webhook_url_env" in result.stderr
    )
    assert site.requests() == []
    assert night(site, monkeypatch, FIRST_NIGHT, "--no-notify").exit_code == 0


def test_a_crash_after_the_comment_does_not_comment_twice(
    nightly: E2ESite, receiver: Receiver, charts: list[str], monkeypatch
):
    from nivosync.app import status_reports

    site = nightly
    first = night(site, monkeypatch, FIRST_NIGHT)
    epic = report(first)["releases"][0]["epic"]
    start_kickoff(site, kickoff_key(site, first))
    real = status_reports.record_history

    def crash(*args, **kwargs):
        raise RuntimeError("killed before the history was written")

    monkeypatch.setattr(status_reports, "record_history", crash)
    crashed = night(site, monkeypatch, SLIP_NIGHT)
    assert crashed.exit_code == 1
    assert len(comments(site, epic)) == 1 and len(receiver.posts) == 1
    monkeypatch.setattr(status_reports, "record_history", real)
    rerun = night(site, monkeypatch, SLIP_NIGHT)
    assert rerun.exit_code == 0, rerun.output
    assert report(rerun)["releases"][0]["change"]["kind"] == "worsened"  # not recorded yet
    assert len(comments(site, epic)) == 1  # its marker was found: not commented again
    assert len(receiver.posts) == 2  # the webhook has no such check (at least once)
    assert report(night(site, monkeypatch, SLIP_NIGHT))["releases"][0]["change"]["kind"] == (
        "unchanged"
    )


def test_a_change_the_chart_does_not_show_updates_the_page_without_drawing_it(
    nightly: E2ESite, charts: list[str], monkeypatch
):
    """Issue 15: a chart is drawn only when what it shows changed (its digest, recorded with
    the page, says so). A new owner of the next milestone changes the page, not its bars: the
    page is updated, no chart drawn or uploaded; then a night with no change in Jira draws no
    chart and writes nothing."""
    site = nightly
    first = night(site, monkeypatch, FIRST_NIGHT)
    assert report(first)["releases"][0]["status_page"]["action"] == "created"
    assert charts == ["Acme Health 2.4.0"]
    tasks = report(first)["releases"][0]["tasks"]
    last_of_kickoff = next(t["key"] for t in tasks if t["task_id"] == "environment-review")
    cloud = site.flavor == "cloud"
    support = {"accountId": account_id_for("support@example.com")} if cloud else {"name": "support"}
    reader(site).issue(last_of_kickoff).update(fields={"assignee": support})
    charts.clear()
    site.clear()
    moved = night(site, monkeypatch, FIRST_NIGHT + timedelta(days=1))
    assert moved.exit_code == 0, moved.output
    assert report(moved)["releases"][0]["status_page"]["action"] == "updated"
    assert charts == []
    written = confluence_writes(site)
    status_page = report(moved)["releases"][0]["status_page"]["id"]
    assert [w for w in written if w.startswith("PUT") and w.endswith(f"/{status_page}")]
    # the status page's chart is not uploaded (the portfolio's load chart may be: its owner
    # moved a task, so the people's load changed)
    assert not [w for w in written if f"/{status_page}/child/attachment" in w], written
    charts.clear()
    site.clear()
    quiet = night(site, monkeypatch, FIRST_NIGHT + timedelta(days=2))
    assert quiet.exit_code == 0, quiet.output
    assert report(quiet)["releases"][0]["status_page"]["action"] == "unchanged"
    assert charts == []
    assert confluence_writes(site) == []
